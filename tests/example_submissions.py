"""Broken submissions a TA meets in a real class, built from the reference of assignment 01.

Each is (student, what the student did, how to write it into the course).
"""
import nbformat

from autograder.tools.example_class import filled_notebook, solution_code

ASSIGNMENT = "01_linear_regression"
NOTEBOOK = "linear_regression.ipynb"


def _reference(release, source, change=None):
    """The release filled with the reference; ``change(exercise, code)`` may alter a cell."""
    def code_for(exercise, cell):
        code = solution_code(cell)
        return change(exercise, code) if change else code
    return filled_notebook(release, source, code_for)


def _without_grade_cell(release, source, grade_id="grade_mse"):
    notebook = _reference(release, source)
    notebook.cells = [cell for cell in notebook.cells
                      if cell.metadata.get("nbgrader", {}).get("grade_id") != grade_id]
    return notebook


def _raising_in(exercise_name):
    def change(exercise, code):
        return f'raise RuntimeError("oops")\n{code}' if exercise == exercise_name else code
    return change


def _looping_in(exercise_name):
    def change(exercise, code):
        return f"{code}\nwhile True:\n    pass\n" if exercise == exercise_name else code
    return change


def broken_submissions(release, source):
    """{student: notebook text} for the malformed submissions (text, so invalid JSON fits)."""
    def text(notebook):
        return nbformat.writes(notebook)
    return {
        "dora_invalid_json": '{"cells": [ this is not JSON',
        "eli_deleted_grade_cell": text(_without_grade_cell(release, source)),
        "finn_exception": text(_reference(release, source, _raising_in("normalize"))),
        "gus_infinite_loop": text(_reference(release, source,
                                             _looping_in("gradient_descent_step"))),
    }


def write_broken_submissions(course):
    """Write the broken submissions into ``course``/submitted; returns their student names."""
    release = nbformat.read(course / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
    source = nbformat.read(course / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)
    students = broken_submissions(release, source)
    for student, content in students.items():
        target = course / "submitted" / student / ASSIGNMENT / NOTEBOOK
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
    return list(students)
