import json

import pytest
import torch

from lab_utils import LabError, ParameterError, check_params, read_parameters, read_results, report
from lab_utils.nbfile import RESULTS_KEY as TAG
from lab_utils.params import Param, check_value, parse_parameters, parse_value, passed_names
from lab_utils.results import MIME, format_results, to_plain

from .conftest import FIXTURE, NOTEBOOKS


def test_to_plain_rounds_and_converts():
    assert to_plain(torch.tensor([0.123456789, 2.0])) == [0.1235, 2.0]
    assert to_plain(torch.tensor(3.14159265)) == 3.142
    assert to_plain({"a": (1, True, None, "s")}) == {"a": [1, True, None, "s"]}
    assert to_plain(float("nan")) is None
    with pytest.raises(LabError, match="cannot report model of type object"):
        to_plain(object(), "model")


def test_report_outside_ipython_prints_and_returns(capsys):
    out = report(loss=torch.tensor(0.000123456), converged=True)
    assert out == {"loss": 0.0001235, "converged": True}
    assert capsys.readouterr().out.splitlines() == ["loss      : 0.0001235", "converged : true"]
    with pytest.raises(LabError, match="report\\(\\) got no results"):
        report()


def _notebook_with(outputs):
    return {"cells": [{"cell_type": "code", "source": "", "metadata": {}, "outputs": outputs}], "metadata": {},
            "nbformat": 4, "nbformat_minor": 5}


def test_read_results_round_trip(tmp_path):
    good = {"output_type": "display_data", "metadata": {TAG: ["b", "a"]},
            "data": {"text/plain": format_results({"b": 2, "a": 1}), MIME: {"a": 1, "b": 2}}}
    other = {"output_type": "display_data", "metadata": {}, "data": {MIME: {"c": 3}}}
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(_notebook_with([other, good]), sort_keys=True))
    assert list(read_results(path).items()) == [("b", 2), ("a", 1)]  # the reported order, not the file's


def test_read_results_errors(tmp_path):
    with pytest.raises(LabError, match="no notebook at"):
        read_results(tmp_path / "missing.ipynb")
    broken = tmp_path / "broken.ipynb"
    broken.write_text('{"cells": [')
    with pytest.raises(LabError, match="is not a readable notebook"):
        read_results(broken)
    empty = tmp_path / "empty.ipynb"
    empty.write_text(json.dumps(_notebook_with([])))
    with pytest.raises(LabError, match="has no results: run it to the end"):
        read_results(empty)


def test_every_notebook_declares_annotated_parameters():
    for nb in NOTEBOOKS:
        params = read_parameters(nb)
        assert {"seed", "lr", "epochs", "log_every"} <= set(params), nb.name
        for p in params.values():
            assert p.help, f"{nb.name}: parameter {p.name} has no help comment"
            assert isinstance(p.default, p.type), f"{nb.name}: {p.name} default does not match its type"


def test_parse_parameters_cell():
    params = parse_parameters('lr: float = 0.1  # learning rate\nn: int = 3\nname: str = "x"  # a name\n')
    assert params == {"lr": Param("lr", float, 0.1, "learning rate"), "n": Param("n", int, 3, ""),
                      "name": Param("name", str, "x", "a name")}
    with pytest.raises(ParameterError, match="has type list; use int, float, str or bool"):
        parse_parameters("xs: list = [1]")
    with pytest.raises(ParameterError, match="declares nothing"):
        parse_parameters("x = 1")


def test_read_parameters_errors(tmp_path):
    with pytest.raises(ParameterError, match="no notebook at"):
        read_parameters(tmp_path / "nope.ipynb")
    nb = tmp_path / "plain.ipynb"
    nb.write_text(json.dumps(_notebook_with([])))
    with pytest.raises(ParameterError, match="has no cell tagged 'parameters'"):
        read_parameters(nb)
    assert list(read_parameters(FIXTURE)) == ["x", "n", "mode", "verbose"]


def test_parse_value_is_typed_and_safe():
    assert parse_value(Param("n", int, 1), "12") == 12
    assert parse_value(Param("lr", float, 1.0), "1e-3") == 0.001
    assert parse_value(Param("v", bool, False), "true") is True
    assert parse_value(Param("s", str, ""), "__import__('os')") == "__import__('os')"
    for param, text in [(Param("epochs", int, 1), "abc"), (Param("lr", float, 1.0), "fast"),
                        (Param("lr", float, 1.0), "nan"), (Param("v", bool, False), "maybe"),
                        (Param("epochs", int, 1), "1.5")]:
        expected = f"parameter '{param.name}' must be {param.type.__name__}, got '{text}'"
        with pytest.raises(ParameterError, match=expected):
            parse_value(param, text)


def test_check_value():
    assert check_value(Param("lr", float, 1.0), 1) == 1.0
    with pytest.raises(ParameterError, match="must be int, got True"):
        check_value(Param("n", int, 1), True)
    with pytest.raises(ParameterError, match="must be float, got 'abc'"):
        check_value(Param("lr", float, 1.0), "abc")


def _namespace(**values):
    ns = {"__annotations__": {"lr": float, "epochs": int, "gate": str}, "lr": 0.1, "epochs": 10, "gate": "and",
          "torch": torch, "In": [], "_": None}
    ns.update(values)
    return ns


def test_check_params_accepts_and_normalizes():
    ns = _namespace(lr=1, gate="AND")
    assert check_params(ns, positive=("lr",), choices={"gate": ("and", "or")}) == {"lr": 1.0, "epochs": 10,
                                                                                   "gate": "and"}
    assert ns["lr"] == 1.0 and isinstance(ns["lr"], float) and ns["gate"] == "and"


@pytest.mark.parametrize("values,message", [
    ({"lrr": 0.5, "In": ["# Parameters\nlrr = 0.5\n"]},
     "unknown parameter 'lrr'; did you mean 'lr'\\? valid names: lr, epochs, gate"),
    ({"epochs": "abc"}, "parameter 'epochs' must be int, got 'abc' \\(str\\)"),
    ({"lr": -0.1}, "parameter 'lr' must be > 0, got -0.1"),
    ({"epochs": 0}, "parameter 'epochs' must be > 0, got 0"),
    ({"gate": "nor"}, "unknown gate 'nor'; .*choose one of: and, or"),
])
def test_check_params_errors(values, message):
    with pytest.raises(ParameterError, match=message):
        check_params(_namespace(**values), positive=("lr", "epochs"), choices={"gate": ("and", "or")})


def test_check_params_needs_the_parameters_cell():
    with pytest.raises(ParameterError, match="run the parameters cell first"):
        check_params({})
    with pytest.raises(ParameterError, match="must be >= 1"):
        check_params(_namespace(epochs=0), at_least={"epochs": 1})


def test_check_params_judges_only_the_names_papermill_passed():
    # After a full run the notebook's own globals are no parameters: re-running the check cell is fine.
    ns = _namespace(slide_epochs=30, xi=[1, 2], In=["", "lr: float = 0.1", "lab.check_params(globals())"])
    assert check_params(ns)["lr"] == 0.1
    ns = _namespace(lr=0.5, epoch=3, In=["", "lr: float = 0.1", "# Parameters\nlr = 0.5\nepoch = 3\n", ""])
    with pytest.raises(ParameterError, match="unknown parameter 'epoch'; did you mean 'epochs'"):
        check_params(ns)
    assert passed_names({"In": ["# Parameters\nlr = 0.5\n"]}) == {"lr"} and passed_names({}) is None


@pytest.mark.parametrize("injected,outcome", [
    ("", {"lr": 0.1, "gate": "and"}),
    ("# Parameters\ngate = 'XOR'\nepochs = 5\n", {"gate": "xor", "epochs": 5}),
    ("# Parameters\nlr = 'fast'\n", "parameter 'lr' must be float, got 'fast'"),
    ("# Parameters\nlrr = 0.5\n", "unknown parameter 'lrr'; did you mean 'lr'"),
])
def test_check_params_without_module_annotations_reads_the_parameters_cell(injected, outcome):
    """Python 3.14 fills module annotations lazily (PEP 649/749): notebook 02's own cells, run as the kernel runs
    them, with `__annotations__` absent, still check types and names from the parameters cell's text."""
    from .cells import code_cells, exercise

    cells = {c["id"]: "".join(c["source"]) for c in code_cells(exercise("02_logistic_regression"))}
    params, check = cells["cell-04"], cells["cell-05"]
    ns: dict = {"In": [""]}
    for source in (params, injected, check):
        if not source:
            continue
        ns["In"].append(source)
        if source is check:
            ns.pop("__annotations__", None)  # what the interpreter leaves when it evaluates them lazily
            if isinstance(outcome, str):
                with pytest.raises(ParameterError, match=outcome):
                    exec(source, ns)
                return
        exec(source, ns)
    assert "__annotations__" not in ns and {k: ns[k] for k in outcome} == outcome
