"""A student's machine has only the student wheel (with torch, nbgrader and ipykernel): every
release notebook runs there. Untouched, no cell fails for want of a module or a file (the
stubs' NotImplementedError, and what follows from it, is expected); filled with the
instructor's solutions, no cell fails at all. The answer key is not importable."""
import json
import shutil
from pathlib import Path

import nbformat
import pytest

from student_home import filled, run_as_student

REPO = Path(__file__).resolve().parents[1]
RELEASE_NOTEBOOKS = sorted(REPO.glob("release/*/*.ipynb"))
MISSING = {"ModuleNotFoundError", "ImportError", "FileNotFoundError"}
RUN_NOTEBOOKS = """
import json, sys
import nbformat
from nbclient import NotebookClient
errors = {}
for path in sys.argv[1:]:
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=300, allow_errors=True, kernel_name="python3",
                   resources={"metadata": {"path": str(__import__("pathlib").Path(path).parent)}}
                   ).execute()
    errors[path] = [[index, output["ename"], output["evalue"][:300]]
                    for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"
                    for output in cell.outputs if output.output_type == "error"]
print(json.dumps(errors))
"""


@pytest.fixture(scope="module")
def errors_by_notebook(student_venv, tmp_path_factory):
    """{(assignment, "stub" | "filled"): [[cell index, error name, message], ...]}."""
    home = tmp_path_factory.mktemp("home")
    paths = {}
    for release_path in RELEASE_NOTEBOOKS:
        assignment = release_path.parent.name
        for version in ("stub", "filled"):
            folder = home / version / assignment
            folder.mkdir(parents=True)
            if version == "stub":
                shutil.copy(release_path, folder)
            else:
                nbformat.write(filled(release_path), str(folder / release_path.name))
            paths[str(folder / release_path.name)] = (assignment, version)
    run = run_as_student(student_venv, home, "python", "-c", RUN_NOTEBOOKS, *paths,
                         timeout=1800)
    assert run.returncode == 0, run.stderr[-3000:]
    return {paths[path]: errors for path, errors in json.loads(run.stdout).items()}


@pytest.mark.parametrize("release_path", RELEASE_NOTEBOOKS, ids=lambda path: path.parent.name)
def test_untouched_notebook_misses_no_module_and_no_file(errors_by_notebook, release_path):
    errors = errors_by_notebook[(release_path.parent.name, "stub")]
    assert [error for error in errors if error[1] in MISSING] == []


@pytest.mark.parametrize("release_path", RELEASE_NOTEBOOKS, ids=lambda path: path.parent.name)
def test_notebook_filled_with_the_solutions_runs_without_an_error(errors_by_notebook,
                                                                   release_path):
    assert errors_by_notebook[(release_path.parent.name, "filled")] == []


def test_the_answer_key_is_not_installed(student_venv, tmp_path):
    for package in ("solutions", "autograder"):
        run = run_as_student(student_venv, tmp_path, "python", "-c", f"import {package}")
        assert "ModuleNotFoundError" in run.stderr, run.stderr


def test_the_practice_quiz_checks_answers_from_the_wheel(student_venv, tmp_path):
    check = ("from dlbio_student.quiz.widget import quiz_widget\n"
             "quiz = quiz_widget('review', seed=1)\n"
             "current = next(c for c in quiz.attempts if c.question.type == 'single_choice')\n"
             "quiz.inputs[current.id].value = current.question.answer\n"
             "quiz.check_buttons[current.id].click()\n"
             "print(quiz.feedback[current.id].value)\n")
    run = run_as_student(student_venv, tmp_path, "python", "-c", check)
    assert "Correct!" in run.stdout, run.stderr
