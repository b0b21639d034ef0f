"""Grade many one-mistake variants of an assignment in one sandboxed kernel.

The kernel runs the source notebook's ``setup`` cell and every reference solution; then, for
each typical mistake, it runs the mistake's cell, grades only that exercise and runs the
reference cell again, so every other exercise stays correct while one is wrong.
"""
import nbformat

from autograder.example_class import exercise_of, solution_code
from autograder.grader_runner import run_graders
from autograder.report import render_exercise
from autograder.sandbox.kernel import SandboxKernel
from autograder.sandbox.limits import Limits


def reference_cells(source):
    """{cell role: code}: the "setup" cell and each exercise's solution, in notebook order."""
    cells = {}
    for cell in source.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell.cell_type == "code" and grade_id == "setup":
            cells["setup"] = cell.source
        elif exercise_of(cell):
            cells[exercise_of(cell)] = solution_code(cell)
    return cells


def grade_mistakes(source, mistakes, limits=Limits()):
    """[(mistake, ExerciseReport, feedback text)] for every mistake, graded out of 1 point."""
    reference = reference_cells(source)
    notebook = nbformat.v4.new_notebook()
    kernel = SandboxKernel(limits)

    def run(code):
        notebook.cells.append(nbformat.v4.new_code_cell(code))
        return kernel.run_cell(notebook, len(notebook.cells) - 1)

    results = []
    try:
        kernel.start()
        for code in reference.values():
            run(code)
        for mistake in mistakes:
            run(mistake.code)
            exercise = run_graders(kernel, limits, {mistake.exercise: 1.0})[mistake.exercise]
            results.append((mistake, exercise, render_exercise(exercise)))
            run(reference[mistake.exercise])
    finally:
        kernel.shutdown()
    return results
