"""Each typical mistake, written into a copy of an exercise notebook, is caught by its check with its own hint.

The cells run in this process (tests/cells.py): the data and setup cells, the exercise cell with the mistake in
place of its placeholder, and the check cell. The check's one printed line is what a student would see.
"""

import pytest

from lab_utils.exercises import core

from .cells import exercise, filled, run

SETUP = {
    "01_linear_regression": ["cell-04", "cell-05", "cell-06", "cell-08"],
    "02_logistic_regression": ["cell-04", "cell-05", "cell-06", "cell-15", "cell-16"],
    "03_multilayer_perceptron": ["cell-04", "cell-05", "cell-06", "cell-08"],
}


def check_line(name: str, cells: list[str], cell_id: str, *answers: str, params: dict | None = None) -> str:
    nb = exercise(name)
    out, _ = run(nb, SETUP[name] + cells, {cell_id: filled(nb, cell_id, *answers)}, params)
    lines = [ln for ln in out.splitlines() if ln.startswith(tuple(core.MARK.values()))]
    assert len(lines) == sum(c.startswith("check-") for c in cells), out  # one line per check
    return lines[-1]


LOOP = """\
W = torch.rand(1, requires_grad=True, device=device)
b = torch.rand(1, requires_grad=True, device=device)
optimizer = optim.SGD([W, b], lr=0.01)
for epoch in range(slide_epochs):
    y_hat = X * W + b
    cost = loss_fn(y_hat, y)
    optimizer.zero_grad()
    cost.backward()
    optimizer.step()
"""
GRADS = ["cell-10", "cell-14", "cell-18", "check-01-gradients"]


def loop_line(code: str) -> str:
    return check_line("01_linear_regression", ["cell-10", "check-01-loop"], "cell-10", code)


def test_the_lecture_loop_passes():
    assert loop_line(LOOP).startswith("✅ Exercise 1 (the training loop): passed — W = 0.657, b = 0.770")


def test_forgetting_zero_grad_is_named():
    line = loop_line(LOOP.replace("    optimizer.zero_grad()\n", ""))
    assert line.startswith("❌") and "the gradients accumulate" in line and "zero_grad()" in line


def test_a_loop_that_never_updates_the_weights_is_named():
    line = loop_line(LOOP.replace("    optimizer.step()\n", ""))
    assert line.startswith("❌") and "never updates the weights: call optimizer.step()" in line


def test_missing_requires_grad_is_named():
    line = loop_line(LOOP.replace("torch.rand(1, requires_grad=True, device=device)", "torch.rand(1, device=device)"))
    assert line.startswith("❌") and "W has no requires_grad" in line and "requires_grad=True" in line


def test_a_sum_instead_of_the_mean_in_the_loop_is_named():
    line = loop_line(LOOP.replace("loss_fn(y_hat, y)", "((y_hat - y) ** 2).sum()"))
    assert line.startswith("❌") and "the cost is a sum over the samples, not the mean" in line


def test_wrong_dtype_in_the_loop_is_named():
    line = loop_line(LOOP.replace("torch.rand(1, requires_grad=True, device=device)",
                                  "torch.rand(1, dtype=torch.float64, requires_grad=True, device=device)"))
    assert line.startswith("❌") and "wrong dtype" in line


def test_missing_factor_2_over_n_is_named():
    line = check_line("01_linear_regression", GRADS, "cell-18",
                      "dW = (X * (y_hat - y)).sum()\ndb = (y_hat - y).sum()")
    assert line.startswith("❌ Exercise 2") and "the factor 2/n is missing" in line


def test_sum_instead_of_mean_in_the_gradient_is_named():
    line = check_line("01_linear_regression", GRADS, "cell-18",
                      "dW = 2 * (X * (y_hat - y)).sum()\ndb = 2 * (y_hat - y).sum()")
    assert line.startswith("❌") and "a sum instead of the mean: " in line and "divide by n" in line


def test_the_right_gradients_pass():
    line = check_line("01_linear_regression", GRADS, "cell-18",
                      "dW = 2 / n * (X * (y_hat - y)).sum()\ndb = 2 / n * (y_hat - y).sum()")
    assert line.startswith("✅ Exercise 2 (gradients by hand): passed — dW = -1.62872, db = -0.47853")


def test_module_without_super_init_is_named():
    nb = exercise("01_linear_regression")
    code = filled(nb, "cell-24", "self.linear = nn.Linear(x_in, x_out)", "return self.linear(x)")
    out, ns = run(nb, SETUP["01_linear_regression"] + ["cell-24", "check-01-module"],
                  {"cell-24": code.replace("        super().__init__()\n", "")})
    assert "call super().__init__() first" in out and out.count("❌") == 1
    assert ns["LinearRegression"].__name__ == "_StandIn"  # the rest of the notebook gets a working class


def test_target_of_shape_4_against_4_1_is_named():
    line = check_line("02_logistic_regression", ["ex-bce", "check-02-bce"], "ex-bce",
                      "return -(y.view(-1) * torch.log(y_hat) + (1 - y.view(-1)) * torch.log(1 - y_hat)).mean()")
    assert line.startswith("❌ Exercise 2") and "(4,) and (4, 1)" in line
    line = check_line("02_logistic_regression", ["ex-bce", "check-02-bce"], "ex-bce",
                      "return nn.BCELoss()(y_hat, y.view(-1))")
    assert "target shape: the target must have the same shape as y_hat, (4, 1), not (4,)" in line


def test_sum_instead_of_mean_in_bce_is_named():
    line = check_line("02_logistic_regression", ["ex-bce", "check-02-bce"], "ex-bce",
                      "return -(y * torch.log(y_hat) + (1 - y) * torch.log(1 - y_hat)).sum()")
    assert line.startswith("❌") and "a sum instead of the mean" in line


def test_sigmoid_before_bce_with_logits_is_named():
    line = check_line("02_logistic_regression", ["cell-32", "check-02-logits"], "cell-32", """
        logits = model(X)
        cost = loss_fn(logits, y)
        optimizer.zero_grad()
        cost.backward()
        optimizer.step()""")
    assert line.startswith("❌ Exercise 3") and "a sigmoid is applied before BCEWithLogitsLoss" in line


def test_sigmoid_sign_is_named():
    line = check_line("02_logistic_regression", ["ex-sigmoid", "check-02-sigmoid"], "ex-sigmoid",
                      "return 1 / (1 + torch.exp(z))")
    assert line.startswith("❌ Exercise 1") and "the sign in the exponent" in line


def test_wrong_dtype_in_the_mlp_is_named():
    line = check_line("03_multilayer_perceptron", ["cell-15", "check-03-mlp"], "cell-15", """
        self.linear1 = nn.Linear(2, hidden).double()
        self.linear2 = nn.Linear(hidden, 1)
        self.output = nn.Sigmoid()""", "return self.output(self.linear2(self.activation(self.linear1(x))))")
    assert line.startswith("❌ Exercise 1") and "wrong dtype" in line


def test_mlp_without_output_sigmoid_is_named():
    line = check_line("03_multilayer_perceptron", ["cell-15", "check-03-mlp"], "cell-15",
                      "self.linear1 = nn.Linear(2, hidden)\nself.linear2 = nn.Linear(hidden, 1)",
                      "return self.linear2(self.activation(self.linear1(x)))")
    assert line.startswith("❌ Exercise 1") and "the output has no sigmoid" in line


def test_forward_by_hand_without_bias_is_named():
    line = check_line("03_multilayer_perceptron", ["cell-15", "check-03-mlp", "cell-16", "ex-forward",
                                                   "check-03-forward"], "ex-forward",
                      "z1 = X @ W1.T\nh = model.activation(z1)\nz2 = h @ w2.T + b2", params={"epochs": 50})
    assert line.startswith("❌ Exercise 2") and "the bias b1 is missing" in line


def test_an_unreliable_configuration_fails_with_its_rate():
    line = check_line("03_multilayer_perceptron", ["ex-config", "check-03-config"], "ex-config",
                      'my_hidden = 2\nmy_optimizer = "adam"\nmy_lr = 0.01')
    assert line.startswith("❌ Exercise 3") and "of 500 seeds" in line and "needs at least 99 %" in line


@pytest.mark.parametrize("value", ["3", 0, 10**9, True])
def test_a_bad_configuration_value_gets_one_line(value):
    line = check_line("03_multilayer_perceptron", ["ex-config", "check-03-config"], "ex-config",
                      f'my_hidden = {value!r}\nmy_optimizer = "sgd"\nmy_lr = 5.0')
    assert line.startswith("❌") and "my_hidden must be a whole number of hidden units from 1 to 64" in line


def test_student_code_that_never_stops_is_cut_off(monkeypatch):
    monkeypatch.setattr(core, "TIME_LIMIT", 0.5)
    line = check_line("02_logistic_regression", ["ex-bce", "check-02-bce"], "ex-bce",
                      "while True:\n    pass")
    assert line.startswith("❌") and "still running after 0.5 s" in line
