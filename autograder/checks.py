"""Comparisons that graders use: each failed one says what was expected, what came back, and why.

A grader check is a pytest test marked with ``@exercise("name")``. It calls the student's code
through ``student`` (plain data in and out), computes the expected value with ``solutions``,
and compares with the ``expect_*`` functions below. A failed comparison raises ``CheckFailed``,
which becomes a ``CheckResult`` with the hint that fits the mistake best.
"""
import math

import numpy as np
import pytest
import torch
from dlbio_student.report import Curves

from .student import Handle, StudentError

MOST_POINTS_DRAWN = 1000  # a longer curve from student code is cut to its first 1000 values


def exercise(name, weight=1.0):
    """Mark a grader test as one check of exercise ``name`` (worth ``weight`` of its points)."""
    return pytest.mark.exercise(name, weight=weight)


class CheckFailed(AssertionError):
    """A check that student code did not pass; the fields become the student's feedback.

    mistake: the typical mistake recognised, in a few words ("" when none was)."""

    def __init__(self, expected="", got="", hint="", mistake=""):
        super().__init__(f"expected {expected}, got {got}")
        self.expected = expected
        self.got = got
        self.hint = hint
        self.mistake = mistake


def describe(value, values=4):
    """A short description of a value: type, dtype, shape and its first few numbers."""
    if isinstance(value, Handle):
        return f"a {value.type_name.rsplit('.', 1)[-1]} object ({value.summary})"
    if isinstance(value, torch.Tensor):
        return (f"tensor of shape {tuple(value.shape)}, {str(value.dtype).replace('torch.', '')}"
                f"{_first_values(value.detach().reshape(-1).tolist(), values)}")
    if isinstance(value, np.ndarray):
        return (f"numpy array of shape {value.shape}, {value.dtype}"
                f"{_first_values(value.reshape(-1).tolist(), values)}")
    if isinstance(value, (list, tuple)):
        kind = type(value).__name__
        inner = ", ".join(describe(item, 2) if not _is_number(item) else _number(item)
                          for item in value[:values])
        more = ", ..." if len(value) > values else ""
        return f"{kind} of length {len(value)}: [{inner}{more}]"
    if _is_number(value):
        return f"{type(value).__name__} {_number(value)}"
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number(value):
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _first_values(numbers, count):
    if not numbers:
        return ""
    shown = ", ".join(_number(number) if _is_number(number) else str(number)
                      for number in numbers[:count])
    return f": [{shown}{', ...' if len(numbers) > count else ''}]"


def as_tensor(value, what="your result"):
    """``value`` as a float64 tensor for comparison, or CheckFailed if it is not numeric."""
    if isinstance(value, torch.Tensor):
        return value.detach().to(torch.float64)
    try:
        return torch.as_tensor(np.asarray(value, dtype=np.float64))
    except (TypeError, ValueError):
        raise CheckFailed(expected="numbers (a tensor, a float or a list of floats)",
                          got=describe(value), hint=f"{what} should be numeric.") from None


def expect_tensor(got, shape=None, dtype=None, hint=""):
    """A torch tensor, with ``shape`` (a tuple) and ``dtype`` (a torch.dtype) when given."""
    if not isinstance(got, torch.Tensor):
        raise CheckFailed(expected=f"a torch tensor{f' of shape {shape}' if shape else ''}",
                          got=describe(got),
                          hint=hint or "Return a torch tensor (build it with torch operations).")
    if shape is not None and tuple(got.shape) != tuple(shape):
        raise CheckFailed(expected=f"a tensor of shape {tuple(shape)}", got=describe(got),
                          hint=hint or "Check which dimensions your result should have.")
    if dtype is not None and got.dtype != dtype:
        raise CheckFailed(expected=f"dtype {str(dtype).replace('torch.', '')}", got=describe(got),
                          hint=hint or f"Convert with .to({dtype}).")


def expect_one_per_sequence(got, n):
    """A model's output for a batch of ``n`` sequences is a tensor of shape (n,): one
    probability per sequence, as the labels y are (not (n, 1), nor 0-d when n = 1)."""
    if isinstance(got, torch.Tensor) and tuple(got.shape) == (n, 1):
        raise CheckFailed(expected=f"a tensor of shape ({n},)", got=describe(got),
                          hint="Your output is (N, 1): squeeze the last dimension (.squeeze(1)) "
                               "to return one probability per sequence, shape (N,), like the "
                               "labels y.")
    if n == 1 and isinstance(got, torch.Tensor) and got.dim() == 0:
        raise CheckFailed(expected="a tensor of shape (1,)", got=describe(got),
                          hint=".squeeze() without a dimension also removes the batch dimension "
                               "when N = 1: squeeze only the last one (.squeeze(1)).")
    expect_tensor(got, shape=(n,), hint="Return one probability per sequence, shape (N,).")


def is_close(got, expected, rtol=1e-4, atol=1e-5):
    """True when two numeric values have the same shape and all entries agree within tolerance."""
    try:
        got_tensor, expected_tensor = as_tensor(got), as_tensor(expected)
    except CheckFailed:
        return False
    if got_tensor.shape != expected_tensor.shape:
        return False
    return bool(torch.allclose(got_tensor, expected_tensor, rtol=rtol, atol=atol, equal_nan=False))


def expect_close(got, expected, hint, rtol=1e-4, atol=1e-5, mistakes=()):
    """``got`` equals ``expected`` within tolerance, in shape and values.

    mistakes: pairs ``(value, hint)``: what a typical wrong implementation would return on the
    same input, and the hint that names that mistake. The first one that matches ``got`` wins.
    """
    if is_close(got, expected, rtol, atol):
        return
    for mistaken_value, mistake_hint in mistakes:
        if is_close(got, mistaken_value, rtol, atol):
            raise CheckFailed(expected=describe(expected), got=describe(got), hint=mistake_hint,
                              mistake=mistake_hint)
    got_tensor = as_tensor(got)
    expected_shape = tuple(as_tensor(expected).shape)
    if tuple(got_tensor.shape) != expected_shape:
        raise CheckFailed(expected=describe(expected), got=describe(got),
                          hint=f"The shape should be {expected_shape}. {hint}".strip())
    if not bool(torch.isfinite(got_tensor).all()):
        raise CheckFailed(expected=describe(expected), got=describe(got),
                          hint=f"Your result contains nan or inf. {hint}".strip())
    raise CheckFailed(expected=describe(expected), got=describe(got), hint=hint)


def expect_equal(got, expected, hint, mistakes=()):
    """Exact equality for ints, strings, tuples (``mistakes`` as in ``expect_close``)."""
    if _equal(got, expected):
        return
    for mistaken_value, mistake_hint in mistakes:
        if _equal(got, mistaken_value):
            raise CheckFailed(expected=describe(expected), got=describe(got), hint=mistake_hint,
                              mistake=mistake_hint)
    raise CheckFailed(expected=describe(expected), got=describe(got), hint=hint)


def _equal(got, expected):
    if isinstance(expected, torch.Tensor):
        return (isinstance(got, torch.Tensor) and got.shape == expected.shape
                and got.dtype == expected.dtype and bool(torch.equal(got, expected)))
    if isinstance(expected, float) and _is_number(got):
        return math.isclose(got, expected, rel_tol=1e-9)
    return type(got) is type(expected) and got == expected or (
        _is_number(got) and _is_number(expected) and got == expected)


def expect(condition, expected, got, hint):
    """A behaviour check judged on the trusted side: ``condition`` must hold."""
    if not condition:
        raise CheckFailed(expected=expected, got=got, hint=hint)


def expect_raises(student, name, args, exception_type, hint, message_contains=(),
                  wrong_type_hint=None, no_error_hint=None):
    """Calling student ``name(*args)`` raises ``exception_type`` whose message names each of
    ``message_contains``; returns the student's own message (without our "calling your code
    raised X:" prefix), for checks of what it says. wrong_type_hint, no_error_hint: the hints
    when another exception or none is raised (default: ``hint``); "{raised}" in
    ``wrong_type_hint`` becomes the name of the exception raised."""
    try:
        result = student.call(name, *args)
    except StudentError as error:
        if error.kind != "exception":
            raise
        if error.exception_type != exception_type:
            raise CheckFailed(expected=f"a {exception_type}", got=error.message,
                              hint=(wrong_type_hint or hint).replace(
                                  "{raised}", error.exception_type)) from None
        missing = [text for text in message_contains if str(text) not in error.message]
        if missing:
            raise CheckFailed(expected=f"a {exception_type} whose message mentions "
                                       f"{', '.join(map(str, message_contains))}",
                              got=error.message, hint=hint) from None
        return error.message.split(": ", 1)[-1]
    raise CheckFailed(expected=f"a {exception_type}", got=f"no error; returned {describe(result)}",
                      hint=no_error_hint or hint)


def call_explained(function, *args, hints, **kwargs):
    """``function(*args, **kwargs)``, a call into student code (``student.call``,
    ``student.call_keep``, a model's Handle); an exception whose message contains a phrase of
    ``hints`` ({phrase: hint}) fails the check with that hint, as ``explain_error`` does."""
    try:
        return function(*args, **kwargs)
    except StudentError as error:
        explain_error(error, hints)


def explain_error(error, hints):
    """Turn a StudentError whose message contains a known phrase into a CheckFailed with the
    hint for it (``hints``: {phrase: hint}); other errors are raised unchanged."""
    for phrase, hint in hints.items():
        if error.kind == "exception" and phrase in error.message:
            raise CheckFailed(expected="no error", got=error.message, hint=hint) from None
    raise error


def show_curves(figures, title, yours, reference, ylabel="loss"):
    """Draw the student's curves beside the reference's in the feedback: append a ``Curves`` to
    ``figures`` (the check's ``figures`` fixture). yours, reference: {curve name: values per
    epoch}; a curve of the student's that is not a list of numbers is left out, and nothing is
    drawn when none is left. Call it before the comparisons, so a failed check draws too."""
    drawable = {name: curve for name, curve in
                ((name, _curve(values)) for name, values in yours.items()) if curve is not None}
    if drawable:
        figures.append(Curves(title, drawable, {name: _curve(values)
                                                for name, values in reference.items()},
                              ylabel=ylabel))


def _curve(values):
    """``values`` (a list of numbers or one-element tensors) as a list of floats, nan where one
    is not finite; None when it is not such a list."""
    if not isinstance(values, (list, tuple)) or not values:
        return None
    curve = []
    for value in values[:MOST_POINTS_DRAWN]:
        if isinstance(value, torch.Tensor) and value.numel() == 1:
            value = value.item()
        if isinstance(value, np.generic):
            value = value.item()
        if not _is_number(value):
            return None
        curve.append(float(value) if math.isfinite(value) else math.nan)
    return curve
