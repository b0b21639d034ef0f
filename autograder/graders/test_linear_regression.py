"""Hidden grader of assignment 01: linear regression by gradient descent.

Every input is drawn here (the student never sees it), every expected value comes from
``solutions.linear_regression``, and typical mistakes are recognized by what they return.
A check of a side property (keeps the graph, leaves x alone, zeroes the gradients, one loss per
epoch, lowers the loss) first asks for the right values: a function that does nothing has most
side properties, and must not earn points for them.
"""
import pytest
import torch
from torch import nn

import solutions.linear_regression as reference
from autograder.checks import (CheckFailed, describe, exercise, expect, expect_close,
                               expect_tensor, explain_error, is_close, show_curves)
from autograder.student import StudentError

NO_GRAD_HINT = ("Update the parameters in place inside `with torch.no_grad():` "
                "(e.g. `w -= lr * w.grad`), so the update itself is not tracked by autograd.")


def heights(rng, n):
    """Heights in cm, float32 (n,): inputs the student has not seen."""
    return 150 + 40 * torch.rand(n, generator=rng)


def scalar(rng, low, high):
    return low + (high - low) * torch.rand((), generator=rng)


# -- predict ------------------------------------------------------------------------------------

@exercise("predict")
@pytest.mark.parametrize("n", [1, 7, 50])
def test_predict_matches_w_x_plus_b(student, rng, n):
    """predict returns w * x + b for random heights"""
    x, w, b = heights(rng, n), scalar(rng, 0.5, 1.5), scalar(rng, -110, -50)
    got = student.call("predict", x, w, b)
    expect_close(got, reference.predict(x, w, b), hint="Compute w * x + b elementwise.",
                 mistakes=[(b * x + w, "You swapped w and b: the slope w multiplies x."),
                           (w * x, "You forgot to add the bias b."),
                           (x + b, "You forgot to multiply x by the slope w.")])


@exercise("predict")
def test_predict_accepts_python_floats(student, rng):
    """predict works when w and b are plain floats"""
    x = heights(rng, 5)
    got = student.call("predict", x, 0.9, -80.0)
    expect_close(got, reference.predict(x, 0.9, -80.0),
                 hint="Use only operations that work for floats and tensors alike (* and +).")


@exercise("predict")
def test_predict_keeps_the_graph(student, rng):
    """predict keeps the autograd graph, so gradients can reach w and b"""
    x = heights(rng, 4)
    w, b = scalar(rng, 0.5, 1.5).requires_grad_(), scalar(rng, -90, -60)
    result = student.call_keep("predict", x, w, b)
    expect_close(result.value(), reference.predict(x, w, b), hint="Compute w * x + b elementwise.")
    expect(result.attr("requires_grad") is True, "a result that requires grad",
           f"requires_grad={result.attr('requires_grad')}",
           "Do not detach, call .item(), or convert to numpy inside predict.")


@exercise("predict")
def test_predict_leaves_x_unchanged(student, rng):
    """predict computes w * x + b without changing its input x"""
    x = heights(rng, 6)
    kept = student.put(x.clone())
    got = student.call("predict", kept, 0.9, -80.0)
    expect_close(got, reference.predict(x, 0.9, -80.0), hint="Compute w * x + b elementwise.")
    expect_close(kept.value(), x, hint="Do not modify x in place (no `x *= w`); build a new "
                                       "tensor instead.")


# -- mse -----------------------------------------------------------------------------------------

@exercise("mse")
@pytest.mark.parametrize("n", [1, 8, 100])
def test_mse_matches_mean_squared_error(student, rng, n):
    """mse is the mean of the squared differences"""
    y_pred, y_true = 60 + 20 * torch.rand(n, generator=rng), 60 + 20 * torch.rand(n, generator=rng)
    got = student.call("mse", y_pred, y_true)
    difference = y_pred - y_true
    mistakes = [((difference ** 2).sum(), "You summed the squared errors; average them instead "
                                          "(mean, not sum)."),
                (difference.abs().mean(), "That is the mean absolute error: square the "
                                          "differences instead of taking their absolute value."),
                ((difference ** 2).mean().sqrt(), "That is the root mean squared error: do not "
                                                  "take the square root.")]
    if n > 1:
        mistakes.append((difference.mean() ** 2, "You squared the mean difference; square each "
                                                 "difference first, then average."))
    expect_close(got, reference.mse(y_pred, y_true), hint="Average (y_pred - y_true) ** 2.",
                 mistakes=mistakes)


@exercise("mse")
def test_mse_returns_a_0d_tensor_with_graph(student, rng):
    """mse returns a 0-d tensor that keeps the graph (so loss.backward() works)"""
    y_pred = (60 + 20 * torch.rand(5, generator=rng)).requires_grad_()
    y_true = 60 + 20 * torch.rand(5, generator=rng)
    result = student.call_keep("mse", y_pred, y_true)
    value = result.value()
    expect_tensor(value, shape=(), hint="Return the tensor itself (a 0-d tensor), not "
                                        "loss.item() or a Python float.")
    expect_close(value, reference.mse(y_pred, y_true), hint="Average (y_pred - y_true) ** 2.")
    expect(result.attr("grad_fn") is not None, "a tensor with a grad_fn",
           describe(value) + " without grad_fn",
           "Compute the loss with torch operations on y_pred, without .detach() or .item().")


# -- gradient_descent_step -------------------------------------------------------------------------

def _regression_problem(rng, n=20):
    """A normalized height → weight problem: x float32 (n,), y float32 (n,)."""
    x = torch.randn(n, generator=rng)
    y = 2.0 * x + 0.5 + 0.1 * torch.randn(n, generator=rng)
    return x, y


def _reference_steps(w0, b0, x, y, lr, steps):
    w, b = w0.clone().requires_grad_(), b0.clone().requires_grad_()
    losses = [reference.gradient_descent_step(w, b, x, y, lr) for _ in range(steps)]
    return w.detach(), b.detach(), losses


def _student_steps(student, w0, b0, x, y, lr, steps):
    """Run the student's step ``steps`` times on kept tensors; return (w, b, losses, w_grad)."""
    w, b = student.put(w0.clone().requires_grad_()), student.put(b0.clone().requires_grad_())
    try:
        losses = [student.call("gradient_descent_step", w, b, x, y, lr) for _ in range(steps)]
    except StudentError as error:
        explain_error(error, {"leaf Variable": NO_GRAD_HINT,
                              "does not require grad": "Keep w and b as the same tensors: update "
                                                       "them in place (w -= ...) under no_grad.",
                              "NoneType": "Call loss.backward() before reading w.grad."})
    return w.value(), b.value(), losses, w.attr("grad")


@exercise("gradient_descent_step", weight=2)
def test_step_moves_against_the_gradient(student, rng):
    """one step changes w and b by -lr * gradient"""
    x, y = _regression_problem(rng)
    w0, b0, lr = torch.tensor(0.3), torch.tensor(-0.2), 0.1
    w, b, _, _ = _student_steps(student, w0, b0, x, y, lr, 1)
    expected_w, expected_b, _ = _reference_steps(w0, b0, x, y, lr, 1)
    w_grad = (expected_w - w0) / -lr
    expect(isinstance(w, torch.Tensor), "w is still a tensor", describe(w), NO_GRAD_HINT)
    expect(not is_close(w, w0), "w changed by the step", f"w stayed {float(w):.4g}",
           "Update w in place (w -= lr * w.grad); assigning w = w - ... inside the function "
           "only changes a local name, not the caller's tensor.")
    expect_close(torch.stack([w, b]), torch.stack([expected_w, expected_b]),
                 hint="The update is w ← w − lr · ∂loss/∂w (and the same for b).",
                 mistakes=[(torch.stack([w0 + lr * w_grad, 2 * b0 - expected_b]),
                            "You moved along the gradient: subtract lr * grad to go downhill."),
                           (torch.stack([w0 - w_grad, b0 - (b0 - expected_b) / lr]),
                            "You forgot to multiply the gradient by the learning rate lr.")])


@exercise("gradient_descent_step")
def test_step_returns_the_loss_before_the_update(student, rng):
    """the step returns the loss (before the update) as a Python float"""
    x, y = _regression_problem(rng)
    w0, b0 = torch.tensor(0.1), torch.tensor(0.0)
    _, _, losses, _ = _student_steps(student, w0, b0, x, y, 0.05, 1)
    expected = _reference_steps(w0, b0, x, y, 0.05, 1)[2][0]
    expect(isinstance(losses[0], float), "a Python float", describe(losses[0]),
           "Return loss.item(): a plain number, detached from the graph.")
    expect_close(losses[0], expected, hint="Return the MSE computed before updating w and b.")


@exercise("gradient_descent_step")
def test_step_zeroes_the_gradients(student, rng):
    """after a correct step the gradients are zero (or None)"""
    x, y = _regression_problem(rng)
    w0, b0, lr = torch.tensor(0.5), torch.tensor(0.1), 0.1
    w, b, _, w_grad = _student_steps(student, w0, b0, x, y, lr, 1)
    expected_w, expected_b, _ = _reference_steps(w0, b0, x, y, lr, 1)
    expect_close(torch.stack([w, b]), torch.stack([expected_w, expected_b]),
                 hint="The update is w ← w − lr · ∂loss/∂w (and the same for b).")
    expect(w_grad is None or (isinstance(w_grad, torch.Tensor) and not w_grad.abs().sum()),
           "w.grad is zero after the step", f"w.grad = {describe(w_grad)}",
           "Reset the gradients after the update (w.grad.zero_(); b.grad.zero_()): PyTorch adds "
           "new gradients to old ones.")


@exercise("gradient_descent_step", weight=2)
def test_three_steps_follow_gradient_descent(student, rng):
    """three steps in a row give the gradient-descent path (each step uses fresh gradients)"""
    x, y = _regression_problem(rng)
    w0, b0, lr = torch.tensor(-0.4), torch.tensor(0.3), 0.05
    w, b, losses, _ = _student_steps(student, w0, b0, x, y, lr, 3)
    expected_w, expected_b, expected_losses = _reference_steps(w0, b0, x, y, lr, 3)
    accumulated = _accumulating_steps(w0, b0, x, y, lr, 3)
    expect_close(torch.stack([w, b]), torch.stack([expected_w, expected_b]),
                 hint="Each step must use only its own gradient.",
                 mistakes=[(accumulated, "You forgot to zero the gradients: each step added the "
                                         "old gradients to the new ones.")])
    expect_close(losses, expected_losses, hint="Return each step's loss as a float.")


def _accumulating_steps(w0, b0, x, y, lr, steps):
    """What a step that never zeroes the gradients would do: (2,) tensor [w, b]."""
    w, b = w0.clone().requires_grad_(), b0.clone().requires_grad_()
    for _ in range(steps):
        reference.mse(reference.predict(x, w, b), y).backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
    return torch.stack([w.detach(), b.detach()])


# -- normalize ---------------------------------------------------------------------------------

@exercise("normalize", weight=2)
@pytest.mark.parametrize("n", [5, 40])
def test_normalize_matches_standardization(student, rng, n):
    """normalize returns ((x - mean) / std, mean, std)"""
    x = heights(rng, n)
    got = student.call("normalize", x)
    expected = reference.normalize(x)
    expect(isinstance(got, (tuple, list)) and len(got) == 3, "a tuple (x_normalized, mean, std)",
           describe(got), "Return three things: the normalized tensor, the mean and the std.")
    mean, std = x.mean(), expected[2]
    other_std = x.std(unbiased=not bool(torch.isclose(std, x.std(unbiased=True))))
    expect_close(got[0], expected[0], hint="Subtract the mean of x, then divide by its std.",
                 mistakes=[((x - x.min()) / (x.max() - x.min()),
                            "That is min-max scaling; standardize with the mean and std instead."),
                           (x - mean, "You centered x but forgot to divide by the std."),
                           ((x - mean) / std ** 2, "You divided by the variance; divide by the "
                                                   "standard deviation."),
                           ((x - mean) / other_std, "Use the same std as the notebook (see the "
                                                    "docstring: which estimator of the std).")])
    expect_close(torch.stack([torch.as_tensor(got[1], dtype=torch.float32).reshape(()),
                              torch.as_tensor(got[2], dtype=torch.float32).reshape(())]),
                 torch.stack([mean, std]), rtol=1e-4,
                 hint="Return the mean and std of the ORIGINAL x (you need them to normalize "
                      "new data the same way).",
                 mistakes=[(torch.tensor([0.0, 1.0]), "You returned the statistics of the "
                                                      "normalized x (0 and 1); return those of x.")])


@exercise("normalize")
def test_normalized_heights_have_mean_0_and_std_1(student, rng):
    """the normalized heights have mean 0 and standard deviation 1"""
    got = student.call("normalize", heights(rng, 30))
    normalized = torch.as_tensor(got[0] if isinstance(got, (tuple, list)) else got)
    expect(abs(float(normalized.mean())) < 1e-4, "mean 0",
           f"mean {float(normalized.mean()):.4g}", "Subtract the mean of x.")
    expect(abs(float(reference.normalize(normalized)[2]) - 1) < 1e-3, "std 1",
           f"std {float(reference.normalize(normalized)[2]):.4g}", "Divide by the std of x.")


@exercise("normalize")
def test_normalize_leaves_x_unchanged(student, rng):
    """normalize standardizes x without changing its input x"""
    x = heights(rng, 10)
    kept = student.put(x.clone())
    got = student.call("normalize", kept)
    expect(isinstance(got, (tuple, list)) and len(got) == 3, "a tuple (x_normalized, mean, std)",
           describe(got), "Return three things: the normalized tensor, the mean and the std.")
    expect_close(got[0], reference.normalize(x)[0],
                 hint="Subtract the mean of x, then divide by its std.")
    expect_close(kept.value(), x, hint="Do not modify x in place (no `x -= mean`); compute a "
                                       "new tensor.")


# -- train_linear_regression ---------------------------------------------------------------------

def _training_problem(rng, n=60):
    """Normalized heights and body weights in kg: x float32 (n,), y float32 (n,)."""
    x = torch.randn(n, generator=rng)
    y = 70 + 9 * x + 3 * torch.randn(n, generator=rng)
    return x, y


def _student_training(student, x, y, lr, epochs):
    """(w, b, losses) from the student's train_linear_regression(x, y, lr, epochs)."""
    got = student.call("train_linear_regression", x, y, lr, epochs)
    if not (isinstance(got, (tuple, list)) and len(got) == 3):
        raise CheckFailed(expected="a tuple (w, b, losses)", got=describe(got),
                          hint="Return w, b and the list of per-epoch losses.")
    return got


@exercise("train_linear_regression")
def test_training_records_one_loss_per_epoch(student, rng):
    """train_linear_regression returns one loss per epoch, the first at w = b = 0"""
    x, y = _training_problem(rng)
    _, _, losses = _student_training(student, x, y, 0.1, 17)
    expect(isinstance(losses, (list, tuple)) and len(losses) == 17, "17 losses for 17 epochs",
           describe(losses), "Append the loss once per epoch (one full pass over the data).")
    expect_close(losses[0], reference.mse(torch.zeros_like(y), y),
                 hint="The first loss is the loss of the starting line w = b = 0, computed "
                      "before the first update.")


@exercise("train_linear_regression", weight=2)
def test_training_follows_gradient_descent_from_zero(student, rng, figures):
    """the losses follow gradient descent started from w = b = 0"""
    x, y = _training_problem(rng)
    _, _, expected = reference.train_linear_regression(x, y, 0.05, 25)
    got = _student_training(student, x, y, 0.05, 25)[2]
    show_curves(figures, "Your training loss beside the reference's (lr 0.05, 25 epochs)",
                {"training loss": got}, {"training loss": expected})
    expect_close(got, expected, rtol=1e-3,
                 hint="Start from w = b = 0 and do one gradient_descent_step per epoch on all "
                      "the data.")


@exercise("train_linear_regression", weight=2)
def test_training_converges_to_least_squares(student, rng):
    """after enough epochs w and b are the least-squares line"""
    x, y = _training_problem(rng)
    w, b, losses = _student_training(student, x, y, 0.1, 300)
    design = torch.stack([x, torch.ones_like(x)], dim=1).double()
    best = torch.linalg.lstsq(design, y.double().unsqueeze(1)).solution.squeeze(1)
    fitted = torch.stack([torch.as_tensor(w).double().reshape(()),
                          torch.as_tensor(b).double().reshape(())])
    expect_close(fitted, best, rtol=1e-2, atol=1e-2,
                 hint="Training should reach the best line; check the update and that the "
                      "gradients are zeroed every epoch.")
    final_loss = float(reference.mse(reference.predict(x, fitted[0].float(), fitted[1].float()),
                                     y))
    expect(is_close(losses[-1], final_loss, rtol=2e-2, atol=1e-2), "the last loss to be the "
           f"loss of the returned line ({final_loss:.4g})", describe(losses[-1]),
           "Record the loss computed in each epoch.")


# -- train_with_optimizer ------------------------------------------------------------------------

def _initial_state(rng, n_features):
    return {"weight": 0.1 * torch.randn(1, n_features, generator=rng),
            "bias": 0.1 * torch.randn(1, generator=rng)}


def _features(rng, n, n_features):
    """x float32 (n, n_features) standardized; y float32 (n,) body weights in kg."""
    x = torch.randn(n, n_features, generator=rng)
    y = 70 + x @ torch.linspace(8, 3, n_features) + torch.randn(n, generator=rng)
    return x, y


def _reference_model(state):
    model = nn.Linear(state["weight"].shape[1], 1)
    model.load_state_dict(state)
    return model


BROADCAST_HINT = ("model(x) has shape (N, 1) but y has shape (N,): MSELoss broadcasts them to an "
                  "(N, N) matrix. Squeeze the output (model(x).squeeze(-1)).")


def _broadcasting_losses(state, x, y, lr, epochs):
    """The classic mistake: MSELoss((N, 1), (N,)) broadcasts to (N, N)."""
    model = _reference_model(state)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(x), y.unsqueeze(0).expand(len(y), len(y)))
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def _no_zero_grad_losses(state, x, y, lr, epochs):
    model = _reference_model(state)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        loss = nn.functional.mse_loss(model(x).squeeze(-1), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


@exercise("train_with_optimizer", weight=2)
@pytest.mark.parametrize("n_features", [1, 2])
def test_optimizer_training_matches_sgd(student, rng, n_features):
    """training an nn.Linear with SGD and MSE gives the expected losses and weights"""
    x, y = _features(rng, 40, n_features)
    state, lr, epochs = _initial_state(rng, n_features), 0.05, 12
    model = student.make("torch.nn.Linear", n_features, 1)
    model.call("load_state_dict", state)
    losses = student.call("train_with_optimizer", model, x, y, lr, epochs)
    trained = model.call("state_dict")
    expect(not is_close(trained["weight"], state["weight"]), "the given model's weights change",
           "the model you were given was not trained",
           "Train the model you were given (optimize model.parameters()), not a new one.")
    reference_model = _reference_model(state)
    expected = reference.train_with_optimizer(reference_model, x, y, lr, epochs)
    expect(isinstance(losses, (list, tuple)) and len(losses) == epochs,
           f"{epochs} losses, one per epoch", describe(losses),
           "Return the list of per-epoch losses (loss.item()).")
    expect_close(losses, expected, rtol=1e-3, hint="Per epoch: zero_grad, forward, MSE, "
                                                   "backward, step.",
                 mistakes=[(_broadcasting_losses(state, x, y, lr, epochs), BROADCAST_HINT),
                           (_no_zero_grad_losses(state, x, y, lr, epochs),
                            "You forgot optimizer.zero_grad(): gradients piled up over epochs.")])
    expect_close(trained["weight"], reference_model.weight.detach(), rtol=1e-3,
                 hint="The trained weights differ from SGD's: check lr and the loss.")


@exercise("train_with_optimizer")
def test_optimizer_training_lowers_the_loss(student, rng):
    """the loss falls over the epochs, from the loss of the untrained model"""
    x, y = _features(rng, 40, 2)
    state = _initial_state(rng, 2)
    model = student.make("torch.nn.Linear", 2, 1)
    model.call("load_state_dict", state)
    losses = student.call("train_with_optimizer", model, x, y, 0.05, 30)
    expect(isinstance(losses, (list, tuple)) and len(losses) == 30, "30 losses, one per epoch",
           describe(losses), "Return the list of per-epoch losses (loss.item()).")
    untrained = nn.functional.mse_loss(_reference_model(state)(x).squeeze(-1), y)
    expect_close(losses[0], untrained.detach(), rtol=1e-3,
                 hint="Record each epoch's loss before its update: the first is the loss of "
                      "the model you were given.",
                 mistakes=[(_broadcasting_losses(state, x, y, 0.05, 1)[0], BROADCAST_HINT)])
    expect(losses[-1] < losses[0], "the last loss below the first", describe(losses),
           "Make sure optimizer.step() runs every epoch and lr is passed to SGD.")
