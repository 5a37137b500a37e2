"""The exercise checks never raise on untrusted input: one line each, whatever the student's objects are."""

import pytest
import torch

import lab_utils as lab
from lab_utils.exercises import core, linear, logistic, mlp


class Explodes(torch.nn.Module):
    def __init__(self, *args):
        raise RuntimeError("boom")


def raises(*args, **kwargs):
    raise ValueError("student bug")


X1, y1 = lab.linear_data()
X3, y3 = lab.gate_data("xor")
JUNK = [None, "text", 3, object(), raises, Explodes, torch.zeros(2, 2, dtype=torch.int64), float("nan")]
CHECKS = {
    "training_loop": lambda v: linear.training_loop(v, v, X1, y1, seed=0, lr=0.01, epochs=3),
    "gradients": lambda v: linear.gradients(v, v, torch.ones(1), torch.ones(1), X1, y1),
    "module_class": lambda v: linear.module_class(v),
    "sigmoid": lambda v: logistic.sigmoid(v, v),
    "bce": lambda v: logistic.bce(v),
    "train_on_logits": lambda v: logistic.train_on_logits(v, v),
    "mlp_class": lambda v: mlp.mlp_class(v),
    "forward_by_hand": lambda v: mlp.forward_by_hand(v, v, v, mlp._StandIn(), X3),
    "configuration": lambda v: mlp.configuration(v, v, v, X3, y3),
}


@pytest.mark.parametrize("name", CHECKS)
def test_checks_answer_junk_with_one_line(name, capsys):
    for value in JUNK:
        CHECKS[name](value)
        lines = capsys.readouterr().out.splitlines()
        assert len(lines) == 1 and lines[0].startswith(("❌", "⏳")), (name, value, lines)


@pytest.mark.parametrize("name", CHECKS)
def test_the_placeholder_means_not_done_yet(name, capsys):
    CHECKS[name](...)
    assert "not done yet" in capsys.readouterr().out


def test_stand_ins_keep_the_notebook_running(capsys):
    assert linear.module_class(...) is linear._StandIn
    assert mlp.mlp_class(Explodes) is mlp._StandIn
    assert "boom" in capsys.readouterr().out
    assert mlp._StandIn(3, "tanh")(X3).shape == (4, 1)


def test_score_table_counts_the_last_outcome_of_each_exercise(capsys):
    linear.gradients(..., ..., None, None, X1, y1)
    linear.module_class(linear._StandIn)
    linear.score_table()
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "score: 1 / 3"
    assert out[-3].endswith("not done yet") and out[-2].endswith("passed")
    assert core.outcome("01-module")[0] == core.PASSED


def test_is_stub_sees_placeholders_in_functions_and_classes():
    def todo(x):
        return ...

    def done(x):
        return x

    class Half(torch.nn.Module):
        def forward(self, x):
            y = ...
            return y

    assert core.is_stub(...) and core.is_stub(todo) and core.is_stub(Half)
    assert not core.is_stub(done) and not core.is_stub(None) and not core.is_stub(linear._StandIn)


@pytest.mark.parametrize("error,hint", [
    (RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn"), "requires_grad=True"),
    (RuntimeError("mat1 and mat2 must have the same dtype, but got Double and Float"), "wrong dtype"),
    (ValueError("Using a target size (torch.Size([4])) that is different to the input size"), "(4, 1), not (4,)"),
    (TypeError("unsupported operand type(s) for *: 'ellipsis' and 'Tensor'"), "replace every ... with your code"),
    (KeyError("x"), "your code raised KeyError: 'x'"),
])
def test_explain_names_the_mistake(error, hint):
    line = core.explain(error)
    assert hint in line and "\n" not in line
