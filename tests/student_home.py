"""A student's machine for the tests: commands run in a home of their own, with the student
venv's programs first on PATH and nothing of the course's environment; and a notebook as a
student who did everything right hands it in."""
import os
import subprocess
from pathlib import Path

import nbformat

from autograder.tools.example_class import solution_code

REPO = Path(__file__).resolve().parents[1]


def student_environment(venv, home):
    return {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
            "MPLBACKEND": "Agg", "TMPDIR": os.environ.get("TMPDIR", "/tmp")}


def run_as_student(venv, home, *command, cwd=None, timeout=900):
    """Run ``command`` (a program of the venv, e.g. "nbgrader") in the student's home."""
    return subprocess.run([str(venv / "bin" / command[0]), *command[1:]], cwd=cwd or home,
                          env=student_environment(venv, home), capture_output=True, text=True,
                          timeout=timeout)


def filled(release_path):
    """The release notebook with every solution cell as the instructor's source has it."""
    source = nbformat.read(REPO / "source" / release_path.relative_to(REPO / "release"),
                           as_version=4)
    answers = {cell.metadata.nbgrader["grade_id"]: solution_code(cell) for cell in source.cells
               if cell.get("metadata", {}).get("nbgrader", {}).get("solution")}
    notebook = nbformat.read(release_path, as_version=4)
    for cell in notebook.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in answers:
            cell.source = answers[grade_id]
    return notebook
