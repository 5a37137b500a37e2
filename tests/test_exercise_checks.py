"""The exercise checks never raise on untrusted input: one line each, whatever the student's objects are."""

import pytest
import torch

import lab_utils as lab
from lab_utils.exercises import core, linear, logistic, mlp, probe, stubs
from lab_utils.exercises.answers import linear as linear_answers
from lab_utils.exercises.answers import mlp as mlp_answers


class Explodes(torch.nn.Module):
    def __init__(self, *args):
        raise RuntimeError("boom")


def raises(*args, **kwargs):
    raise ValueError("student bug")


X1, y1 = lab.linear_data()
X3, y3 = lab.gate_data("xor")
JUNK = [None, "text", 3, object(), raises, Explodes, torch.zeros(2, 2, dtype=torch.int64), float("nan")]
def judged(verdict, record: dict) -> None:
    """A verdict on a record as a check cell shows it (one printed line)."""
    result = core.judge(verdict, record)
    print(core.MARK[result.status], result.message)


CHECKS = {
    "training_loop": lambda v: judged(linear_answers.verdict_loop, {
        "W": probe.data(v), "b": probe.data(v), "events": None, "X": [[1.0]], "y": [[1.0]], "lr": 0.01, "epochs": 3,
        "lecture_start": [0.5, 0.5]}),
    "gradients": lambda v: judged(linear_answers.verdict_gradients, {"runs": [{
        "dW": probe.data(v), "db": probe.data(v), "W": probe.data(torch.ones(1)), "b": probe.data(torch.ones(1)),
        "X": probe.data(X1), "y": probe.data(y1), "error": None}]}),
    "module_class": lambda v: linear.module_class(v),
    "sigmoid": lambda v: logistic.sigmoid(v, v),
    "bce": lambda v: logistic.bce(v),
    "train_on_logits": lambda v: logistic.train_on_logits(v, v),
    "mlp_class": lambda v: mlp.mlp_class(v),
    "configuration": lambda v: judged(mlp_answers.verdict_config, {
        "hidden": probe.data(v), "optimizer": probe.data(v), "lr": probe.data(v), "X": X3.tolist(), "y": y3.tolist()}),
}


@pytest.mark.parametrize("name", CHECKS)
def test_checks_answer_junk_with_one_line(name, capsys):
    for value in JUNK:
        CHECKS[name](value)
        lines = capsys.readouterr().out.splitlines()
        # one exercise line (a long one continues on indented lines)
        assert lines[0].startswith(("❌", "⏳")) and all(line.startswith("   ") for line in lines[1:]), \
            (name, value, lines)


@pytest.mark.parametrize("name", CHECKS)
def test_the_placeholder_means_not_done_yet(name, capsys):
    CHECKS[name](...)
    assert "not done yet" in capsys.readouterr().out


def test_stand_ins_keep_the_notebook_running(capsys):
    assert linear.module_class(...) is linear_answers.StandIn
    assert mlp.mlp_class(Explodes) is mlp_answers.StandIn
    assert "boom" in capsys.readouterr().out
    assert mlp_answers.StandIn(3, "tanh")(X3).shape == (4, 1)


def test_score_table_counts_the_last_outcome_of_each_exercise(capsys):
    cell = "dW = ...\ndb = ..."
    ns = {"In": ["", cell]}
    exec(cell + "\nfrom lab_utils.exercises import linear\nlinear.gradients()", ns)  # a notebook's namespace
    linear.module_class(linear_answers.StandIn)
    linear.score_table()
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "score: 1 / 3"
    assert out[-3].endswith("not done yet") and out[-2].endswith("passed")
    assert core.outcome("01-module").status == core.PASSED


def test_is_stub_sees_placeholders_in_functions_and_classes():
    def todo(x):
        return ...

    def done(x):
        return x

    class Half(torch.nn.Module):
        def forward(self, x):
            y = ...
            return y

    assert stubs.is_stub(...) and stubs.is_stub(todo) and stubs.is_stub(Half)
    assert not stubs.is_stub(done) and not stubs.is_stub(None) and not stubs.is_stub(linear_answers.StandIn)


@pytest.mark.parametrize("error,hint", [
    (RuntimeError("mat1 and mat2 must have the same dtype, but got Double and Float"), "wrong dtype"),
    (TypeError("unsupported operand type(s) for *: 'ellipsis' and 'Tensor'"), "replace every ... with your code"),
    (NameError("name 'optimiser' is not defined"), "check its spelling, or run the cells above first"),
    (KeyError("x"), "your code raised KeyError: 'x'"),
])
def test_explain_names_the_mistake(error, hint):
    line = core.explain(probe.error_data(error))
    assert hint in line and "\n" not in line


def test_each_exercise_is_declared_once_and_has_its_verdict():
    """An exercise is its `Exercise` constant: EXERCISES, the checks modules and the grader's table derive from it;
    each has a verdict in the module's answers, and nothing else does."""
    import importlib

    from lab_utils.exercises import modules

    assert modules() == ("linear", "logistic", "mlp", "practice")
    for name in modules():
        exercises = importlib.import_module(f"lab_utils.exercises.{name}").EXERCISES
        answers = importlib.import_module(f"lab_utils.exercises.answers.{name}")
        assert [ex.number for ex in exercises] == list(range(1, len(exercises) + 1)), name
        assert {ex.module for ex in exercises} == {name}
        assert sorted(ex.id for ex in exercises) == sorted(answers.ANSWERS), name


def test_every_exercise_a_notebook_checks_is_declared_and_every_declared_one_is_checked():
    """Each solution notebook's stored outputs print one passed line per exercise of its checks module, and no
    other: an exercise declared without a check cell, or a check cell for an exercise the module does not list
    in EXERCISES, fails here."""
    import importlib
    import re

    from lab_utils.nbfile import load_notebook
    from lab_utils.tools.grade.submissions import exercises_of

    from .conftest import NOTEBOOKS

    for path in NOTEBOOKS:
        nb = load_notebook(path)
        module, exercises, _ = exercises_of(nb)
        printed = "".join("".join(o.get("text", "")) for c in nb["cells"] if c["cell_type"] == "code"
                          for o in c.get("outputs", []) if o.get("output_type") == "stream")
        checked = set(re.findall(r"^✅ Exercise (\d+) \((.+?)\):", printed, re.M))
        declared = {(str(ex.number), ex.title) for ex in importlib.import_module(
            f"lab_utils.exercises.{module}").EXERCISES}
        assert checked == declared == {(str(ex.number), ex.title) for ex in exercises}, path.name
