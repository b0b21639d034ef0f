"""Terminal text, JSON and the nbgrader grade cell are renderings of one report, and the JSON
(what grading stores for the class report) reads back as the same report."""
import nbformat
from nbgrader.utils import determine_grade

from dlbio_student.report import (CheckResult, Curves, ExerciseReport, NotebookReport,
                                  from_json_dict, grade_cell_outputs, render_text, to_json_dict)


def sample_report():
    exercise = ExerciseReport("mse", 3.0, [
        CheckResult("mse", "mse is the mean of the squared differences", True, 2.0),
        CheckResult("mse", "mse returns a 0-d tensor", False, 1.0, "a tensor of shape ()",
                    "float 2.5", "Return the tensor itself, not loss.item()."),
    ])
    stub = ExerciseReport("predict", 1.0, problem="not implemented yet")
    return NotebookReport("linear_regression.ipynb", [stub, exercise])


def nbgrader_score(exercise):
    cell = nbformat.v4.new_code_cell("grade('x')")
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "points": exercise.points_possible,
                                 "grade_id": "grade_x", "locked": True, "schema_version": 3}
    cell.outputs = grade_cell_outputs(exercise)
    return determine_grade(cell)[0]


def test_partial_credit_is_the_weighted_share_of_passed_checks():
    report = sample_report()
    assert report.exercises[1].points == 2.0
    assert report.exercises[0].points == 0.0
    assert report.points == 2.0 and report.points_possible == 4.0


def test_nbgrader_reads_the_same_score_from_the_grade_cell():
    for exercise in sample_report().exercises:
        assert nbgrader_score(exercise) == exercise.points


def test_text_and_json_say_the_same():
    report = sample_report()
    text = render_text(report)
    data = to_json_dict(report)
    assert "linear_regression.ipynb: 2 / 4 points" in text
    assert "predict: 0 / 1 points" in text and "not implemented yet" in text
    assert "hint:" in text and "loss.item()" in text
    assert [(e["name"], e["points"], e["points_possible"]) for e in data["exercises"]] == [
        ("predict", 0.0, 1.0), ("mse", 2.0, 3.0)]
    assert data["exercises"][0]["messages"] == ["not implemented yet"]
    assert "loss.item()" in data["exercises"][1]["messages"][0]


def test_points_never_exceed_the_maximum():
    exercise = ExerciseReport("x", 0.3, [CheckResult("x", "c", True, 1.0)] * 3)
    assert exercise.points <= 0.3 and nbgrader_score(exercise) == exercise.points


def test_a_check_with_a_fractional_score_earns_that_share_of_its_weight():
    answer = CheckResult("quiz:cnn:kernel-facts", "2 of 3 right choices picked", False, 1.0,
                         got="A, B", score=2 / 3)
    exercise = ExerciseReport("quiz:cnn:kernel-facts", 3.0, [answer])
    assert exercise.points == 2.0 and nbgrader_score(exercise) == 2.0
    assert "  ~ 2 of 3 right choices picked" in render_text(NotebookReport("quiz", [exercise]))


def test_json_reads_back_as_the_same_report():
    report = sample_report()
    report.exercises[1].checks[1] = CheckResult("mse", "mse returns a 0-d tensor", False, 1.0,
                                                hint="Return the tensor.", mistake="loss.item()")
    report.exercises[1].figures.append(Curves("loss", {"loss": [2.0, 1.0]}, {"loss": [2.0, 0.5]}))
    assert from_json_dict(to_json_dict(report)) == report


def test_a_figure_is_a_picture_between_the_feedback_and_the_score():
    exercise = sample_report().exercises[1]
    exercise.figures.append(Curves("training loss", {"loss": [3.0, 2.0, float("nan")]},
                                   {"loss": [3.0, 1.0, 0.5]}))
    outputs = grade_cell_outputs(exercise)
    assert [output.output_type for output in outputs] == ["stream", "display_data",
                                                          "execute_result"]
    assert set(outputs[1].data) == {"image/png", "text/plain"}
    assert nbgrader_score(exercise) == exercise.points == 2.0
