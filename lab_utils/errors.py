"""The one error type lab_utils raises for bad input, shown as a single line in notebooks."""

from __future__ import annotations


class LabError(ValueError):
    """Bad input to a lab_utils function: the message names the problem and the fix."""

    def _render_traceback_(self) -> list[str]:
        # IPython calls this instead of printing a full traceback: a student sees one line.
        return [f"{type(self).__name__}: {self}"]


class ParameterError(LabError):
    """A notebook parameter with an unknown name, a wrong type or a bad value."""
