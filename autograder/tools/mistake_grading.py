"""Grade many one-exercise variants of an assignment (typical mistakes, correct alternatives)
in one sandboxed kernel.

The kernel runs the reference notebook (every code cell of the source notebook but the grade
cells, with the solutions filled in). Then the variants are graded in rounds: a round runs the
cells of several variants of exercises that do not use one another, grades those exercises in
one pass of the graders, and runs their reference cells again. So each variant is judged with
every other exercise correct (and objects the notebook trained still trained), at the cost of
one grading pass per round instead of one per variant. The project's tests and the diagnosis
benchmark grade their variants this way.
"""
import re
from dataclasses import dataclass

import nbformat
from dlbio_student.report import render_exercise

from ..grader_runner import run_graders
from ..sandbox.kernel import SandboxKernel
from ..sandbox.limits import Limits
from .example_class import exercise_of, has_mistakes, solution_code


@dataclass(frozen=True)
class Graded:
    """One variant's grading: its ExerciseReport, the feedback text, and how the visible
    self-check of its exercise ended: "" when it ran to the end, else its error (None: not
    run)."""

    variant: object
    report: object
    feedback: str
    self_check: str | None = None


def catalogued_notebooks(course):
    """The source notebooks (Paths) under ``course`` whose assignment has a mistakes catalogue."""
    return [path for path in sorted(course.glob("source/*/*.ipynb"))
            if has_mistakes(path.parent.name)]


def reference_notebook(source):
    """(code of every non-grade code cell in order, {exercise: its reference solution code},
    {exercise: its self-check cell's code})."""
    cells = [cell for cell in source.cells if cell.cell_type == "code"
             and not cell.get("metadata", {}).get("nbgrader", {}).get("grade")]
    solutions = {exercise_of(cell): solution_code(cell) for cell in cells if exercise_of(cell)}
    self_checks = {}
    for cell in cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        if grade_id.endswith("_selfcheck"):
            self_checks[grade_id[:-len("_selfcheck")]] = cell.source
    return [solution_code(cell) for cell in cells], solutions, self_checks


def _uses(code, names):
    """The names among ``names`` that ``code`` mentions as a whole word."""
    return {name for name in names if re.search(rf"\b{re.escape(name)}\b", code)}


def _depends(solutions, self_checks):
    """{exercise: the other exercises it uses}, through its solution and its self-check, and
    through what those use in turn."""
    direct = {exercise: _uses(code + self_checks.get(exercise, ""), solutions) - {exercise}
              for exercise, code in solutions.items()}
    closure = {}
    for exercise in direct:
        seen, todo = set(), list(direct[exercise])
        while todo:
            other = todo.pop()
            if other not in seen:
                seen.add(other)
                todo += direct.get(other, ())
        closure[exercise] = seen
    return closure


def rounds(variants, solutions, self_checks):
    """``variants`` in rounds: each round has at most one variant of an exercise, and no two
    exercises of which one uses the other (so that one variant cannot change another's grade
    or self-check); a variant whose own code uses another exercise is kept apart from that
    exercise's variants too. The exercises with the most variants left go first, so the rounds
    are few."""
    depends = _depends(solutions, self_checks)
    pending, batches = list(variants), []
    while pending:
        batch, taken, used = [], set(), set()
        left = {}  # exercise -> variants still to grade: the exercises with most go first
        for variant in pending:
            left[variant.exercise] = left.get(variant.exercise, 0) + 1
        for variant in sorted(pending, key=lambda variant: -left[variant.exercise]):
            uses = depends.get(variant.exercise, set()) | (
                _uses(variant.code, solutions) - {variant.exercise})
            if variant.exercise in taken | used or uses & taken:
                continue
            batch.append(variant)
            taken.add(variant.exercise)
            used |= uses
        batches.append(batch)
        pending = [variant for variant in pending if all(variant is not other for other in batch)]
    return batches


def grade_variants(source, variants, assignment, limits=Limits(), self_checks=False):
    """({exercise: ExerciseReport} of the reference, [Graded] of every variant in order), each
    exercise graded out of 1 point by ``assignment``'s graders. variants: objects with
    ``exercise`` and ``code`` (the whole cell), such as catalogue mistakes or correct variants;
    self_checks: also run each variant's visible self-check cell and record whether it
    passed."""
    cells, reference, checks = reference_notebook(source)
    notebook = nbformat.v4.new_notebook()
    kernel = SandboxKernel(limits)

    def run(code):
        notebook.cells.append(nbformat.v4.new_code_cell(code))
        return kernel.run_cell(notebook, len(notebook.cells) - 1)

    graded = {}
    try:
        kernel.start()
        for code in cells:
            run(code)
        baseline = run_graders(kernel, limits, {exercise: 1.0 for exercise in reference},
                               assignment)
        for batch in rounds(variants, reference, checks):
            ended = {}
            for variant in batch:
                run(variant.code)
            if self_checks:
                for variant in batch:
                    ended[id(variant)] = run(checks[variant.exercise]).message
            reports = run_graders(kernel, limits, {variant.exercise: 1.0 for variant in batch},
                                  assignment)
            for variant in batch:
                report = reports[variant.exercise]
                graded[id(variant)] = Graded(variant, report, render_exercise(report),
                                             ended.get(id(variant)))
            for variant in batch:
                run(reference[variant.exercise])
    finally:
        kernel.shutdown()
    return baseline, [graded[id(variant)] for variant in variants]
