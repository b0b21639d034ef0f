"""The reference solutions of assignment 01 do what the notebook says, on the course data too."""
import pytest
import torch
from torch import nn

from dlbio_student.data.body_measurements import body_measurements
from solutions.linear_regression import (gradient_descent_step, mse, normalize, predict,
                                         train_linear_regression, train_with_optimizer)


def course_data(columns):
    """The notebook's people as float32 tensors: one (150,) tensor per column name."""
    people = body_measurements(n_people=150, seed=3)
    return [torch.tensor(people[column].to_numpy(), dtype=torch.float32) for column in columns]


def least_squares(features, y):
    """Best (weights, bias) of y ≈ features @ weights + bias: features (N, F), y (N,)."""
    design = torch.cat([features, torch.ones(len(y), 1)], dim=1).double()
    solution = torch.linalg.lstsq(design, y.double().unsqueeze(1)).solution.squeeze(1)
    return solution[:-1], solution[-1]


def test_predict_is_w_times_x_plus_b():
    x = torch.tensor([150.0, 170.0, 190.0])
    assert torch.equal(predict(x, 0.5, -10.0), torch.tensor([65.0, 75.0, 85.0]))
    w, b = torch.tensor(0.9, requires_grad=True), torch.tensor([-80.0])
    y_pred = predict(x, w, b)
    assert torch.allclose(y_pred, 0.9 * x - 80) and y_pred.requires_grad


def test_mse_matches_torch_and_keeps_the_graph():
    generator = torch.Generator().manual_seed(0)
    y_pred = torch.randn(20, generator=generator, requires_grad=True)
    y_true = torch.randn(20, generator=generator)
    loss = mse(y_pred, y_true)
    assert loss.shape == () and loss.grad_fn is not None
    assert torch.allclose(loss, nn.functional.mse_loss(y_pred, y_true))


def test_one_step_moves_against_the_gradient_and_zeroes_it():
    x, y = torch.tensor([-1.0, 0.0, 1.0]), torch.tensor([1.0, 2.0, 3.0])
    w, b = torch.tensor(0.0, requires_grad=True), torch.tensor(0.0, requires_grad=True)
    loss = gradient_descent_step(w, b, x, y, lr=0.1)
    # dloss/dw = 2 mean((wx + b - y) x) = -4/3, dloss/db = 2 mean(wx + b - y) = -4
    assert isinstance(loss, float) and loss == pytest.approx(14 / 3)
    assert w.item() == pytest.approx(0.1 * 4 / 3) and b.item() == pytest.approx(0.4)
    assert not w.grad.any() and not b.grad.any()


def test_normalize_gives_mean_0_and_sample_std_1():
    x = torch.tensor([150.0, 160.0, 170.0, 180.0, 190.0])
    x_normalized, mean, std = normalize(x)
    assert mean.item() == pytest.approx(170.0)
    assert std.item() == pytest.approx(250 ** 0.5)  # divides by N - 1 = 4 (torch's default)
    assert x_normalized.mean().item() == pytest.approx(0.0, abs=1e-6)
    assert x_normalized.std().item() == pytest.approx(1.0)
    assert torch.equal(x, torch.tensor([150.0, 160.0, 170.0, 180.0, 190.0]))


def test_train_linear_regression_reaches_least_squares_on_normalized_heights():
    height, weight = course_data(["height_cm", "weight_kg"])
    height_normalized, _, _ = normalize(height)
    w, b, losses = train_linear_regression(height_normalized, weight, lr=0.1, epochs=300)
    best_w, best_b = least_squares(height_normalized.unsqueeze(1), weight)
    assert len(losses) == 300 and losses[0] == pytest.approx(weight.pow(2).mean().item())
    assert w.item() == pytest.approx(best_w.item(), rel=1e-3)
    assert b.item() == pytest.approx(best_b.item(), rel=1e-3)


def test_raw_heights_diverge_where_normalized_heights_converge():
    height, weight = course_data(["height_cm", "weight_kg"])
    _, _, losses_raw = train_linear_regression(height, weight, lr=0.01, epochs=20)
    _, _, losses_normalized = train_linear_regression(normalize(height)[0], weight, lr=0.01,
                                                      epochs=1000)
    assert not torch.isfinite(torch.tensor(losses_raw[-1]))
    assert losses_normalized[-1] < 0.05 * losses_normalized[0]


@pytest.mark.parametrize("columns", [["height_cm"], ["height_cm", "waist_cm"]])
def test_train_with_optimizer_fits_one_and_two_features(columns):
    *features, weight = course_data([*columns, "weight_kg"])
    x = torch.stack([normalize(feature)[0] for feature in features], dim=1)  # (150, F)
    torch.manual_seed(0)
    model = nn.Linear(len(columns), 1)
    losses = train_with_optimizer(model, x, weight, lr=0.1, epochs=300)
    best_weights, best_bias = least_squares(x, weight)
    assert len(losses) == 300 and losses[-1] < losses[0]
    assert torch.allclose(model.weight.detach().squeeze(0).double(), best_weights, rtol=1e-3)
    assert model.bias.item() == pytest.approx(best_bias.item(), rel=1e-3)


def test_course_data_is_reproducible_and_plausible():
    people = body_measurements(n_people=150, seed=3)
    assert people.equals(body_measurements(n_people=150, seed=3))
    assert not people.equals(body_measurements(n_people=150, seed=4))
    assert list(people.columns) == ["height_cm", "waist_cm", "weight_kg"] and len(people) == 150
    assert people["height_cm"].between(130, 215).all()
    assert people["weight_kg"].between(30, 170).all()
    assert people["waist_cm"].between(50, 150).all()
