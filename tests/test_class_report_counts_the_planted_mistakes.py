"""``autograder report`` counts what the class got wrong, exactly, from what grading stored.

The planted class of ``insight_class`` (assignment 01, graded once for real) has typical
mistakes of the catalogue planted at known frequencies in three exercises that call none of
each other. Per exercise, every planted mistake the graders name is counted for exactly the
students who made it, under the feedback that named it; the planted mistakes no check names
are exactly the "other failures"; the untouched release is "not implemented yet". The report
is built without running anything: no kernel starts, no process is spawned. Results that
disagree with the gradebook, or that a student tried to forge, are never counted.
"""
import json
import shutil
import subprocess

import nbformat
import pytest

from autograder import cli
from autograder.insight.class_report import build_report
from autograder.insight.stored_checks import read_stored_checks, stored_checks_path
from autograder.sandbox.kernel import SandboxKernel
from autograder.tools.example_class import mistakes_of
from class_grading import gradebook_scores
from insight_class import (ASSIGNMENT, CORRECT_STUDENTS, FORGED, FORGER, NOTEBOOK, PLANTED,
                           PLANTED_STUDENTS, UNTOUCHED, planted_mistakes)


@pytest.fixture(scope="module")
def planted(planted_course):
    """(course, report, {exercise: [(Mistake, students)]})."""
    source = nbformat.read(planted_course / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)
    return (planted_course, build_report(planted_course, ASSIGNMENT),
            planted_mistakes(mistakes_of(ASSIGNMENT, source)))


def stats_of(report, exercise):
    return next(stats for stats in report.exercises if stats.exercise == exercise)


def test_every_graded_student_is_counted(planted):
    _, report, _ = planted
    everyone = {*PLANTED_STUDENTS, *CORRECT_STUDENTS, UNTOUCHED, FORGER}
    assert set(report.graded) == set(report.checked) == everyone
    assert report.without_checks == report.stale == []


@pytest.mark.parametrize("exercise", list(PLANTED))
def test_planted_mistakes_are_counted_exactly(planted, exercise):
    _, report, mistakes = planted
    stats = stats_of(report, exercise)
    named, unnamed = [], set()
    for mistake, students in mistakes[exercise]:
        groups = [group for group in stats.mistakes
                  if mistake.hint.lower() in f"{group.label} {group.hint}".lower()]
        exact = [group for group in groups if sorted(group.students) == sorted(students)]
        if groups:
            assert len(exact) == 1, (mistake.what, students,
                                     [(group.label, group.students) for group in groups])
            named.append(exact[0])
        else:
            unnamed |= set(students)
    assert len(named) >= 2, f"the graders named fewer than two planted mistakes of {exercise}"
    # A wrong value may have more than one explanation, each named; none blames a student who
    # made no mistake there.
    made = {student for _, students in mistakes[exercise] for student in students}
    blamed = {student for group in stats.mistakes for student in group.students}
    assert blamed <= made, "a mistake was named for a student who made none"
    assert set(stats.other_failures) == unnamed - blamed
    assert stats.not_implemented == [UNTOUCHED]


def test_exercises_without_planted_mistakes_lose_points_only_to_the_stub(planted):
    _, report, _ = planted
    for exercise in ("predict", "mse"):
        stats = stats_of(report, exercise)
        assert (stats.mistakes, stats.other_failures, stats.not_implemented) == (
            [], [], [UNTOUCHED])
    # train_linear_regression calls the student's own step, so only their mistakes show there
    stats = stats_of(report, "train_linear_regression")
    losing = {student for group in stats.mistakes for student in group.students}
    losing |= set(stats.other_failures)
    planted_steps = {student for student, index in zip(PLANTED_STUDENTS,
                                                       PLANTED["gradient_descent_step"])
                     if index is not None}
    assert losing <= planted_steps and stats.not_implemented == [UNTOUCHED]


def test_scores_and_shares_are_the_gradebooks(planted):
    course, report, _ = planted
    gradebook = gradebook_scores(course, ASSIGNMENT)
    for stats in report.exercises:
        scores = {student: cells[stats.grade_id][0] for student, cells in gradebook.items()}
        assert stats.scores == pytest.approx(scores)
        assert stats.mean == pytest.approx(sum(scores.values()) / len(scores))
        full = sum(score == cells[stats.grade_id][1] for score, cells in
                   zip(scores.values(), gradebook.values()))
        assert stats.share_full == pytest.approx(full / len(scores))
        assert stats.share_zero == pytest.approx(
            sum(score == 0 for score in scores.values()) / len(scores))


def test_forged_results_never_count(planted):
    course, report, _ = planted
    stored = read_stored_checks(course, ASSIGNMENT)
    for student in (FORGER, "ada_reference"):
        notebook = stored[student][NOTEBOOK.removesuffix(".ipynb")]
        assert notebook.report.points == notebook.report.points_possible == 9
        assert FORGED not in json.dumps(json.loads(stored_checks_path(
            course, ASSIGNMENT, student, "linear_regression").read_text()))
    assert all(FORGER not in group.students for stats in report.exercises
               for group in stats.mistakes)


def test_the_command_runs_no_student_code(planted, monkeypatch, capsys):
    course, report, _ = planted

    def refuse(*args, **kwargs):
        raise AssertionError("the class report started a process or a kernel")

    monkeypatch.setattr(SandboxKernel, "start", refuse)
    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)
    monkeypatch.chdir(course)
    assert cli.main(["report", ASSIGNMENT]) == 0
    text = capsys.readouterr().out
    forgot_to_zero = next(group for group in stats_of(report, "gradient_descent_step").mistakes
                          if "forgot to zero the gradients" in group.hint)
    assert f"{len(forgot_to_zero.students)} of {len(report.checked)}" in text
    assert "forgot to zero the gradients" in text and "other failures" in text
    page = (course / "feedback" / f"class_report_{ASSIGNMENT}.html").read_text()
    assert page.count("data:image/png;base64,") == len(report.exercises)
    assert "forgot to zero the gradients" in page


def test_results_that_disagree_with_the_gradebook_are_left_out(planted, tmp_path):
    course, _, _ = planted
    copy = tmp_path / "course"
    shutil.copytree(course, copy, ignore=shutil.ignore_patterns("autograded", "submitted"))
    edited = stored_checks_path(copy, ASSIGNMENT, "ada_reference", "linear_regression")
    data = json.loads(edited.read_text())
    data["report"]["exercises"][0]["checks"][0]["passed"] = False  # now it claims 0.x points
    edited.write_text(json.dumps(data))
    stored_checks_path(copy, ASSIGNMENT, UNTOUCHED, "linear_regression").unlink()
    report = build_report(copy, ASSIGNMENT)
    assert report.stale == ["ada_reference"] and report.without_checks == [UNTOUCHED]
    assert "ada_reference" not in report.checked
    assert stats_of(report, "predict").not_implemented == []
