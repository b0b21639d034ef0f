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
                               expect_equal, expect_tensor, expect_updated, expect_uses,
                               explain_error, is_close, show_curves)
from autograder.diagnosis import (Suspect, layouts, mean_over, named, off_by_one, orders,
                                  parameter_updates, terms)
from autograder.grading_kit import TRAINING_STEPS, replay_sgd
from autograder.student import StudentError

NO_GRAD_HINT = ("Update the parameters in place inside `with torch.no_grad():` "
                "(e.g. `w -= lr * w.grad`), so the update itself is not tracked by autograd.")
NO_GRAD = ("updated w and b outside torch.no_grad()", NO_GRAD_HINT)
LR_NOT_USED = "the learning rate lr not used"


def heights(rng, n):
    """Heights in cm, float32 (n,): inputs the student has not seen."""
    return 150 + 40 * torch.rand(n, generator=rng)


def scalar(rng, low, high):
    return low + (high - low) * torch.rand((), generator=rng)


IN_PLACE_HINT = "Do not modify x in place (no `x *= w`); build a new tensor instead."


# -- predict ------------------------------------------------------------------------------------

def _predict_mistakes(x, w, b):
    """What typical wrong lines return for heights x, slope w and bias b."""
    return [*terms({"w * x": w * x, "b": b}, "w * x + b",
                   hints={"b is left out": "You forgot to add the bias b: the line is w * x + b."}),
            Suspect(reference.predict(x, b, w), "w and b swapped",
                    "You swapped w and b: the slope w multiplies x."),
            Suspect(x + b, "x not multiplied by w", "You forgot to multiply x by the slope w."),
            *(Suspect(w * (x + sign * b), "b inside the product",
                      "Add b after the product: w * x + b, not w * (x + b).") for sign in (1, -1)),
            Suspect((w + b) * x, "b multiplied by x", "Add b on its own: w * x + b."),
            *layouts(reference.predict(x, w, b), ("N", "heights"))]


@exercise("predict")
@pytest.mark.parametrize("n", [1, 7, 50])
def test_predict_matches_w_x_plus_b(student, rng, n):
    """predict returns w * x + b for random heights"""
    x, w, b = heights(rng, n), scalar(rng, 0.5, 1.5), scalar(rng, -110, -50)
    got = student.call("predict", x, w, b)
    expect_close(got, reference.predict(x, w, b), hint="Compute w * x + b elementwise.",
                 mistakes=lambda: _predict_mistakes(x, w, b))


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
    expect_close(result.value(), reference.predict(x, w, b), hint="Compute w * x + b elementwise.",
                 mistakes=lambda: _predict_mistakes(x, w, b))
    expect(result.attr("requires_grad") is True, "a result that requires grad",
           f"requires_grad={result.attr('requires_grad')}",
           "Do not detach, call .item(), or convert to numpy inside predict.",
           mistake="the prediction detached from the graph")


@exercise("predict")
def test_predict_leaves_x_unchanged(student, rng):
    """predict computes w * x + b without changing its input x"""
    x = heights(rng, 6)
    kept = student.put(x.clone())
    got = student.call("predict", kept, 0.9, -80.0)
    expect_close(got, reference.predict(x, 0.9, -80.0), hint="Compute w * x + b elementwise.",
                 mistakes=lambda: _predict_mistakes(x, torch.tensor(0.9), torch.tensor(-80.0)))
    expect_close(kept.value(), x, hint=IN_PLACE_HINT,
                 mistakes=[Suspect(x * 0.9, "changed x in place", IN_PLACE_HINT),
                           Suspect(x * 0.9 - 80, "changed x in place", IN_PLACE_HINT)])


# -- mse -----------------------------------------------------------------------------------------

def _mse_mistakes(y_pred, y_true):
    difference = y_pred - y_true
    expected = reference.mse(y_pred, y_true)
    mistakes = [*mean_over(expected, len(y_pred), "examples", per_item=difference ** 2,
                           hints={"summed over the examples instead of averaging":
                                  "You summed the squared errors; average them instead "
                                  "(mean, not sum)."}),
                Suspect(difference.abs().mean(), "the mean absolute error",
                        "That is the mean absolute error: square the differences instead of "
                        "taking their absolute value."),
                Suspect(expected.sqrt(), "the root mean squared error",
                        "That is the root mean squared error: do not take the square root."),
                Suspect(expected / 2, "half the mean squared error",
                        "Do not halve it: the MSE is the mean of the squared errors."),
                Suspect(expected * 2, "twice the mean squared error",
                        "Do not double it: the MSE is the mean of the squared errors."),
                Suspect(expected.reshape(1), "a mean of shape (1,), not a 0-d tensor",
                        "Average over every axis (.mean() without dim or keepdim): the loss "
                        "is one number, shape ()."),
                Suspect(difference.mean(), "the differences not squared",
                        "Square each difference before averaging: (y_pred - y_true) ** 2.")]
    if len(y_pred) > 1:
        mistakes.append(Suspect(difference.mean() ** 2, "squared the mean difference",
                                "You squared the mean difference; square each difference "
                                "first, then average."))
    return mistakes


@exercise("mse")
@pytest.mark.parametrize("n", [1, 8, 100])
def test_mse_matches_mean_squared_error(student, rng, n):
    """mse is the mean of the squared differences"""
    y_pred, y_true = 60 + 20 * torch.rand(n, generator=rng), 60 + 20 * torch.rand(n, generator=rng)
    got = student.call("mse", y_pred, y_true)
    expect_close(got, reference.mse(y_pred, y_true), hint="Average (y_pred - y_true) ** 2.",
                 mistakes=lambda: _mse_mistakes(y_pred, y_true))


@exercise("mse")
def test_mse_returns_a_0d_tensor_with_graph(student, rng):
    """mse returns a 0-d tensor that keeps the graph (so loss.backward() works)"""
    y_pred = (60 + 20 * torch.rand(5, generator=rng)).requires_grad_()
    y_true = 60 + 20 * torch.rand(5, generator=rng)
    result = student.call_keep("mse", y_pred, y_true)
    value = result.value()
    expect_tensor(value, hint="Return the tensor itself (a 0-d tensor), not loss.item() or a "
                              "Python float.")
    expect_close(value, reference.mse(y_pred, y_true), hint="Average (y_pred - y_true) ** 2.",
                 mistakes=lambda: _mse_mistakes(y_pred.detach(), y_true))
    expect(result.attr("grad_fn") is not None, "a tensor with a grad_fn",
           describe(value) + " without grad_fn",
           "Compute the loss with torch operations on y_pred, without .detach() or .item().",
           mistake="the loss detached from the graph")


# -- gradient_descent_step -------------------------------------------------------------------------

STEP = ("loss.backward()", "the update", "zeroing the gradients")  # one step, in its order


def _regression_problem(rng, n=20):
    """A normalized height → weight problem: x float32 (n,), y float32 (n,)."""
    x = torch.randn(n, generator=rng)
    y = 2.0 * x + 0.5 + 0.1 * torch.randn(n, generator=rng)
    return x, y


def _reference_steps(w0, b0, x, y, lr, steps):
    w, b = w0.clone().requires_grad_(), b0.clone().requires_grad_()
    losses = [reference.gradient_descent_step(w, b, x, y, lr) for _ in range(steps)]
    return w.detach(), b.detach(), losses


def _replayed_steps(w0, b0, x, y, lr, steps, order=STEP, updated=("w", "b"),
                    zeroed=("w", "b")):
    """[w, b], a (2,) tensor, after ``steps`` gradient-descent steps from w0, b0 that run the
    parts of ``order`` in that order, update only the parameters of ``updated`` and zero only
    the gradients of ``zeroed``: what a step with a typical mistake does. A part that reads a
    gradient not there yet raises, as the student's code would."""
    parameters = {"w": w0.clone().requires_grad_(), "b": b0.clone().requires_grad_()}
    for _ in range(steps):
        loss = reference.mse(reference.predict(x, *parameters.values()), y)
        for part in order:
            if part == "loss.backward()":
                loss.backward()
            for name in updated if part == "the update" else ():
                with torch.no_grad():
                    parameters[name] -= lr * parameters[name].grad
            for name in zeroed if part == "zeroing the gradients" else ():
                parameters[name].grad.zero_()
    return torch.stack([parameter.detach() for parameter in parameters.values()])


def _student_steps(student, w0, b0, x, y, lr, steps):
    """Run the student's step ``steps`` times on kept tensors; return (w, b, losses,
    {"w": w.grad, "b": b.grad})."""
    w, b = student.put(w0.clone().requires_grad_()), student.put(b0.clone().requires_grad_())
    try:
        losses = [student.call("gradient_descent_step", w, b, x, y, lr) for _ in range(steps)]
    except StudentError as error:
        explain_error(error, {"leaf Variable": NO_GRAD,
                              "does not require grad": (
                                  "replaced w or b by new tensors",
                                  "Keep w and b as the same tensors: update them in place "
                                  "(w -= ...) under no_grad."),
                              "NoneType": ("read w.grad before loss.backward()",
                                           "Call loss.backward() before reading w.grad.")})
    return w.value(), b.value(), losses, {"w": w.attr("grad"), "b": b.attr("grad")}


STEP_HINT = "The update is w ← w − lr · ∂loss/∂w (and the same for b)."


@exercise("gradient_descent_step", weight=2)
def test_step_moves_against_the_gradient(student, rng):
    """one step changes w and b by -lr * gradient"""
    x, y = _regression_problem(rng)
    w0, b0, lr = torch.tensor(0.3), torch.tensor(-0.2), 0.1
    w, b, _, _ = _student_steps(student, w0, b0, x, y, lr, 1)
    expected_w, expected_b, _ = _reference_steps(w0, b0, x, y, lr, 1)
    expect(isinstance(w, torch.Tensor), "w is still a tensor", describe(w), NO_GRAD_HINT)
    expect_close(torch.stack([w, b]), torch.stack([expected_w, expected_b]), hint=STEP_HINT,
                 mistakes=lambda: _one_step_mistakes(w0, b0, x, y, lr))


def _one_step_mistakes(w0, b0, x, y, lr):
    """What one step with a typical mistake does to w and b: [w, b] after it."""
    expected_w, expected_b, _ = _reference_steps(w0, b0, x, y, lr, 1)
    zeroed_first = _replayed_steps(w0, b0, x, y, lr, 1, order=(STEP[0], STEP[2], STEP[1]))
    return [*parameter_updates({"w": (w0, expected_w), "b": (b0, expected_b)}, lr, n=len(x),
                               hints={"the update of w and b has the wrong sign":
                                      "You moved along the gradient: subtract lr * grad to go "
                                      "downhill.",
                                      "the update of w and b is not scaled by lr":
                                      "You forgot to multiply the gradient by the learning rate "
                                      "lr."}),
            named(zeroed_first, "the gradients zeroed before the update",
                  "the update then adds nothing; zero them after it.")]


@exercise("gradient_descent_step")
def test_step_returns_the_loss_before_the_update(student, rng):
    """the step returns the loss (before the update) as a Python float"""
    x, y = _regression_problem(rng)
    w0, b0 = torch.tensor(0.1), torch.tensor(0.0)
    _, _, losses, _ = _student_steps(student, w0, b0, x, y, 0.05, 1)
    expected_w, expected_b, expected = _reference_steps(w0, b0, x, y, 0.05, 1)
    expect(isinstance(losses[0], float), "a Python float", describe(losses[0]),
           "Return loss.item(): a plain number, detached from the graph.",
           mistake=f"returned a {type(losses[0]).__name__}, not a float")
    after = reference.mse(reference.predict(x, expected_w, expected_b), y).item()
    expect_close(losses[0], expected[0], hint="Return the MSE computed before updating w and b.",
                 mistakes=[Suspect(after, "the loss after the update",
                                   "Return the loss computed before the update: the one you "
                                   "called backward() on.")])


@exercise("gradient_descent_step")
def test_step_zeroes_the_gradients(student, rng):
    """after a correct step the gradients are zero (or None)"""
    x, y = _regression_problem(rng)
    w0, b0, lr = torch.tensor(0.5), torch.tensor(0.1), 0.1
    w, b, _, grads = _student_steps(student, w0, b0, x, y, lr, 1)
    expected_w, expected_b, _ = _reference_steps(w0, b0, x, y, lr, 1)
    expect_close(torch.stack([w, b]), torch.stack([expected_w, expected_b]), hint=STEP_HINT,
                 mistakes=lambda: _one_step_mistakes(w0, b0, x, y, lr))
    left = [name for name, grad in grads.items()
            if not (grad is None or isinstance(grad, torch.Tensor) and not grad.abs().sum())]
    resets = "; ".join(f"{name}.grad.zero_()" for name in left)
    both = len(left) == 2  # named as the three-step check names it: one mistake, one label
    expect(not left, "w.grad and b.grad zero after the step",
           "; ".join(f"{name}.grad = {describe(grads[name])}" for name in left),
           ("You forgot to zero the gradients. " if both else "")
           + f"Reset the gradients after the update ({resets}): PyTorch adds new gradients to "
           "old ones.", mistake="zeroing the gradients left out" if both
           else f"the gradient of {''.join(left)} not zeroed")


@exercise("gradient_descent_step", weight=2)
def test_three_steps_follow_gradient_descent(student, rng):
    """three steps in a row give the gradient-descent path (each step uses fresh gradients)"""
    x, y = _regression_problem(rng)
    w0, b0, lr = torch.tensor(-0.4), torch.tensor(0.3), 0.05
    w, b, losses, _ = _student_steps(student, w0, b0, x, y, lr, 3)
    expected_w, expected_b, expected_losses = _reference_steps(w0, b0, x, y, lr, 3)
    expect_close(torch.stack([w, b]), torch.stack([expected_w, expected_b]),
                 hint="Each step must use only its own gradient.",
                 mistakes=lambda: _three_step_mistakes(w0, b0, x, y, lr))
    expect_close(losses, expected_losses, hint="Return each step's loss as a float.")


def _three_step_mistakes(w0, b0, x, y, lr):
    """What three steps with a typical mistake do to w and b: [w, b] after them."""
    def replayed(**mistake):
        return _replayed_steps(w0, b0, x, y, lr, 3, **mistake)

    mistakes = orders(lambda order: replayed(order=order), STEP,
                      hints={"zeroing the gradients left out": (
                          "Zeroing the gradients left out: you forgot to zero the gradients, so "
                          "each step added the old gradients to the new ones.")})
    for kept, other in (("w",), "b"), (("b",), "w"):
        mistakes += [named(replayed(zeroed=kept), f"the gradient of {other} not zeroed",
                           f"zero {other}.grad too: PyTorch adds each step's gradient to the "
                           "old one."),
                     named(replayed(updated=kept), f"{other} not updated",
                           f"update {other} in place too.")]
    return mistakes


# -- normalize ---------------------------------------------------------------------------------

NORMALIZE_HINT = "Subtract the mean of x, then divide by its std."


def _three_parts(got):
    """The student's (x_normalized, mean, std); CheckFailed when it is not a triple."""
    expect(isinstance(got, (tuple, list)) and len(got) == 3, "a tuple (x_normalized, mean, std)",
           describe(got), "Return three things: the normalized tensor, the mean and the std.")
    return got


def _normalized_mistakes(x):
    """What typical wrong standardizations of x return."""
    mean, std = x.mean(), x.std()
    other_std = x.std(unbiased=False)
    return [Suspect((x - x.min()) / (x.max() - x.min()), "min-max scaling",
                    "That is min-max scaling; standardize with the mean and std instead."),
            Suspect(x - mean, "not divided by the std",
                    "You centered x but forgot to divide by the std."),
            Suspect(x / std, "the mean not subtracted",
                    "Subtract the mean before dividing by the std: (x - mean) / std."),
            Suspect(x - mean / std, "missing parentheses: x - mean / std",
                    "Division comes before subtraction: write (x - mean) / std."),
            Suspect(x / std - mean, "divided before subtracting the mean",
                    "Subtract the mean first, then divide: (x - mean) / std."),
            Suspect((x - mean) / std ** 2, "divided by the variance",
                    "You divided by the variance; divide by the standard deviation."),
            Suspect((x - std) / mean, "mean and std swapped",
                    "Subtract the mean and divide by the std, not the other way round."),
            Suspect((x - mean) / other_std, "the population std (dividing by N)",
                    "Use the same std as the notebook: x.std(), the sample standard deviation "
                    "(see the docstring)."),
            Suspect(-(x - mean) / std, "the sign of the whole result is flipped",
                    "Subtract the mean from x, not x from the mean: (x - mean) / std.")]


def _statistics_mistakes(x):
    mean, std = x.mean(), x.std()
    return [Suspect(torch.tensor([0.0, 1.0]), "returned the statistics of the normalized x",
                    "You returned the statistics of the normalized x (0 and 1); return those "
                    "of x."),
            Suspect(torch.stack([std, mean]), "mean and std returned in the wrong order",
                    "Return (x_normalized, mean, std), in this order."),
            Suspect(torch.stack([mean, x.var()]), "returned the variance, not the std",
                    "Return the standard deviation x.std(), not the variance."),
            Suspect(torch.stack([mean, x.std(unbiased=False)]),
                    "the population std (dividing by N)",
                    "Return x.std(), the sample standard deviation (see the docstring).")]


def _as_number(value):
    return torch.as_tensor(value, dtype=torch.float32).reshape(())


@exercise("normalize", weight=2)
@pytest.mark.parametrize("n", [5, 40])
def test_normalize_matches_standardization(student, rng, n):
    """normalize returns ((x - mean) / std, mean, std)"""
    x = heights(rng, n)
    normalized, mean, std = _three_parts(student.call("normalize", x))
    expected = reference.normalize(x)
    expect_close(normalized, expected[0], hint=NORMALIZE_HINT,
                 mistakes=lambda: _normalized_mistakes(x))
    expect_close(torch.stack([_as_number(mean), _as_number(std)]), torch.stack(expected[1:]),
                 rtol=1e-4, hint="Return the mean and std of the ORIGINAL x (you need them to "
                                 "normalize new data the same way).",
                 mistakes=lambda: _statistics_mistakes(x))


@exercise("normalize")
def test_normalized_heights_have_mean_0_and_std_1(student, rng):
    """the normalized heights have mean 0 and standard deviation 1"""
    got = student.call("normalize", heights(rng, 30))
    normalized = torch.as_tensor(got[0] if isinstance(got, (tuple, list)) else got)
    expect(abs(float(normalized.mean())) < 1e-4, "mean 0",
           f"mean {float(normalized.mean()):.4g}", "Subtract the mean of x.",
           mistake="the mean not subtracted")
    spread = float(reference.normalize(normalized)[2])
    expect(abs(spread - 1) < 1e-3, "std 1", f"std {spread:.4g}", "Divide by the std of x.",
           mistake="not divided by the std")


@exercise("normalize")
def test_normalize_leaves_x_unchanged(student, rng):
    """normalize standardizes x without changing its input x"""
    x = heights(rng, 10)
    kept = student.put(x.clone())
    normalized, _, _ = _three_parts(student.call("normalize", kept))
    expected = reference.normalize(x)[0]
    expect_close(normalized, expected, hint=NORMALIZE_HINT,
                 mistakes=lambda: _normalized_mistakes(x))
    in_place = "Do not modify x in place (no `x -= mean`); compute a new tensor."
    expect_close(kept.value(), x, hint=in_place,
                 mistakes=[Suspect(expected, "changed x in place", in_place),
                           Suspect(x - x.mean(), "changed x in place", in_place)])


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


def _loss_curve_mistakes(x, y, lr, epochs):
    """What typical wrong training loops record, epoch by epoch."""
    longer = reference.train_linear_regression(x, y, lr, 2 * epochs + 1)[2]
    first = reference.mse(torch.zeros_like(y), y).item()
    return [Suspect(longer[1:epochs + 1], "each loss recorded after its update",
                    "Record the loss that gradient_descent_step returns: the loss before "
                    "the epoch's update."),
            Suspect([first] * epochs, "w and b created anew in every epoch",
                    "w and b are created anew in every epoch: create them once, before the "
                    "loop, or every epoch starts again from w = b = 0."),
            Suspect(longer[1:2 * epochs:2], "two steps per epoch",
                    "Call gradient_descent_step once per epoch and record what it returns.")]


@exercise("train_linear_regression")
def test_training_records_one_loss_per_epoch(student, rng):
    """train_linear_regression returns one loss per epoch, the first at w = b = 0"""
    x, y = _training_problem(rng)
    _, _, losses = _student_training(student, x, y, 0.1, 17)
    expect(isinstance(losses, (list, tuple)), "a list of 17 losses", describe(losses),
           "Return the losses as a list, one per epoch.")
    expect_equal(len(losses), 17, hint="Append the loss once per epoch (one full pass over the "
                                       "data).",
                 mistakes=lambda: off_by_one(17, "loss", hints={
                     "one loss too many": "One loss too many: append the loss once per epoch, "
                                          "the first before any update.",
                     "one loss too few": "One loss too few: run every epoch (range(epochs) runs "
                                         "epochs times, range(1, epochs) one time less)."}))
    first = reference.mse(torch.zeros_like(y), y)
    after_first = reference.train_linear_regression(x, y, 0.1, 2)[2][1]
    hint = ("The first loss is the loss of the starting line w = b = 0, computed before the "
            "first update.")
    if not is_close(losses[0], first):
        _expect_start_at_zero(student, x, y, hint)
    expect_close(losses[0], first, hint=hint,
                 mistakes=[Suspect(after_first, "each loss recorded after its update",
                                   "Record the loss that gradient_descent_step returns: the "
                                   "loss before the epoch's update.")])


def _expect_start_at_zero(student, x, y, hint):
    """Zero epochs of training leave w and b where they start: at 0 (asked only when the first
    loss is wrong, to tell a wrong start from a wrong record)."""
    try:
        w, b, _ = _student_training(student, x, y, 0.1, 0)
        start = torch.stack([torch.as_tensor(w).reshape(()), torch.as_tensor(b).reshape(())])
    except (StudentError, CheckFailed, TypeError, RuntimeError):
        return
    expect(is_close(start, torch.zeros(2)), "w = b = 0 before training",
           f"w = {float(start[0]):.4g}, b = {float(start[1]):.4g} after 0 epochs",
           hint + " Start from w = b = 0 (torch.zeros((), requires_grad=True)).",
           mistake="w and b do not start at 0")


@exercise("train_linear_regression", weight=2)
def test_training_follows_gradient_descent_from_zero(student, rng, figures):
    """the losses follow gradient descent started from w = b = 0"""
    x, y = _training_problem(rng)
    _, _, expected = reference.train_linear_regression(x, y, 0.05, 25)
    losses = _student_training(student, x, y, 0.05, 25)[2]
    show_curves(figures, "Your training loss beside the reference's (lr 0.05, 25 epochs)",
                {"training loss": losses}, {"training loss": expected})
    expect_close(losses, expected, rtol=1e-3,
                 hint="Start from w = b = 0 and do one gradient_descent_step per epoch on all "
                      "the data.", mistakes=lambda: _loss_curve_mistakes(x, y, 0.05, 25),
                 otherwise=lambda: expect_uses(
                     losses, _student_training(student, x, y, 0.1, 25)[2], "lr",
                     "The losses do not change with lr: do one gradient_descent_step per epoch, "
                     "passing lr on.", mistake=LR_NOT_USED))


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
                      "gradients are zeroed every epoch.",
                 mistakes=[Suspect(best.flip(0), "w and b returned in the wrong order",
                                   "Return (w, b, losses), in this order."),
                           Suspect(torch.zeros(2), "w and b returned untrained",
                                   "Return the w and b that gradient_descent_step updated: the "
                                   "same two tensors, trained.")])
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


def _squeezed_mse(model, x, y):
    return nn.functional.mse_loss(model(x).squeeze(-1), y)


def _summed_mse(model, x, y):
    return nn.functional.mse_loss(model(x).squeeze(-1), y, reduction="sum")


def _broadcast_mse(model, x, y):
    """The classic mistake: MSELoss((N, 1), (N,)) broadcasts to (N, N)."""
    return nn.functional.mse_loss(model(x), y.unsqueeze(0).expand(len(y), len(y)))


def _replayed_losses(state, x, y, lr, epochs, **mistake):
    """The per-epoch losses of full-batch SGD from ``state``, right or with a typical mistake
    (``replay_sgd``'s keywords: loss_of, order, optimizer)."""
    mistake.setdefault("loss_of", _squeezed_mse)
    return replay_sgd(_reference_model(state), [(x, y)] * epochs, lr, **mistake)


def _optimizer_mistakes(state, x, y, lr, epochs):
    """What typical wrong loops record, epoch by epoch."""
    def replayed(rate=lr, **mistake):
        return _replayed_losses(state, x, y, rate, epochs, **mistake)

    return [Suspect(replayed(loss_of=_broadcast_mse), "output (N, 1) broadcast against y (N,)",
                    BROADCAST_HINT),
            *orders(lambda order: replayed(order=order), TRAINING_STEPS, hints={
                "optimizer.zero_grad() left out":
                    "You forgot optimizer.zero_grad(): gradients piled up over epochs."}),
            Suspect(replayed(loss_of=_summed_mse), "a summed loss (steps N times too large)",
                    "A summed loss makes every step N times too large: use the mean squared "
                    "error (nn.MSELoss(), reduction 'mean')."),
            *mean_over(torch.tensor(replayed()), len(x), "examples", hints={
                "summed over the examples instead of averaging":
                    "You record a summed loss: use the mean squared error (nn.MSELoss(), "
                    "reduction 'mean'), and lr as given."}),
            Suspect(replayed(optimizer=torch.optim.Adam), "Adam instead of SGD",
                    "Train with torch.optim.SGD(model.parameters(), lr=lr), as the notebook "
                    "says."),
            Suspect(replayed(rate=lr / len(x)), "the learning rate divided by N",
                    "Pass lr to the optimizer as it is: torch.optim.SGD(model.parameters(), "
                    "lr=lr).")]


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
    reference_model = _reference_model(state)
    expected = reference.train_with_optimizer(reference_model, x, y, lr, epochs)
    expect_updated(trained, reference_model.state_dict(), state,
                   hint="The model you were given did not change: train it, with an optimizer "
                        "over model.parameters() (not a new model's), optimizer.step() after "
                        "loss.backward(), and no zero_grad() between the two.")
    expect(isinstance(losses, (list, tuple)), f"{epochs} losses, one per epoch", describe(losses),
           "Return the list of per-epoch losses (loss.item()).")
    expect_equal(len(losses), epochs, hint="Record one loss per epoch (loss.item()).",
                 mistakes=lambda: off_by_one(epochs, "loss"))
    expect(not any(isinstance(loss, torch.Tensor) and loss.requires_grad for loss in losses),
           "losses as numbers (loss.item())", describe(losses),
           "Record loss.item(), a plain number: a stored loss tensor keeps its whole graph.",
           mistake="stored loss tensors, not loss.item()")
    def retrained_with_another_lr():
        model.call("load_state_dict", state)
        expect_uses(losses, student.call("train_with_optimizer", model, x, y, 2 * lr, epochs),
                    "lr", "Give lr to the optimizer (torch.optim.SGD(model.parameters(), "
                          "lr=lr)): the losses do not change with it.", mistake=LR_NOT_USED)

    expect_close(losses, expected, rtol=1e-3, hint="Per epoch: zero_grad, forward, MSE, "
                                                   "backward, step.",
                 mistakes=lambda: _optimizer_mistakes(state, x, y, lr, epochs),
                 otherwise=retrained_with_another_lr)
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
    untrained = _squeezed_mse(_reference_model(state), x, y)
    expect_close(losses[0], untrained.detach(), rtol=1e-3,
                 hint="Record each epoch's loss before its update: the first is the loss of "
                      "the model you were given.",
                 mistakes=lambda: [
                     Suspect(_replayed_losses(state, x, y, 0.05, 1, loss_of=_broadcast_mse)[0],
                             "output (N, 1) broadcast against y (N,)", BROADCAST_HINT),
                     Suspect(_replayed_losses(state, x, y, 0.05, 2)[1],
                             "each loss recorded after its update",
                             "Record the loss computed before the epoch's step.")])
    expect(losses[-1] < losses[0], "the last loss below the first", describe(losses),
           "Make sure optimizer.step() runs every epoch and lr is passed to SGD.")
