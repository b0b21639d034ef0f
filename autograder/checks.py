"""Comparisons that graders use: each failed one says what was expected, what came back, and why.

A grader check is a pytest test marked with ``@exercise("name")``. It calls the student's code
through ``student`` (plain data in and out), computes the expected value with ``solutions``,
and compares with the ``expect_*`` functions below. A failed comparison raises ``CheckFailed``,
which becomes a ``CheckResult`` with the hint that fits the mistake best: the typical mistakes
a comparison knows are ``Suspect`` values, declared with the families of ``diagnosis.py``.
"""
import math

import numpy as np
import pytest
import torch
from dlbio_student.report import Curves

from .diagnosis import Suspect
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
                          got=describe(value), hint=f"{what} should be numeric.",
                          mistake=f"returned a {type(value).__name__}, not numbers") from None


def expect_tensor(got, shape=None, dtype=None, hint="", mistake=""):
    """A torch tensor, with ``shape`` (a tuple) and ``dtype`` (a torch.dtype) when given;
    mistake: what a wrong shape means, when the caller knows it."""
    if not isinstance(got, torch.Tensor):
        raise CheckFailed(expected=f"a torch tensor{f' of shape {shape}' if shape else ''}",
                          got=describe(got),
                          hint=hint or "Return a torch tensor (build it with torch operations).",
                          mistake=f"returned a {type(got).__name__}, not a tensor")
    if shape is not None and tuple(got.shape) != tuple(shape):
        raise CheckFailed(expected=f"a tensor of shape {tuple(shape)}", got=describe(got),
                          hint=hint or "Check which dimensions your result should have.",
                          mistake=mistake)
    if dtype is not None and got.dtype != dtype:
        raise CheckFailed(expected=f"dtype {_dtype_name(dtype)}", got=describe(got),
                          hint=hint or f"Convert with .to({dtype}).",
                          mistake=f"dtype {_dtype_name(got.dtype)} instead of "
                                  f"{_dtype_name(dtype)}")


def _dtype_name(dtype):
    return str(dtype).replace("torch.", "")


def expect_one_per_sequence(got, n):
    """A model's output for a batch of ``n`` sequences is a tensor of shape (n,): one
    probability per sequence, as the labels y are (not (n, 1), nor 0-d when n = 1)."""
    if isinstance(got, torch.Tensor) and tuple(got.shape) == (n, 1):
        raise CheckFailed(expected=f"a tensor of shape ({n},)", got=describe(got),
                          hint="Your output is (N, 1): squeeze the last dimension (.squeeze(1)) "
                               "to return one probability per sequence, shape (N,), like the "
                               "labels y.", mistake="output of shape (N, 1), not (N,)")
    if n == 1 and isinstance(got, torch.Tensor) and got.dim() == 0:
        raise CheckFailed(expected="a tensor of shape (1,)", got=describe(got),
                          hint=".squeeze() without a dimension also removes the batch dimension "
                               "when N = 1: squeeze only the last one (.squeeze(1)).",
                          mistake="squeeze() dropped the batch dimension of one sequence")
    expect_tensor(got, shape=(n,), hint="Return one probability per sequence, shape (N,).")


def expect_updated(got, expected, before, hint, rtol=1e-4, atol=1e-5):
    """Every parameter that training should change did change: ``got``, ``expected`` and
    ``before`` are {name: tensor}, the student's parameters after training, the reference's,
    and both before it. Fails naming the parameters that stayed as they were (e.g. "bias not
    trained": the optimizer never got it); whether the changed ones are right is for
    ``expect_close``. hint: what to check when none changed."""
    stale = [name for name in expected if is_close(got.get(name), before[name], rtol, atol)
             and not is_close(expected[name], before[name], rtol, atol)]
    if not stale:
        return
    changed = [name for name in expected if name not in stale]
    if not changed:
        raise CheckFailed(expected="trained parameters", got="no parameter changed", hint=hint,
                          mistake="no parameter trained")
    raise CheckFailed(expected="every parameter trained",
                      got=f"{' and '.join(stale)} unchanged ({' and '.join(changed)} changed)",
                      hint=f"{' and '.join(stale)} did not change: give the optimizer every "
                           "parameter of the model (model.parameters()).",
                      mistake=f"{' and '.join(stale)} not trained")


def is_close(got, expected, rtol=1e-4, atol=1e-5):
    """True when two numeric values have the same shape and all entries agree within tolerance."""
    try:
        got_tensor, expected_tensor = as_tensor(got), as_tensor(expected)
    except CheckFailed:
        return False
    if got_tensor.shape != expected_tensor.shape:
        return False
    return bool(torch.allclose(got_tensor, expected_tensor, rtol=rtol, atol=atol, equal_nan=False))


def expect_close(got, expected, hint, rtol=1e-4, atol=1e-5, mistakes=(), otherwise=None):
    """``got`` equals ``expected`` within tolerance, in shape and values.

    mistakes: ``Suspect`` values (value, mistake, hint), or such triples: what typical wrong
    implementations return on the same input; or a function that returns them, called only when
    ``got`` is wrong (so right code never pays for replaying wrong ones). When ``got`` differs
    from ``expected``, the suspects it matches name the mistake (see ``diagnosis``).
    otherwise: a behaviour check run when no suspect explains a wrong ``got`` (it may call
    student code again, e.g. ``expect_uses``), before the general hint.
    """
    if is_close(got, expected, rtol, atol):
        return
    _raise_diagnosed(got, expected, mistakes, lambda a, b: is_close(a, b, rtol, atol))
    if otherwise is not None:
        otherwise()
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
    _raise_diagnosed(got, expected, mistakes, _equal)
    raise CheckFailed(expected=describe(expected), got=describe(got), hint=hint)


def _equal(got, expected):
    if isinstance(expected, torch.Tensor):
        return (isinstance(got, torch.Tensor) and got.shape == expected.shape
                and got.dtype == expected.dtype and bool(torch.equal(got, expected)))
    if isinstance(expected, float) and _is_number(got):
        return math.isclose(got, expected, rel_tol=1e-9)
    return type(got) is type(expected) and got == expected or (
        _is_number(got) and _is_number(expected) and got == expected)


MOST_NAMED = 3  # mistakes named at once: more than that says little


def diagnose(got, expected, mistakes, same):
    """The suspects among ``mistakes`` (or that it returns, when a function) that explain
    ``got``: ``same(got, value)`` holds and the value is not the expected one (a mistake that
    changes nothing on these inputs says nothing), one per mistake, in the order declared."""
    found = {}
    for suspect in map(lambda item: Suspect(*item), mistakes() if callable(mistakes) else mistakes):
        if (suspect.mistake not in found and same(got, suspect.value)
                and not same(expected, suspect.value)):
            found[suspect.mistake] = suspect
    return list(found.values())[:MOST_NAMED]


def _raise_diagnosed(got, expected, mistakes, same):
    """CheckFailed naming the mistakes that explain ``got``, each of them when several do."""
    found = diagnose(got, expected, mistakes, same)
    if not found:
        return
    hint = found[0].hint if len(found) == 1 else (
        f"{len(found)} mistakes give this result: "
        + " Or: ".join(suspect.hint for suspect in found))
    raise CheckFailed(expected=describe(expected), got=describe(got), hint=hint,
                      mistake=" or ".join(suspect.mistake for suspect in found))


def expect(condition, expected, got, hint, mistake=""):
    """A behaviour check judged on the trusted side: ``condition`` must hold; mistake: what it
    means when it does not, if that names a typical mistake."""
    if not condition:
        raise CheckFailed(expected=expected, got=got, hint=hint, mistake=mistake)


def expect_uses(got, again, what, hint, mistake):
    """A wrong result ``got`` that comes back unchanged (``again``) when ``what`` changes does
    not use ``what`` ("lr", "the sequences"): fail naming ``mistake``. Ask only after a wrong
    result, so that right code is never called twice."""
    expect(not is_close(again, got), f"a result that depends on {what}",
           f"the same result for another {what}", hint, mistake=mistake)


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
                                  "{raised}", error.exception_type),
                              mistake=f"raised {error.exception_type}, not {exception_type}"
                              ) from None
        missing = [text for text in message_contains if str(text) not in error.message]
        if missing:
            raise CheckFailed(expected=f"a {exception_type} whose message mentions "
                                       f"{', '.join(map(str, message_contains))}",
                              got=error.message, hint=hint,
                              mistake="the error message leaves out what went wrong") from None
        return error.message.split(": ", 1)[-1]
    raise CheckFailed(expected=f"a {exception_type}", got=f"no error; returned {describe(result)}",
                      hint=no_error_hint or hint, mistake=f"no {exception_type} raised")


def call_explained(function, *args, hints, **kwargs):
    """``function(*args, **kwargs)``, a call into student code (``student.call``,
    ``student.call_keep``, a model's Handle); an exception whose message contains a phrase of
    ``hints`` ({phrase: (mistake, hint)}) fails the check naming that mistake, as
    ``explain_error`` does."""
    try:
        return function(*args, **kwargs)
    except StudentError as error:
        explain_error(error, hints)


def explain_error(error, hints):
    """Turn a StudentError whose message contains a known phrase into a CheckFailed that names
    the mistake behind it (``hints``: {phrase: (mistake, hint)}); other errors are raised
    unchanged."""
    for phrase, (mistake, hint) in hints.items():
        if error.kind == "exception" and phrase in error.message:
            raise CheckFailed(expected="no error", got=error.message, hint=hint,
                              mistake=mistake) from None
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
