"""Grade many one-mistake variants of an assignment in one sandboxed kernel.

The kernel runs the reference notebook (every code cell of the source notebook but the grade
cells, with the solutions filled in); then, for each typical mistake, it runs the mistake's
cell, grades only that exercise and runs the reference cell again, so every other exercise
stays correct (and objects the notebook trained stay trained) while one is wrong.
"""
from pathlib import Path

import nbformat

from autograder.tools.example_class import exercise_of, has_mistakes, solution_code
from autograder.grader_runner import run_graders
from dlbio_student.report import render_exercise
from autograder.sandbox.kernel import SandboxKernel
from autograder.sandbox.limits import Limits

REPO = Path(__file__).resolve().parents[1]
CATALOGUED = [path for path in sorted(REPO.glob("source/*/*.ipynb"))
              if has_mistakes(path.parent.name)]  # the source notebooks with a mistakes catalogue


def reference_notebook(source):
    """(code of every non-grade code cell in order, {exercise: its reference solution code})."""
    cells = [cell for cell in source.cells if cell.cell_type == "code"
             and not cell.get("metadata", {}).get("nbgrader", {}).get("grade")]
    solutions = {exercise_of(cell): solution_code(cell) for cell in cells if exercise_of(cell)}
    return [solution_code(cell) for cell in cells], solutions


def grade_mistakes(source, mistakes, assignment, limits=Limits()):
    """({exercise: ExerciseReport} of the reference, [(mistake, ExerciseReport, feedback text)]
    for every mistake), each exercise graded out of 1 point by ``assignment``'s graders."""
    cells, reference = reference_notebook(source)
    notebook = nbformat.v4.new_notebook()
    kernel = SandboxKernel(limits)

    def run(code):
        notebook.cells.append(nbformat.v4.new_code_cell(code))
        return kernel.run_cell(notebook, len(notebook.cells) - 1)

    results = []
    try:
        kernel.start()
        for code in cells:
            run(code)
        baseline = run_graders(kernel, limits, {exercise: 1.0 for exercise in reference},
                               assignment)
        for mistake in mistakes:
            run(mistake.code)
            exercise = run_graders(kernel, limits, {mistake.exercise: 1.0},
                                   assignment)[mistake.exercise]
            results.append((mistake, exercise, render_exercise(exercise)))
            run(reference[mistake.exercise])
    finally:
        kernel.shutdown()
    return baseline, results
