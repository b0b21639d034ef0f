"""Shared fixtures: grade code snippets through the real sandbox, and a real nbgrader course."""
from pathlib import Path

import nbformat
import pytest

from autograder.pipeline import grade_notebook
from autograder.sandbox.limits import Limits

REPO = Path(__file__).resolve().parents[1]


def grade_cell(exercise, points=1.0):
    """An nbgrader grade cell, exactly as the course's source notebooks write them."""
    cell = nbformat.v4.new_code_cell(
        f'# Hidden tests\n### BEGIN HIDDEN TESTS\ngrade("{exercise}")\n### END HIDDEN TESTS')
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                 "points": points, "grade_id": f"grade_{exercise}",
                                 "schema_version": 3}
    return cell


def grade_snippets(code_cells, exercises, limits=None):
    """Run ``code_cells`` in a sandboxed kernel and grade ``exercises`` ({name: points}).

    Returns (report, {exercise: ExerciseReport}).
    """
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(code) for code in code_cells]
        + [grade_cell(name, points) for name, points in exercises.items()])
    report = grade_notebook(notebook, "snippets", None, limits or Limits())
    return report, {exercise.exercise: exercise for exercise in report.exercises}
