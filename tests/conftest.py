"""Shared fixtures: grade code snippets through the real sandbox, and a real nbgrader course."""
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.pipeline import grade_notebook
from autograder.sandbox.limits import Limits

REPO = Path(__file__).resolve().parents[1]
NBGRADER = [sys.executable, "-m", "nbgrader"]


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


def run_nbgrader(course, *args, check=True):
    """Run the real nbgrader command line in ``course``; returns the CompletedProcess."""
    result = subprocess.run([*NBGRADER, *args], cwd=course, capture_output=True, text=True,
                            timeout=1200)
    if check and result.returncode != 0:
        raise AssertionError(f"nbgrader {' '.join(args)} failed:\n{result.stdout}\n"
                             f"{result.stderr[-4000:]}")
    return result


def make_course(destination, assignments):
    """A fresh nbgrader course folder with the repo's config and ``assignments`` generated."""
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "nbgrader_config.py", destination)
    for assignment in assignments:
        shutil.copytree(REPO / "source" / assignment, destination / "source" / assignment,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        run_nbgrader(destination, "generate_assignment", assignment, "--force")
    return destination
