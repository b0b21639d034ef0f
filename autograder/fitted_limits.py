"""Time limits that fit each assignment, measured on its reference notebook
(``autograder.tools.reference_timing`` measures; this module fits and reads the stored limits).

The defaults of ``Limits`` must fit the slowest assignment, so for a quick one a hanging
function waits out minutes: in every self-check and demo cell that calls it, and in every
grader call. Here the reference notebook of each assignment is graded once in the sandbox,
timing every cell, every call into the student's code and every exercise, and each limit is
set to a multiple of what the reference needed, never below a floor (a slower laptop or a
slower honest solution still passes) and never above the default. A cell's own limit is
keyed by its nbgrader ``grade_id``.

``make release`` refits them (``python -m autograder.tools.reference_timing``; run it on a quiet
machine, as a loaded one fits looser limits) and ``autograder/graders/limits.json`` ships them,
beside the graders and outside ``source/`` (nbgrader would copy anything there into the
release); ``nbgrader_config.py`` overrides them (``c.SandboxedGrading.assignment_limits``).
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
    multiple, floor = rule  # whole seconds: nbclient takes a cell's timeout as an integer
    return float(math.ceil(min(ceiling, max(floor, multiple * seconds))))


def fit(timings):
    """Limits ({name: value}) from the reference's ``timings``: {"cells": {grade_id: s},
    "calls": [s], "exercises": [s], "notebook": s}."""
    default = Limits()
    cells = {grade_id: _fit(seconds, CELL, default.cell_seconds)
             for grade_id, seconds in timings["cells"].items()}
    return {"cell_seconds": max(cells.values(), default=CELL[1]),
            "cell_seconds_by_id": sorted(cells.items()),
            "call_seconds": _fit(max(timings["calls"], default=0.0), CALL, default.call_seconds),
            "exercise_seconds": _fit(max(timings["exercises"], default=0.0), EXERCISE,
                                     default.exercise_seconds),
            "notebook_seconds": _fit(timings["notebook"], NOTEBOOK, default.notebook_seconds)}
