"""Time limits that fit each assignment, measured on its reference notebook and on notebooks
of its correct variants (``autograder.tools.reference_timing`` measures; this module fits and
reads the stored limits).

The defaults of ``Limits`` must fit the slowest assignment, so for a quick one a hanging
function waits out minutes: in every self-check and demo cell that calls it, and in every
grader call. Here the reference notebook of each assignment, and notebooks holding every
correct variant of ``tests/correct_variants``, are graded once in the sandbox, counting the CPU
time of every cell, every call into the student's code and every exercise, and each limit is
set to a multiple of the most that any of them needed, never below a floor and never above the
default. A cell's own limit is keyed by its nbgrader ``grade_id``. CPU time, unlike wall time,
is what the code needs on an idle and on a busy machine alike (``sandbox/usage.py``), so a
limit fitted on one machine holds on another. What the reference alone needs is stored too
(``reference_seconds``): the feedback of a student who hits a limit says it.

``make release`` refits them (``python -m autograder.tools.reference_timing``) and
``autograder/graders/limits.json`` ships them, beside the graders and outside ``source/``
(nbgrader would copy anything there into the release); ``nbgrader_config.py`` overrides them
(``c.SandboxedGrading.assignment_limits``).
"""
import json
import math
from pathlib import Path

from .sandbox.limits import Limits

STORE = Path(__file__).with_name("graders") / "limits.json"
# (multiple of the reference's time, floor in seconds) of each limit
CELL = (10, 3.0)
CALL = (10, 5.0)
EXERCISE = (5, 20.0)
NOTEBOOK = (4, 120.0)


def stored(assignment, store=STORE):
    """The fitted limits of ``assignment`` ({limit name: value}), or {} if none are stored."""
    try:
        return json.loads(store.read_text()).get(assignment, {})
    except (FileNotFoundError, ValueError):
        return {}


def limits_for(assignment, overrides=None, store=STORE):
    """The ``Limits`` of ``assignment``: the defaults, then its fitted limits, then
    ``overrides`` ({name: value}, from ``nbgrader_config.py``)."""
    overrides = dict(overrides or {})
    if "cell_seconds" in overrides:  # the instructor's word holds for every cell
        overrides.setdefault("cell_seconds_by_id", ())
    return Limits().with_overrides(stored(assignment, store)).with_overrides(overrides)


def _fit(seconds, rule, ceiling):
    """``seconds`` times the rule's multiple, at least its floor, at most ``ceiling`` (the
    default limit, which fits every assignment)."""
    multiple, floor = rule  # whole seconds: the figures a student reads in feedback
    return float(math.ceil(min(ceiling, max(floor, multiple * seconds))))


def fit(timings, reference=None):
    """Limits ({name: value}) from ``timings``, the most CPU seconds any correct notebook used:
    {"cells": {grade_id: s}, "calls": {exercise: s} (one call), "exercises": {exercise: s}
    (all its calls), "notebook": s}; ``reference``: the same figures of the reference alone
    (default: ``timings``), stored as ``reference_seconds`` for feedback."""
    default = Limits()
    reference = reference or timings
    cells = {grade_id: _fit(seconds, CELL, default.cell_seconds)
             for grade_id, seconds in timings["cells"].items()}
    needs = [(f"cell:{grade_id}", round(seconds, 3))
             for grade_id, seconds in reference["cells"].items()]
    needs += [(f"call:{exercise}", round(seconds, 3))
              for exercise, seconds in reference["calls"].items()]
    return {"cell_seconds": max(cells.values(), default=CELL[1]),
            "cell_seconds_by_id": sorted(cells.items()),
            "call_seconds": _fit(max(timings["calls"].values(), default=0.0), CALL,
                                 default.call_seconds),
            "exercise_seconds": _fit(max(timings["exercises"].values(), default=0.0), EXERCISE,
                                     default.exercise_seconds),
            "notebook_seconds": _fit(timings["notebook"], NOTEBOOK, default.notebook_seconds),
            "reference_seconds": sorted(needs)}
