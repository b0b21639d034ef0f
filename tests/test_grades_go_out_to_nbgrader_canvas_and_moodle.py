"""``autograder grades`` writes what nbgrader's export writes plus a column per exercise, and
files that Canvas and Moodle import, read back here the way each system documents it reads
them (Canvas: ``app/models/gradebook_importer.rb``; Moodle: ``grade/import/csv``).

The gradebook is the planted class's, graded for real, with one more student who submitted
nothing and whose name has a comma in it (which nbgrader's own export does not quote).
"""
import csv
import shutil

import pytest
from nbgrader.api import Gradebook

from autograder import cli
from autograder.nbgrader_cli import run_nbgrader
from class_grading import gradebook_scores
from insight_class import ASSIGNMENT

ABSENT = "zoe_absent"
CANVAS_STUDENT_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_NOT_ASSIGNMENTS = ("Current Score", "Current Points", "Current Grade", "Final Score",
                          "Final Points", "Final Grade", "Override Score", "Override Grade")


@pytest.fixture(scope="module")
def course(planted_course, tmp_path_factory):
    """A copy of the planted course's gradebook with a student who submitted nothing."""
    copy = tmp_path_factory.mktemp("grades")
    for name in ("gradebook.db", "nbgrader_config.py"):
        shutil.copy(planted_course / name, copy / name)
    shutil.copytree(planted_course / "source", copy / "source")
    with Gradebook(f"sqlite:///{copy / 'gradebook.db'}") as gradebook:
        gradebook.add_student(ABSENT, first_name="Zoë", last_name="Ng, Jr.", email="zoe@uni.edu")
    return copy


def written(course, monkeypatch, kind):
    monkeypatch.chdir(course)
    assert cli.main(["grades", ASSIGNMENT, "--format", kind, "--to", f"{kind}.csv"]) == 0
    with open(course / f"{kind}.csv", newline="", encoding="utf-8") as file:
        return list(csv.reader(file))


def test_nbgrader_columns_are_nbgraders_own_and_one_per_exercise(course, monkeypatch):
    ours = written(course, monkeypatch, "nbgrader")
    run_nbgrader(course, "export", "--to", "nbgrader_export.csv")
    with open(course / "nbgrader_export.csv", newline="") as file:
        theirs = list(csv.reader(file))
    width = len(theirs[0])
    # nbgrader joins its fields with commas unquoted, so a name with a comma breaks its row;
    # ours quotes it and keeps the columns
    assert [row[:width] for row in ours if row[3] != ABSENT] == [
        row for row in theirs if row[3] != ABSENT]
    absent = next(row for row in ours if row[3] == ABSENT)
    assert absent[3:7] == [ABSENT, "Ng, Jr.", "Zoë", "zoe@uni.edu"]
    exercises = ours[0][width:]
    assert exercises == ["predict", "mse", "gradient_descent_step", "normalize",
                         "train_linear_regression", "train_with_optimizer"]
    scores = gradebook_scores(course, ASSIGNMENT)
    for row in ours[1:]:
        student = row[3]
        expected = [scores[student][f"grade_{name}"][0] if student in scores else 0.0
                    for name in exercises]
        assert [float(value) for value in row[width:]] == pytest.approx(expected)
        assert sum(map(float, row[width:])) == pytest.approx(float(row[7]))


def read_as_canvas(rows):
    """What Canvas's gradebook importer takes from a file: {assignment title: points possible},
    {SIS login id: {title: grade}}; it raises, as Canvas reports "Invalid header row", when the
    header is not Canvas's."""
    header = rows[0]
    if not (len(header) > 3 and "Student" in header[0] and "ID" in header[1]):
        raise ValueError("Invalid header row")
    if not ("SIS User ID" in header[2] and "SIS Login ID" in header[3]
            and "Section" in header[4]):
        raise ValueError("Invalid header row")
    titles = [title for title in header[5:]
              if not any(column in title for column in CANVAS_NOT_ASSIGNMENTS)]
    columns = {title: header.index(title) for title in titles}
    points, students = {}, {}
    for row in rows[1:]:
        assert len(row) == len(header)
        if "Points Possible" in row[0]:
            points = {title: float(row[index]) for title, index in columns.items()}
            continue
        assert row[3] or row[1] or row[2], "Canvas would match this row by name only"
        students[row[3]] = {title: row[index].strip() for title, index in columns.items()}
    return points, students


def test_canvas_reads_one_assignment_column_and_finds_every_student(course, monkeypatch):
    points, students = read_as_canvas(written(course, monkeypatch, "canvas"))
    assert points == {ASSIGNMENT: 9.0}
    scores = gradebook_scores(course, ASSIGNMENT)
    assert set(students) == set(scores) | {ABSENT}
    for student, grades in students.items():
        if student == ABSENT:
            assert grades == {ASSIGNMENT: ""}  # blank: Canvas changes nothing
        else:
            assert float(grades[ASSIGNMENT]) == pytest.approx(
                sum(score for score, _ in scores[student].values()))


def test_canvas_names_are_last_first_and_quoted(course, monkeypatch):
    rows = written(course, monkeypatch, "canvas")
    absent = next(row for row in rows if row[3] == ABSENT)
    assert absent[:5] == ["Ng, Jr., Zoë", "", "", ABSENT, ""]
    assert '"Ng, Jr., Zoë"' in (course / "canvas.csv").read_text(encoding="utf-8")


def read_as_moodle(rows, identifier):
    """What Moodle's CSV grade import takes when the TA maps ``identifier`` to a user field and
    every other column that holds grades to a grade item: {user: {item: grade or None}}. It
    raises where Moodle would stop the import (a duplicate or empty column name, a row of
    another length, a grade that is not a number, above the default maximum of 100)."""
    header = [name.strip() for name in rows[0]]
    if len(set(header)) != len(header) or not all(header):
        raise ValueError("duplicate or empty column name")
    key = header.index(identifier)
    grades = {}
    for row in rows[1:]:
        if len(row) != len(header):
            raise ValueError("a row of another length")
        if not row[key]:
            continue
        values = {}
        for index, name in enumerate(header[4:], start=4):
            value = row[index].strip()
            values[name] = None if value in ("", "-") else float(value.replace(",", "."))
            if values[name] is not None and values[name] > 100:
                raise ValueError("grade above the maximum")
        grades[row[key]] = values
    return grades


def test_moodle_maps_users_by_username_and_grades_by_column(course, monkeypatch):
    rows = written(course, monkeypatch, "moodle")
    assert rows[0][:4] == ["Username", "First name", "Last name", "Email address"]
    grades = read_as_moodle(rows, "Username")
    scores = gradebook_scores(course, ASSIGNMENT)
    assert grades[ABSENT] == {ASSIGNMENT: None}
    for student, values in scores.items():
        assert grades[student][ASSIGNMENT] == pytest.approx(
            sum(score for score, _ in values.values()))
    by_email = read_as_moodle(rows, "Email address")
    assert by_email["zoe@uni.edu"] == {ASSIGNMENT: None}


def test_an_assignment_not_in_the_gradebook_is_refused(course, monkeypatch, capsys):
    monkeypatch.chdir(course)
    assert cli.main(["grades", "no_such_assignment", "--format", "canvas"]) == 1
    assert "no assignment 'no_such_assignment'" in capsys.readouterr().err
