import pytest
import torch
from torch import nn, optim

import lab_utils as lab


class MLP(nn.Module):
    """The notebooks' model, written independently of lab_utils."""

    def __init__(self, hidden, activation):
        super().__init__()
        self.linear1 = nn.Linear(2, hidden)
        self.activation = {"sigmoid": nn.Sigmoid(), "tanh": nn.Tanh(), "relu": nn.ReLU()}[activation]
        self.linear2 = nn.Linear(hidden, 1)

    def forward(self, x):
        return torch.sigmoid(self.linear2(self.activation(self.linear1(x))))


def train_one(seed, hidden, activation, optimizer, lr, epochs, gate="xor"):
    X, y = lab.gate_data(gate)
    torch.manual_seed(seed)
    model = MLP(hidden, activation) if hidden else nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
    opt = (optim.SGD if optimizer == "sgd" else optim.Adam)(model.parameters(), lr=lr)
    loss_fn = nn.BCELoss()
    for _ in range(epochs):
        loss = loss_fn(model(X), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        return model, model(X).view(-1), loss_fn(model(X), y).item()


@pytest.mark.parametrize("hidden,activation,optimizer,lr", [
    (3, "sigmoid", "sgd", 5.0), (4, "tanh", "adam", 0.05), (8, "relu", "sgd", 0.5), (0, "sigmoid", "sgd", 0.1),
])
def test_matches_per_seed_nn_module_training(hidden, activation, optimizer, lr):
    X, y = lab.gate_data("xor")
    seeds = [0, 7]
    batch = lab.train_batched(X, y, seeds, hidden, activation, optimizer, lr, 1000)
    for i, seed in enumerate(seeds):
        model, y_hat, loss = train_one(seed, hidden, activation, optimizer, lr, 1000)
        assert torch.allclose(batch.y_hat[i], y_hat, atol=1e-5), (seed, batch.y_hat[i], y_hat)
        assert batch.loss[i].item() == pytest.approx(loss, abs=1e-5)
        if hidden:
            reloaded = MLP(hidden, activation)
        else:
            reloaded = nn.Sequential()
            reloaded.linear = nn.Linear(2, 1)
        reloaded.load_state_dict(batch.state_dict(i))
        for (name, p), q in zip(reloaded.named_parameters(), model.parameters()):
            assert torch.allclose(p, q, rtol=1e-3, atol=1e-3), name  # outputs agree closer than weights


def test_init_params_equals_nn_linear_init_and_keeps_rng():
    torch.manual_seed(123)
    expected_next = torch.rand(1)
    torch.manual_seed(123)
    W1, b1, W2, b2 = lab.init_params([5, 9], hidden=3)
    assert torch.equal(torch.rand(1), expected_next)  # the caller's random stream is untouched
    torch.manual_seed(9)
    first, second = nn.Linear(2, 3), nn.Linear(3, 1)
    assert torch.equal(W1[:, :, 1], first.weight.T) and torch.equal(b1[:, 1], first.bias)
    assert torch.equal(W2[:, 1], second.weight[0]) and torch.equal(b2[1:], second.bias)


def test_summary_on_xor():
    X, y = lab.gate_data("xor")
    batch = lab.train_batched(X, y, 40, hidden=8, lr=5.0, epochs=3000)
    s = batch.summary(tol=5e-3)
    assert s["models"] == 40 and s["diverged"] == 0
    assert s["success_rate"] == 1.0  # 8 hidden units solve XOR from every one of these seeds
    assert 0 < s["converged_rate"] <= 1
    assert batch.all_correct.all() and (batch.max_error < 0.5).all()
    single = lab.train_batched(X, y, 40, hidden=0, lr=1.0, epochs=500)
    assert single.summary()["success_rate"] == 0.0  # no line solves XOR


def test_a_stuck_network_is_a_failure_whatever_side_of_one_half_it_lands_on():
    X, y = lab.gate_data("xor")
    y_hat = torch.tensor([[1e-4, 0.9999, 0.9999, 2e-4],      # converged: largest error 2e-4
                          [0.0, 0.50004, 1.0, 0.49996],      # stuck: right side of 0.5 by 4e-5 on two inputs
                          [0.0, 0.49996, 1.0, 0.50004],      # the same network with other last bits
                          [0.0, 0.7, 1.0, 0.0]])             # right by a margin (error 0.3)
    batch = lab.BatchResult(seeds=[0, 1, 2, 3], y_hat=y_hat, loss=torch.zeros(4), y=y, config={"hidden": 3},
                            params=[])
    assert batch.all_correct.tolist() == [True, False, False, True]
    s = batch.summary(tol=1e-3)
    assert s["success_rate"] == 0.5 and s["converged_rate"] == 0.25
    assert s["tol_margin"] == pytest.approx(0.8)  # nearest largest error (2e-4) is 80 % of tol away from it
    assert s["decision_margin"] == pytest.approx(0.09996, abs=1e-6)  # the stuck ones, 0.49996 vs the 0.4 cut
    with pytest.raises(lab.LabError, match="tol must be"):
        batch.summary(tol=0)


def test_huge_adam_lr_is_reported_not_raised():
    X, y = lab.gate_data("xor")
    s = lab.train_batched(X, y, 5, hidden=3, optimizer="adam", lr=1e4, epochs=200).summary()
    assert s["converged_rate"] < 1.0


@pytest.mark.parametrize("kwargs,message", [
    ({"hidden": -1}, "hidden must be an int >= 1"),
    ({"hidden": 2.5}, "hidden must be an int >= 1"),
    ({"activation": "gelu"}, "unknown activation 'gelu'; choose one of: sigmoid, tanh, relu"),
    ({"optimizer": "rmsprop"}, "unknown optimizer 'rmsprop'; choose one of: sgd, adam"),
    ({"lr": 0}, "lr must be > 0"),
    ({"epochs": 0}, "epochs must be > 0"),
    ({"seeds": []}, "seeds is empty"),
])
def test_bad_input(kwargs, message):
    X, y = lab.gate_data("xor")
    args = {"seeds": 2, **kwargs}
    with pytest.raises(lab.LabError, match=message):
        lab.train_batched(X, y, **args)


def test_bad_data_and_index():
    X, y = lab.gate_data("xor")
    with pytest.raises(lab.LabError, match=r"y must have shape \(4, 1\)"):
        lab.train_batched(X, y.view(-1), 2)
    with pytest.raises(lab.LabError, match="index 5 is out of range; this batch has 2 models"):
        lab.train_batched(X, y, 2, epochs=1).state_dict(5)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_runs_on_cuda():
    X, y = lab.gate_data("xor", "cuda")
    cpu = lab.train_batched(X.cpu(), y.cpu(), 4, hidden=3, lr=5.0, epochs=500)
    gpu = lab.train_batched(X, y, 4, hidden=3, lr=5.0, epochs=500)
    assert torch.allclose(cpu.y_hat, gpu.y_hat, atol=1e-4)


def test_snapshots_and_history_are_recorded_while_training():
    X, y = lab.gate_data("xor")
    r = lab.train_batched(X, y, [0, 1], hidden=3, lr=5.0, epochs=50, snapshots=[0, 10, 50], history=True)
    assert sorted(r.snapshots) == [0, 10, 50] and r.history.shape == (50, 2)
    assert torch.equal(r.snapshots[0][0], lab.init_params([0, 1], 3)[0])  # epoch 0: the initial weights
    assert torch.equal(r.snapshots[50][0], r.params[0]) and r.state_dict(1, 10)["linear1.weight"].shape == (3, 2)
    with pytest.raises(lab.LabError, match=r"no snapshot at epoch 20; recorded: \[0, 10, 50\]"):
        r.state_dict(0, 20)
    with pytest.raises(lab.LabError, match="snapshots must be epochs from 0 to 50"):
        lab.train_batched(X, y, 1, epochs=50, snapshots=[60])
