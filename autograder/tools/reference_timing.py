"""Measure what each assignment's reference notebook and its correct variants use in the
sandbox, and store the limits fitted to the slowest of them.

    python -m autograder.tools.reference_timing [ASSIGNMENT ...]

Every style of solution the text allows must fit the limits with room to spare, so besides the
reference notebook this grades the notebooks that hold every correct variant of
``tests/correct_variants`` (``example_class.variant_rounds``), and keeps, for each cell, call
and exercise, the most CPU time any of them used. How a limit follows from these figures, and
where the limits are stored: ``fitted_limits``.
"""
import contextlib
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import nbformat

from ..course import assignment_topic, restore_grade_cells
from ..fitted_limits import STORE, fit
from ..nbgrader_cli import REPO, assignments_in
from ..pipeline import grade_notebook
from ..sandbox.kernel import SandboxKernel
from ..sandbox.limits import Limits, grade_id_of
from ..student import StudentCode
from .example_class import filled_notebook, solution_code, variant_rounds

VARIANTS_FOLDER = REPO / "tests"  # tests/correct_variants, the corpus of correct styles


@contextlib.contextmanager
def _after(cls, method, record):
    """Call ``record(instance, arguments, result)`` after every call of ``cls.method`` (result
    None when it raised)."""
    real = getattr(cls, method)

    def recorded(self, *args, **kwargs):
        result = None
        try:
            result = real(self, *args, **kwargs)
            return result
        finally:
            record(self, args, result)

    setattr(cls, method, recorded)
    try:
        yield
    finally:
        setattr(cls, method, real)


class Timings:
    """The most CPU time (seconds) any graded notebook used per cell (by grade_id), per call
    and per exercise (by exercise), and per notebook; ``fitted_limits.fit`` reads them."""

    def __init__(self):
        self.cells, self.calls, self.exercises = {}, {}, {}
        self.notebook = 0.0

    def as_dict(self):
        return {"cells": self.cells, "calls": self.calls, "exercises": self.exercises,
                "notebook": self.notebook}

    def merge(self, other):
        """Keep the larger figure of ``self`` and ``other`` (a Timings) everywhere."""
        for mine, theirs in ((self.cells, other.cells), (self.calls, other.calls),
                             (self.exercises, other.exercises)):
            for key, seconds in theirs.items():
                mine[key] = max(mine.get(key, 0.0), seconds)
        self.notebook = max(self.notebook, other.notebook)

    def grade(self, notebook, name, files_dir, assignment):
        """Grade ``notebook`` under the default limits, recording what it used; its report."""
        exercises, notebook_cpu = defaultdict(float), [0.0]

        def cell_ran(kernel, args, run):
            grade_id = grade_id_of(args[0].cells[args[1]])
            if run is not None:
                notebook_cpu[0] += run.used.cpu
                if grade_id:
                    self.cells[grade_id] = max(self.cells.get(grade_id, 0.0), run.used.cpu)

        def call_made(student, args, result):
            cpu = student.kernel.used.cpu
            self.calls[student.exercise] = max(self.calls.get(student.exercise, 0.0), cpu)
            exercises[student.exercise] += cpu

        with _after(SandboxKernel, "run_cell", cell_ran), _after(StudentCode, "_send", call_made):
            report = grade_notebook(notebook, name, files_dir, Limits(), assignment=assignment)
        for exercise, cpu in exercises.items():
            self.exercises[exercise] = max(self.exercises.get(exercise, 0.0), cpu)
        self.notebook = max(self.notebook, notebook_cpu[0])
        return report


def correct_variants(assignment):
    """The correct variants of ``assignment`` from ``tests/correct_variants`` ([] if none)."""
    if str(VARIANTS_FOLDER) not in sys.path:
        sys.path.insert(0, str(VARIANTS_FOLDER))
    from correct_variants import variants_of

    try:
        return variants_of(assignment)
    except ModuleNotFoundError:
        return []


def graded_notebooks(course, assignment):
    """(source notebook path, [(name, notebook)]): the reference of ``assignment``, then the
    notebooks of its correct variants, each with the hidden tests back in (as nbgrader
    autograde has them)."""
    source_path = next((course / "source" / assignment).glob("*.ipynb"))
    source = nbformat.read(source_path, as_version=4)
    release = nbformat.read(course / "release" / assignment / source_path.name, as_version=4)
    reference = filled_notebook(release, source, lambda exercise, cell: solution_code(cell))
    rounds = variant_rounds(release, source, correct_variants(assignment))
    named = [("reference", reference)] + [(f"variants {k + 1}", notebook)
                                          for k, notebook in enumerate(rounds)]
    return source_path, [(name, restore_grade_cells(notebook, source))
                         for name, notebook in named]


def time_assignment(course, assignment):
    """Grade the reference and the variants of ``assignment``; returns (Timings of the
    reference, Timings of the slowest of all, [(name, report)])."""
    reference, slowest, reports = None, Timings(), []
    source_path, notebooks = graded_notebooks(course, assignment)
    for name, notebook in notebooks:
        timings = Timings()
        reports.append((name, timings.grade(notebook, assignment, source_path.parent,
                                            assignment)))
        reference = reference or timings
        slowest.merge(timings)
    return reference, slowest, reports


def main(argv=None):
    assignments = (argv if argv is not None else sys.argv[1:]) or [
        name for name in assignments_in(REPO) if assignment_topic(name)]
    fitted = json.loads(STORE.read_text()) if STORE.exists() else {}
    for assignment in assignments:
        reference, timings, reports = time_assignment(REPO, assignment)
        short = [f"{name} {report.points:g}/{report.points_possible:g}"
                 for name, report in reports if report.points != report.points_possible]
        if short:
            print(f"{assignment}: not every correct notebook earned full marks ({', '.join(short)});"
                  f" limits not changed", file=sys.stderr)
            continue
        fitted[assignment] = fit(timings.as_dict(), reference.as_dict())
        print(f"{assignment}: {len(reports)} notebooks, CPU time at most {timings.notebook:.1f} s "
              f"per notebook, {max(timings.cells.values()):.2f} s per cell, "
              f"{max(timings.calls.values(), default=0):.2f} s per call -> "
              + json.dumps({name: value for name, value in fitted[assignment].items()
                            if not name.endswith(("_by_id", "reference_seconds"))}))
    with tempfile.NamedTemporaryFile("w", dir=STORE.parent, delete=False) as partial:
        json.dump(fitted, partial, indent=1, sort_keys=True)
        partial.write("\n")
    Path(partial.name).replace(STORE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
