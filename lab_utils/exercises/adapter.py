"""How a student's class reaches the cells below its check: whatever its structure and names, as the lecture's.

The check finds the layers by type and shape; the cells below read them by the slides' names (model.linear,
model.linear1, model.linear2) and save and load weights under those names. A wrapper, not a subclass, does it: the
student's model is held whole (its forward untouched), so no name its own code uses changes meaning.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import torch
from torch import nn


def _to_slides(key: str, paths: Mapping[str, str]) -> str:
    for slide, path in paths.items():
        if key.startswith(path + "."):
            return slide + key[len(path):]
    return key


def wrapped(cls: type, paths: Mapping[str, str], init: Callable[..., None] | None = None) -> type:
    """A module class that builds `cls` with the same arguments and shows the layer at each path (e.g. 'layers.0')
    under its slide name (e.g. 'linear1'); `init(model, *args, **kwargs)` adds what else the cells below read."""
    paths = dict(paths)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        nn.Module.__init__(self)
        self.student = cls(*args, **kwargs)
        if init is not None:
            init(self, *args, **kwargs)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        return self.student(*args, **kwargs)

    def state_dict(self, *args: Any, **kwargs: Any) -> dict[str, torch.Tensor]:
        return {_to_slides(k, paths): v for k, v in self.student.state_dict(*args, **kwargs).items()}

    def load_state_dict(self, state: Mapping[str, torch.Tensor], *args: Any, **kwargs: Any) -> Any:
        own = {}
        for key, value in state.items():
            head, _, rest = key.partition(".")
            own[f"{paths[head]}.{rest}" if head in paths else key] = value
        return self.student.load_state_dict(own, *args, **kwargs)

    def layer(path: str) -> property:
        return property(lambda self: self.student.get_submodule(path))

    body = {"__init__": __init__, "forward": forward, "state_dict": state_dict, "load_state_dict": load_state_dict,
            "__doc__": cls.__doc__, "__qualname__": cls.__qualname__, "__module__": cls.__module__,
            **{slide: layer(path) for slide, path in paths.items()}}
    return type(cls.__name__, (nn.Module,), body)
