import math

import pytest
import torch

from lab_utils import LabError, check_choice, check_history, check_positive, check_tensor


def test_check_tensor_accepts_good_input():
    t = torch.zeros(4, 2)
    assert check_tensor("X", t, (None, 2)) is t
    assert check_tensor("X", t, (4, 2), torch.float32) is t


@pytest.mark.parametrize("value,shape,dtype,message", [
    ([1, 2], (None, 2), None, "X must be a torch.Tensor, got list"),
    (torch.zeros(4), (None, 2), None, r"X must have shape \(N, 2\), got \(4,\)"),
    (torch.zeros(4, 3), (None, 2), None, r"X must have shape \(N, 2\), got \(4, 3\)"),
    (torch.zeros(4, 2, dtype=torch.int64), (None, 2), None, "X must be a floating-point tensor, got torch.int64"),
    (torch.zeros(4, 2, dtype=torch.float64), (None, 2), torch.float32, "X must have dtype torch.float32"),
])
def test_check_tensor_errors(value, shape, dtype, message):
    with pytest.raises(LabError, match=message):
        check_tensor("X", value, shape, dtype)


def test_check_positive():
    assert check_positive("lr", 0.1) == 0.1
    assert check_positive("epochs", 3, int) == 3
    for bad in (0, -1, float("nan"), float("inf")):
        with pytest.raises(LabError, match="lr must be > 0"):
            check_positive("lr", bad)
    with pytest.raises(LabError, match="epochs must be a positive int, got 2.5"):
        check_positive("epochs", 2.5, int)
    with pytest.raises(LabError, match="lr must be a positive float, got 'fast'"):
        check_positive("lr", "fast")
    with pytest.raises(LabError, match="positive int, got True"):
        check_positive("epochs", True, int)


def test_check_choice():
    assert check_choice("activation", "ReLU", ("sigmoid", "relu")) == "relu"
    with pytest.raises(LabError, match="unknown activation 'gelu'; choose one of: sigmoid, relu"):
        check_choice("activation", "gelu", ("sigmoid", "relu"))


def test_check_history():
    assert check_history([1, 0.5]) == [1.0, 0.5]
    with pytest.raises(LabError, match="history is empty"):
        check_history([])
    with pytest.raises(LabError, match="history turns nan at epoch 2: training diverged; lower lr"):
        check_history([1.0, 0.5, math.nan])
    with pytest.raises(LabError, match="turns inf at epoch 0"):
        check_history([math.inf])


def test_lab_error_renders_as_one_line_in_ipython():
    err = LabError("lr must be > 0")
    assert err._render_traceback_() == ["LabError: lr must be > 0"]
