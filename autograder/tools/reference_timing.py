"""Time each assignment's reference notebook in the sandbox and store the limits fitted to it.

    python -m autograder.tools.reference_timing [ASSIGNMENT ...]

How a limit follows from the timings, and where the limits are stored: ``fitted_limits``.
"""
import contextlib
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import nbformat

from ..course import assignment_topic, restore_grade_cells
from ..fitted_limits import STORE, fit
from ..nbgrader_cli import REPO, assignments_in
from ..pipeline import grade_notebook
from ..sandbox.kernel import SandboxKernel
from ..sandbox.limits import Limits
from ..student import StudentCode
from .example_class import filled_notebook, solution_code


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
    assignments = (argv if argv is not None else sys.argv[1:]) or [
        name for name in assignments_in(REPO) if assignment_topic(name)]
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
