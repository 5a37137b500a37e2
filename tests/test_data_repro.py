import random

import numpy as np
import pytest
import torch

import lab_utils as lab


def test_linear_data_shapes_and_values():
    X, y = lab.linear_data()
    assert X.shape == y.shape == (3, 1)
    assert X.dtype == torch.float32
    assert X.view(-1).tolist() == y.view(-1).tolist() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize("gate,targets", [("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1]), ("xor", [0, 1, 1, 0]),
                                          ("nand", [1, 1, 1, 0]), ("XOR", [0, 1, 1, 0])])
def test_gate_data(gate, targets):
    X, y = lab.gate_data(gate)
    assert X.shape == (4, 2) and y.shape == (4, 1)
    assert X.dtype == y.dtype == torch.float32
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert y.view(-1).tolist() == targets


def test_gate_data_unknown_gate():
    with pytest.raises(lab.LabError, match="unknown gate 'nor'; choose one of: and, or, nand, xor"):
        lab.gate_data("nor")


def test_seed_everything_repeats_all_generators():
    def draw():
        return random.random(), np.random.rand(), torch.rand(1).item()

    lab.seed_everything(3)
    first = draw()
    lab.seed_everything(3)
    assert draw() == first
    lab.seed_everything(4)
    assert draw() != first


@pytest.mark.parametrize("bad", [-1, 1.5, "0", True])
def test_seed_everything_rejects_bad_seed(bad):
    with pytest.raises(lab.LabError, match="seed must be a non-negative int"):
        lab.seed_everything(bad)


def test_make_deterministic_uses_one_thread():
    before = torch.get_num_threads()
    try:
        lab.make_deterministic(0)
        assert torch.get_num_threads() == 1
        assert torch.backends.cudnn.deterministic
    finally:
        torch.set_num_threads(before)


def test_get_device():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert lab.get_device().type == expected
    assert lab.get_device("cpu").type == "cpu"
    assert lab.describe_device(torch.device("cpu")).startswith("cpu (")
    with pytest.raises(lab.LabError, match="unknown device 'tpu'"):
        lab.get_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(lab.LabError, match="no CUDA GPU is visible"):
            lab.get_device("cuda")


def test_import_is_lazy_and_quiet(capsys):
    import subprocess
    import sys

    code = "import sys, lab_utils; print('torch' in sys.modules, 'matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False" and out.stderr == ""
    assert set(lab.__all__) <= set(dir(lab))
    with pytest.raises(AttributeError):
        lab.no_such_name  # noqa: B018


def test_the_public_api_is_the_stub_and_every_name_lives_where_it_says():
    """lab_utils/__init__.pyi lists the public names with their modules (editors read it); each one resolves there."""
    import ast
    import importlib

    from .conftest import ROOT

    stub = ast.parse((ROOT / "lab_utils" / "__init__.pyi").read_text())
    listed = {a.asname: n.module for n in stub.body if isinstance(n, ast.ImportFrom) for a in n.names}
    assert sorted(listed) == lab.__all__ and len(listed) > 25
    for name, module in listed.items():
        assert getattr(lab, name) is getattr(importlib.import_module(f"lab_utils.{module}"), name), name
