"""Whatever student code does while a check runs it, the process-wide changes the checks make (torch's methods, the
optimizer step hook, the alarm) are undone afterwards: lab_utils.exercises.patches holds the list."""

import pytest
import torch

from lab_utils.exercises import core, patches
from lab_utils.exercises.practice import DOUBLE
from lab_utils.exercises.probe import Recorder


def _train_then(ending):
    W = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([W], lr=0.1)
    optimizer.zero_grad()
    (W * 2).sum().backward()
    optimizer.step()
    ending()


def _raise():
    raise ZeroDivisionError("student code")


def _hang():
    while True:
        pass


def _exit():
    raise SystemExit(3)


@pytest.mark.parametrize("ending", [lambda: None, _raise, _hang, _exit], ids=["returns", "raises", "hangs", "exits"])
def test_a_check_leaves_the_process_as_it_found_it(ending, capsys, monkeypatch):
    _train_then(lambda: None)  # torch imports its compiler stack at the first step: not inside the short limit
    monkeypatch.setattr(core, "TIME_LIMIT", 0.3)  # the hanging code is stopped after 0.3 s
    before = patches.process_state()

    def probe():
        with Recorder().active() as recorder:
            _train_then(ending)
        return {"events": len(recorder.events)}

    core.run_check(DOUBLE, lambda: (probe(), {"stub": True})[1])
    assert patches.process_state() == before
    recorded = core.record(DOUBLE.id)
    assert recorded == {"stub": True} if ending.__name__ == "<lambda>" else "error" in recorded


def test_patched_restores_what_was_set_and_removes_what_was_only_inherited():
    class Base:
        def f(self):
            return "base"

    class Child(Base):
        def g(self):
            return "child"

    with pytest.raises(RuntimeError), patches.patched((Child, "f", lambda self: "new"), (Child, "g", None)):
        assert Child().f() == "new"
        raise RuntimeError
    assert "f" not in vars(Child) and Child().f() == "base" and Child().g() == "child"
