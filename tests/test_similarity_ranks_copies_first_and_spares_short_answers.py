"""``autograder similarity`` lists the copied pair first and never the short obvious answer.

The class: the planted class of ``insight_class`` (reference code with typical mistakes, some
made by several students), ten students who each wrote the short exercises of 01 their own way
(some of them the same way), and a copy of one student's notebook with the variables
renamed, the functions of a cell reordered and the comments changed. The copy and its original
rank first, with the shared code marked on both sides; no other pair is listed, though some
of them share short answers. Nothing is graded or run.
"""
import re
import shutil

import nbformat
import pytest

from autograder import cli
from autograder.insight.similarity import compare_assignment
from autograder.insight.similarity_page import render_html, render_text
from insight_class import (ASSIGNMENT, COPIER, NOTEBOOK, ORIGINAL, SHORT_EXERCISES,
                           copied_pair, independent_class, write_class)


@pytest.fixture(scope="module")
def alike(planted_course, tmp_path_factory):
    """(course, SimilarityReport, the independent class's notebooks)."""
    course = tmp_path_factory.mktemp("similarity")
    for folder in ("source", "release", "submitted"):
        shutil.copytree(planted_course / folder, course / folder)
    source = nbformat.read(course / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)
    release = nbformat.read(course / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
    independent = independent_class(release, source)
    write_class(course, {**independent, **copied_pair(release, source)})
    return course, compare_assignment(course, ASSIGNMENT), independent


def solution_cells(notebook):
    return {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in notebook.cells
            if cell.get("metadata", {}).get("nbgrader", {}).get("solution")}


def test_the_copy_and_its_original_rank_first(alike):
    _, report, independent = alike
    assert set(independent) | {COPIER, ORIGINAL} <= set(report.students)
    assert report.pairs, "the copy was not found"
    first = report.pairs[0]
    assert {first.first.student, first.second.student} == {COPIER, ORIGINAL}
    assert min(first.shares) > 0.9


def test_no_other_pair_is_listed(alike):
    _, report, _ = alike
    assert [(pair.first.student, pair.second.student) for pair in report.pairs[1:]] == []


def test_independent_students_who_wrote_the_same_short_answer_are_not_listed(alike):
    course, report, independent = alike
    cells = {student: solution_cells(notebook) for student, notebook in independent.items()}
    same = [(first, second, exercise) for first in cells for second in cells if first < second
            for exercise in SHORT_EXERCISES
            if cells[first][f"{exercise}_solution"] == cells[second][f"{exercise}_solution"]
            and "YOUR CODE HERE" not in cells[first][f"{exercise}_solution"]]
    typed = {(first, second) for first, second, _ in same}
    assert len(same) >= 10 and len(typed) >= 5, "the test class has too few coincidences"
    listed = {frozenset((pair.first.student, pair.second.student)) for pair in report.pairs}
    assert not {frozenset(pair) for pair in typed} & listed
    # what spares them is the rule for short answers: by their share alone, many would be listed
    by_share = compare_assignment(course, ASSIGNMENT, min_shared=1, min_exercises=1)
    assert len({frozenset(pair) for pair in typed} & {frozenset(
        (pair.first.student, pair.second.student)) for pair in by_share.pairs}) >= 3


def test_the_page_shows_the_pair_side_by_side_with_the_shared_code_marked(alike):
    _, report, _ = alike
    page = render_html(report)
    first = report.pairs[0]
    assert page.count("<h3>") >= 5, "the copy shares code in most exercises"
    assert "<mark>" in page and "apply_update" in page and "nudge" in page
    for cell in first.first.cells:
        marked = re.findall(r"<mark>(.*?)</mark>", page, re.DOTALL)
        assert marked and all(part.strip() for part in marked)
    text = render_text(report)
    assert "short obvious answer" in text and "never a grade" in text
    assert f"1. {first.first.student} — {first.second.student}" in text


def test_the_command_writes_the_page_beside_the_feedback(alike, monkeypatch, capsys):
    course, _, _ = alike
    monkeypatch.chdir(course)
    assert cli.main(["similarity", ASSIGNMENT]) == 0
    assert "1 pair listed" in capsys.readouterr().out
    assert (course / "feedback" / f"similarity_{ASSIGNMENT}.html").read_text().count("<h2>") == 1
    assert cli.main(["similarity", "no_such_assignment"]) == 1
