"""The example class, graded by the TA's real commands: ``nbgrader autograde`` in a course.

For every assignment: the reference scores full marks and its notebook runs without an error,
the untouched release scores 0 saying "not implemented yet", the typical mistakes get partial
credit; broken submissions of 01 do not stop the class; ``autograder check`` agrees with
nbgrader on every score.
"""
import json

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import cli
from autograder.tools.example_class import has_mistakes, mistakes_of
from example_submissions import ASSIGNMENT, NOTEBOOK


def grades(course, assignment, student):
    """{grade_id: (score, max_score)} of one submission, from nbgrader's gradebook."""
    notebook = next((course / "source" / assignment).glob("*.ipynb")).stem
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission_notebook(notebook, assignment, student)
        return {grade.name: (grade.score, grade.max_score) for grade in submission.grades
                if grade.cell_type == "code"}


def autograded(course, assignment, student):
    path = next((course / "autograded" / student / assignment).glob("*.ipynb"))
    return nbformat.read(path, as_version=4)


def grade_cell_text(notebook, grade_id):
    cell = next(cell for cell in notebook.cells
                if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    return "".join(output.get("text", "") for output in cell.outputs)


def catalogued(course):
    return sorted(path.name for path in (course / "source").iterdir()
                  if has_mistakes(path.name))


def first_mistakes(course, assignment):
    """(the first exercise with typical mistakes, its mistakes)."""
    source = nbformat.read(next((course / "source" / assignment).glob("*.ipynb")), as_version=4)
    return next(iter(mistakes_of(assignment, source).items()))


def test_reference_scores_full_marks_and_runs_cleanly(graded_class):
    course, _ = graded_class
    for assignment in catalogued(course):
        scores = grades(course, assignment, "ada_reference")
        assert scores and all(score == maximum for score, maximum in scores.values()), (
            assignment, scores)
        errors = [f"{output.ename}: {output.evalue}"
                  for cell in autograded(course, assignment, "ada_reference").cells
                  for output in cell.get("outputs", []) if output.output_type == "error"]
        assert errors == [], f"the reference notebook of {assignment} raised"


def test_untouched_release_scores_zero_and_says_not_implemented(graded_class):
    course, _ = graded_class
    for assignment in catalogued(course):
        scores = grades(course, assignment, "ben_untouched")
        assert all(score == 0 for score, _ in scores.values()), (assignment, scores)
        notebook = autograded(course, assignment, "ben_untouched")
        for grade_id in scores:
            assert "not implemented yet" in grade_cell_text(notebook, grade_id)


def test_typical_mistakes_get_partial_credit_and_named_hints(graded_class):
    course, _ = graded_class
    for assignment in catalogued(course):
        scores = grades(course, assignment, "cleo_mistakes")
        total, maximum = (sum(pair[i] for pair in scores.values()) for i in (0, 1))
        assert 0 < total < maximum, (assignment, scores)
        assert all(score < most for score, most in scores.values()), (assignment, scores)
        first_exercise, mistakes = first_mistakes(course, assignment)
        text = grade_cell_text(autograded(course, assignment, "cleo_mistakes"),
                               f"grade_{first_exercise}")
        assert mistakes[0].hint.lower() in text.lower(), text


def test_invalid_json_is_reported_and_the_class_is_still_graded(graded_class):
    course, runs = graded_class
    log = runs[ASSIGNMENT].stdout + runs[ASSIGNMENT].stderr
    assert "dora_invalid_json" in log and "does not appear to be JSON" in log
    assert sum(score for score, _ in grades(course, ASSIGNMENT, "ada_reference").values()) == 9


def test_a_deleted_grade_cell_is_put_back_and_graded(graded_class):
    course, _ = graded_class
    scores = grades(course, ASSIGNMENT, "eli_deleted_grade_cell")
    assert scores["grade_mse"] == (1.0, 1.0)
    assert "mse: 1 / 1" in grade_cell_text(autograded(course, ASSIGNMENT,
                                                      "eli_deleted_grade_cell"), "grade_mse")


def test_an_exception_costs_only_its_exercise(graded_class):
    course, _ = graded_class
    scores = grades(course, ASSIGNMENT, "finn_exception")
    assert scores["grade_normalize"][0] == 0 and scores["grade_predict"] == (1.0, 1.0)
    text = grade_cell_text(autograded(course, ASSIGNMENT, "finn_exception"), "grade_normalize")
    assert "normalize" in text and "not defined" in text, text


def test_an_infinite_loop_costs_only_its_cell(graded_class):
    course, _ = graded_class
    scores = grades(course, ASSIGNMENT, "gus_infinite_loop")
    assert scores["grade_gradient_descent_step"][0] == 0
    assert scores["grade_predict"] == (1.0, 1.0) and scores["grade_normalize"] == (1.0, 1.0)
    notebook = autograded(course, ASSIGNMENT, "gus_infinite_loop")
    stopped = [output.evalue for cell in notebook.cells for output in cell.get("outputs", [])
               if output.output_type == "error" and output.ename == "GradingLimit"]
    assert stopped == ["this cell used 10.0 s of CPU time (the limit of this cell is 10 s; the "
                       "reference needs under 0.01 s)"]


def test_feedback_shows_hints_but_no_hidden_code(graded_class):
    course, _ = graded_class
    html = next((course / "feedback" / "cleo_mistakes" / ASSIGNMENT).glob("*.html")).read_text()
    first_exercise, mistakes = first_mistakes(course, ASSIGNMENT)
    assert mistakes[0].hint in html
    assert not [word for word in ("solutions", "reference", "expect_close", "generator")
                if word in html]


def submissions(course):
    """Every readable submission of 01 (``autograder check`` grades every assignment the same
    way; grading the other assignments' again would add minutes to the suite for no news)."""
    return sorted(path for path in (course / "submitted").glob(f"*/{ASSIGNMENT}/*.ipynb")
                  if path.parts[-3] != "dora_invalid_json")


@pytest.fixture
def check_json(graded_class, monkeypatch, capsys):
    """Run ``autograder check --json`` in this process, for the graded course."""
    monkeypatch.setenv("DLBIO_COURSE_ROOT", str(graded_class[0]))

    def run(path):
        assert cli.main(["check", str(path), "--json"]) == 0
        return json.loads(capsys.readouterr().out)
    return run


def test_check_agrees_with_nbgrader_on_every_score(graded_class, check_json):
    course, _ = graded_class
    disagreements = []
    for path in submissions(course):
        student, assignment = path.parts[-3], path.parts[-2]
        from_check = {f"grade_{exercise['name']}": exercise["points"]
                      for exercise in check_json(path)["exercises"]}
        from_nbgrader = {grade_id: score for grade_id, (score, _) in
                         grades(course, assignment, student).items()}
        if from_check != from_nbgrader:
            disagreements.append((student, assignment, from_check, from_nbgrader))
    assert disagreements == []


def test_check_refuses_a_file_that_is_not_a_notebook(graded_class, capsys):
    course, _ = graded_class
    path = course / "submitted" / "dora_invalid_json" / ASSIGNMENT / NOTEBOOK
    assert cli.main(["check", str(path)]) == 2
    assert "not a readable Jupyter notebook" in capsys.readouterr().err
