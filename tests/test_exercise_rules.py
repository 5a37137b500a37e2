"""One acceptance rule per exercise, the same words in its declaration (Exercise.rule), the notebook's instructions
(English and Korean) and the README (English and Korean)."""

import json

import pytest

from lab_utils.exercises import linear, logistic, mlp
from lab_utils.i18n import tr
from lab_utils.tools.grade.verdicts import speaking

from .conftest import ROOT

EXERCISES = [ex for module in (linear, logistic, mlp) for ex in module.EXERCISES]
NOTEBOOKS = {"linear": "01_linear_regression", "logistic": "02_logistic_regression", "mlp": "03_multilayer_perceptron"}


def words(text: str) -> str:
    """The text as a reader sees it: markdown's code and emphasis marks and math dollars away, spaces collapsed."""
    return " ".join(text.replace("`", "").replace("*", "").replace("$", "").split())


def markdown(path) -> str:
    return words(" ".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"]
                          if c["cell_type"] == "markdown"))


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda ex: ex.id)
def test_the_rule_reads_the_same_everywhere(exercise):
    assert exercise.rule.startswith("Accepted: ")
    with speaking("ko"):
        korean = tr(exercise.rule)
    assert korean.startswith("통과 기준: ") and korean != exercise.rule  # translated
    name = NOTEBOOKS[exercise.module]
    for path, rule in ((ROOT / "notebooks" / f"{name}.ipynb", exercise.rule),
                       (ROOT / "exercises" / f"{name}.ipynb", exercise.rule),
                       (ROOT / "ko" / "notebooks" / f"{name}.ipynb", korean),
                       (ROOT / "ko" / "exercises" / f"{name}.ipynb", korean)):
        assert words(rule) in markdown(path), f"{path.relative_to(ROOT)} does not state: {rule}"
    for readme, rule, prefix in ((ROOT / "README.md", exercise.rule, "Accepted: "),
                                 (ROOT / "README.ko.md", korean, "통과 기준: ")):
        row = next((line for line in readme.read_text().splitlines() if line.startswith(f"| {exercise.id} (")), "")
        assert words(rule.removeprefix(prefix)) in words(row), f"{readme.name} has no row with: {rule}"
