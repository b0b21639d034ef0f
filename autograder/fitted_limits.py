"""Time limits that fit each assignment, measured on its reference notebook.

    python -m autograder.fitted_limits [ASSIGNMENT ...]   time the references, store the limits

The defaults of ``Limits`` must fit the slowest assignment, so for a quick one a hanging
function waits out minutes: in every self-check and demo cell that calls it, and in every
grader call. Here the reference notebook of each assignment is graded once in the sandbox,
timing every cell, every call into the student's code and every exercise, and each limit is
set to a multiple of what the reference needed, never below a floor (a slower laptop or a
slower honest solution still passes) and never above the default. A cell's own limit is keyed by its nbgrader ``grade_id``.

Unfinished: not run by ``make release``, and no limits file is shipped yet (fitted on a loaded
machine, the limits changed timing-sensitive outcomes of the adversarial suite); an instructor
may run it. The limits are stored in ``autograder/graders/limits.json``, beside the graders and
outside ``source/`` (nbgrader would copy anything there into the release);
``nbgrader_config.py`` overrides them as before (``c.SandboxedGrading.assignment_limits``).
"""
import contextlib
import json
import math
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from .sandbox.limits import Limits

STORE = Path(__file__).with_name("graders") / "limits.json"
# (multiple of the reference's time, floor in seconds) of each limit
CELL = (10, 5.0)
CALL = (10, 10.0)
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


@contextlib.contextmanager
def _timed(cls, method, record):
    """Time every call of ``cls.method``: ``record(instance, arguments, seconds)``."""
    real = getattr(cls, method)

    def timed(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return real(self, *args, **kwargs)
        finally:
            record(self, args, time.perf_counter() - start)

    setattr(cls, method, timed)
    try:
        yield
    finally:
        setattr(cls, method, real)


def time_reference(course, assignment):
    """Grade the reference of ``assignment`` in the sandbox under the default limits; returns
    its timings (see ``fit``) and its report."""
    import nbformat

    from .course import restore_grade_cells
    from .example_class import filled_notebook, solution_code
    from .pipeline import grade_notebook
    from .sandbox.kernel import SandboxKernel
    from .student import StudentCode

    source_path = next((course / "source" / assignment).glob("*.ipynb"))
    source = nbformat.read(source_path, as_version=4)
    release = nbformat.read(course / "release" / assignment / source_path.name, as_version=4)
    notebook = restore_grade_cells(  # as nbgrader autograde does: hidden tests back in
        filled_notebook(release, source, lambda exercise, cell: solution_code(cell)), source)
    cells, calls, exercises = {}, [], defaultdict(float)

    def cell_ran(kernel, args, seconds):
        grade_id = args[0].cells[args[1]].metadata.get("nbgrader", {}).get("grade_id")
        if grade_id:
            cells[grade_id] = seconds

    def call_made(student, args, seconds):
        calls.append(seconds)
        exercises[id(student)] += seconds

    start = time.perf_counter()
    with _timed(SandboxKernel, "run_cell", cell_ran), _timed(StudentCode, "_send", call_made):
        report = grade_notebook(notebook, assignment, source_path.parent, Limits(),
                                assignment=assignment)
    timings = {"cells": cells, "calls": calls, "exercises": list(exercises.values()),
               "notebook": time.perf_counter() - start}
    return timings, report


def main(argv=None):
    from .nbgrader_cli import REPO, assignments_in

    assignments = (argv if argv is not None else sys.argv[1:]) or [
        name for name in assignments_in(REPO) if not name.startswith("quiz_")]
    fitted = json.loads(STORE.read_text()) if STORE.exists() else {}
    for assignment in assignments:
        timings, report = time_reference(REPO, assignment)
        if report.points != report.points_possible:
            print(f"{assignment}: the reference scored {report.points:g} / "
                  f"{report.points_possible:g}; limits not changed", file=sys.stderr)
            continue
        fitted[assignment] = fit(timings)
        print(f"{assignment}: notebook {timings['notebook']:.1f} s, slowest cell "
              f"{max(timings['cells'].values()):.2f} s, slowest call "
              f"{max(timings['calls'], default=0):.2f} s -> {json.dumps({name: value for name, value in fitted[assignment].items() if name != 'cell_seconds_by_id'})}")
    with tempfile.NamedTemporaryFile("w", dir=STORE.parent, delete=False) as partial:
        json.dump(fitted, partial, indent=1, sort_keys=True)
        partial.write("\n")
    Path(partial.name).replace(STORE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
