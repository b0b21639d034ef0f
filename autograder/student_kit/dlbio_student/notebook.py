"""The helpers of the release notebooks' self-checks and grade cells, in the student's kernel.

A self-check calls the student's function through ``call_exercise``; the cell's outcome (ran to
the end, or stopped with which error) is remembered for that exercise. The visible line of each
grade cell, ``assert_self_check_passed("predict")``, fails while that self-check has not passed,
so JupyterLab's Validate button (``nbgrader validate``) names every exercise that is not done.

These helpers only inform the student: grading never runs grade cells, and the hidden graders
score every exercise on their own.
"""
import inspect
import textwrap

NOT_WRITTEN = ("{name}() is not written yet: replace `raise NotImplementedError()` with your "
               "code.")

# exercise name -> "" (its self-check ran to the end) or why it did not
self_check_outcomes = {}
_called_in_this_cell = set()
_watching = []


def exercise_name(function):
    """The exercise a callable belongs to: a function's or class's own name, the class of a
    bound method or of a model instance (``tiny.__len__``, ``model`` -> "PromoterDataset")."""
    if inspect.ismethod(function):
        return type(function.__self__).__name__
    return getattr(function, "__name__", type(function).__name__)


def call_exercise(function, *args):
    """Call one of your functions; if it is still the stub, say so instead of a long error."""
    name = exercise_name(function)
    _watch_cells()
    _called_in_this_cell.add(name)
    try:
        return function(*args)
    except NotImplementedError:
        shown = getattr(function, "__name__", f"{type(function).__name__}.forward")
        raise AssertionError(NOT_WRITTEN.format(name=shown)) from None


def _watch_cells():
    """Remember, after each cell, the outcome for the exercises it called (IPython only)."""
    if _watching:
        return
    try:
        shell = get_ipython()  # noqa: F821 (defined in IPython kernels)
    except NameError:
        return
    shell.events.register("post_run_cell", _record_cell)
    _watching.append(shell)


def _record_cell(result):
    error = result.error_before_exec or result.error_in_exec
    outcome = "" if error is None else describe_error(error)
    for name in _called_in_this_cell:
        self_check_outcomes[name] = outcome
    _called_in_this_cell.clear()


def describe_error(error):
    """An assertion's own message; any other error with its type first."""
    message = str(error).strip()
    if isinstance(error, AssertionError):
        return message or "an assertion failed"
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def assert_self_check_passed(exercise):
    """Raise AssertionError saying why ``exercise`` is not done, unless its self-check passed.

    The message is in short lines: Validate shows each line of an error cut at 90 characters.
    """
    if exercise not in self_check_outcomes:
        raise AssertionError(f"{exercise} is not done: its self-check has not run.\n"
                             "Run the notebook from the top (Kernel > Restart and Run All).")
    outcome = self_check_outcomes[exercise]
    if outcome:
        raise AssertionError(f"{exercise} is not done; its self-check stopped with:\n"
                             + textwrap.fill(outcome, 72, initial_indent="  ",
                                             subsequent_indent="  "))


def assert_defined(name, kind=object):
    """Raise AssertionError unless the notebook defines ``name`` (an instance of ``kind``)."""
    try:
        value = get_ipython().user_ns[name]  # noqa: F821 (defined in IPython kernels)
    except KeyError:
        raise AssertionError(f"`{name}` is not defined: run the cell above that makes it, and "
                             "fix what stops it.") from None
    if not isinstance(value, kind):
        raise AssertionError(f"`{name}` should be a {kind.__name__}, not a "
                             f"{type(value).__name__}.")
