"""Feedback with pictures: a student's own loss curve beside the reference's, on the same
hidden data, drawn on the trusted side from the values the graders collected.

The example class is graded by the real ``nbgrader autograde`` and its feedback by the real
``nbgrader generate_feedback``: the feedback page of 01 shows the picture in the grade cell of
``train_linear_regression``, above the score; the graded notebook of 03 has one for
``train_with_validation``. A student's curve that is not a list of numbers is not drawn.
"""
import base64
import math
import re

import nbformat
import torch

from autograder.checks import show_curves
from example_submissions import ASSIGNMENT

PNG = b"\x89PNG\r\n\x1a\n"


def grade_cell(course, student, assignment, grade_id):
    path = next((course / "autograded" / student / assignment).glob("*.ipynb"))
    return next(cell for cell in nbformat.read(path, as_version=4).cells
                if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def test_the_feedback_page_shows_the_curve_above_the_score(graded_class):
    course, _ = graded_class
    html = next((course / "feedback" / "cleo_mistakes" / ASSIGNMENT).glob("*.html")).read_text()
    start = html.index("train_linear_regression: ")
    picture = html.index("data:image/png;base64,", start)
    score = re.search(r"[0-9.]+</pre>", html[picture:])
    assert score, "no score after the picture"
    encoded = re.match(r"data:image/png;base64,([A-Za-z0-9+/=\s]+)", html[picture:]).group(1)
    assert base64.b64decode(encoded).startswith(PNG)


def test_each_graded_training_loop_gets_its_picture_before_its_score(graded_class):
    course, _ = graded_class
    for student, assignment, grade_id, title in [
            ("cleo_mistakes", ASSIGNMENT, "grade_train_linear_regression", "training loss"),
            ("cleo_mistakes", "03_mlp", "grade_train_with_validation", "losses")]:
        kinds = [output.output_type for output in grade_cell(course, student, assignment,
                                                             grade_id).outputs]
        assert kinds == ["stream", "display_data", "execute_result"], (assignment, kinds)
        picture = grade_cell(course, student, assignment, grade_id).outputs[1]
        assert title in picture.data["text/plain"]
        assert base64.b64decode(picture.data["image/png"]).startswith(PNG)
    untouched = grade_cell(course, "ben_untouched", ASSIGNMENT, "grade_train_linear_regression")
    assert [output.output_type for output in untouched.outputs] == ["stream", "execute_result"]


def test_only_numbers_of_the_student_are_drawn():
    figures = []
    show_curves(figures, "t", {"loss": "not a list"}, {"loss": [1.0, 0.5]})
    show_curves(figures, "t", {"loss": [torch.tensor(2.0), float("inf"), 1]},
                {"loss": [1.0, 0.5, 0.25]})
    assert len(figures) == 1
    drawn = figures[0].yours["loss"]
    assert drawn[0] == 2.0 and math.isnan(drawn[1]) and drawn[2] == 1.0
