"""A graded class through nbgrader's exchange, with real nbgrader commands: the instructor's
course (this repository) on one side; on the other, a student in a home of their own with only
nbgrader, ipykernel, torch and the student wheel. Validate says which exercises are not done
(a stub, a function that raises) and passes a filled notebook; the feedback comes back."""
import os
import pwd
import re

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.nbgrader_cli import REPO, make_course, run_nbgrader
from student_home import filled, run_as_student

ASSIGNMENT = "01_linear_regression"
NOTEBOOK = "linear_regression.ipynb"
STUDENT = pwd.getpwuid(os.getuid()).pw_name  # nbgrader's student id: the login of who submits
EXERCISES = ("predict", "mse", "gradient_descent_step", "normalize", "train_linear_regression",
             "train_with_optimizer")


def exchange_config(exchange):
    return f'\nc.Exchange.root = {str(exchange)!r}\nc.CourseDirectory.course_id = "dlbio"\n'


@pytest.fixture(scope="module")
def class_of_one(tmp_path_factory, student_venv):
    """(instructor's course, student's home, exchange folder), the assignment released."""
    base = tmp_path_factory.mktemp("class")
    exchange, home = base / "exchange", base / "home"
    exchange.mkdir(mode=0o777)
    (home / ".jupyter").mkdir(parents=True)
    (home / ".jupyter" / "nbgrader_config.py").write_text(exchange_config(exchange))
    course = make_course(base / "course", [ASSIGNMENT])
    with open(course / "nbgrader_config.py", "a") as config:
        config.write(exchange_config(exchange))
    run_nbgrader(course, "db", "assignment", "add", ASSIGNMENT)
    run_nbgrader(course, "release_assignment", ASSIGNMENT)
    return course, home, exchange


def nbgrader_as_student(class_of_one, student_venv, *args):
    _, home, _ = class_of_one
    return run_as_student(student_venv, home, "nbgrader", *args)


def validate(class_of_one, student_venv, notebook):
    _, home, _ = class_of_one
    nbformat.write(notebook, str(home / ASSIGNMENT / NOTEBOOK))
    run = nbgrader_as_student(class_of_one, student_venv, "validate",
                              f"{ASSIGNMENT}/{NOTEBOOK}")
    return run.stdout + run.stderr


def test_a_student_fetches_validates_submits_and_gets_feedback(class_of_one, student_venv):
    course, home, _ = class_of_one
    fetched = nbgrader_as_student(class_of_one, student_venv, "fetch_assignment", ASSIGNMENT)
    assert fetched.returncode == 0, fetched.stderr
    stub = nbformat.read(home / ASSIGNMENT / NOTEBOOK, as_version=4)

    told = validate(class_of_one, student_venv, stub)
    assert f"VALIDATION FAILED ON {len(EXERCISES)} CELL(S)" in told, told
    for exercise in EXERCISES:
        assert f"{exercise} is not done" in told
    assert "predict() is not written yet" in told

    raising = filled(REPO / "release" / ASSIGNMENT / NOTEBOOK)
    predict_cell = next(cell for cell in raising.cells
                        if cell.metadata.get("nbgrader", {}).get("grade_id") == "predict_solution")
    predict_cell.source = ('def predict(x, w, b):\n'
                           '    return w * x.as_numpy() + b  # there is no Tensor.as_numpy\n')
    told = validate(class_of_one, student_venv, raising)
    assert "VALIDATION FAILED" in told and "predict is not done" in told, told
    assert "as_numpy" in told

    told = validate(class_of_one, student_venv, filled(REPO / "release" / ASSIGNMENT / NOTEBOOK))
    assert "Success! Your notebook passes all the tests." in told, told

    submitted = nbgrader_as_student(class_of_one, student_venv, "submit", ASSIGNMENT)
    assert submitted.returncode == 0, submitted.stderr
    for step in ("collect", "autograde", "generate_feedback", "release_feedback"):
        run_nbgrader(course, step, ASSIGNMENT)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(ASSIGNMENT, STUDENT)
        assert (submission.score, submission.max_score) == (9.0, 9.0)

    feedback = nbgrader_as_student(class_of_one, student_venv, "fetch_feedback", ASSIGNMENT)
    assert feedback.returncode == 0, feedback.stderr
    pages = list((home / ASSIGNMENT / "feedback").glob(f"*/{NOTEBOOK[:-6]}.html"))
    assert len(pages) == 1, feedback.stdout + feedback.stderr
    page = pages[0].read_text()
    assert re.search(r"Score: 9(\.0)? / 9(\.0)?", page)
    assert "gradient_descent_step: 2 / 2 points" in page
