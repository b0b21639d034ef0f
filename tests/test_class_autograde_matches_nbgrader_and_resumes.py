"""``autograder autograde`` grades the class of 01 (reference, untouched, mistakes and broken
submissions) as ``nbgrader autograde`` does, and a run stopped with Ctrl-C half-way resumes.

The run is interrupted once at least two submissions are graded, then started again: the
second run grades only what the first did not finish, and the gradebook ends identical, score
for score, to the one ``nbgrader autograde`` wrote for the same submissions; so do the graded
notebooks and the per-check results stored for the class report.
"""
import json
import signal
import subprocess

import nbformat
import pytest

from autograder.insight.stored_checks import CHECKS_DIR
from class_grading import (EXAMPLE_CLASS_LIMITS, autograde_command, course_like, environment,
                           gradebook_scores, processes_in_session, run_autograde, wait_until)
from example_submissions import ASSIGNMENT

LEDGER = f".autograde/{ASSIGNMENT}.json"


def graded_students(course):
    try:
        return set(json.loads((course / LEDGER).read_text()))
    except (FileNotFoundError, ValueError):
        return set()


def graded_notebook_times(course, students):
    return {student: path.stat().st_mtime_ns for student in students
            for path in (course / "autograded" / student / ASSIGNMENT).glob("*.ipynb")}


@pytest.fixture(scope="module")
def resumed_class(graded_class, tmp_path_factory):
    """The class graded by ``autograder autograde --jobs 2``, stopped half-way, then resumed.

    Returns a dict of what each step showed."""
    reference, _ = graded_class
    course = course_like(reference, tmp_path_factory.mktemp("parallel"), ASSIGNMENT,
                         limits=EXAMPLE_CLASS_LIMITS)
    first = subprocess.Popen(autograde_command(ASSIGNMENT, "--jobs", "2"), cwd=course,
                             env=environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, start_new_session=True)
    try:
        wait_until(lambda: len(graded_students(course)) >= 2 or first.poll() is not None, 600)
        first.send_signal(signal.SIGINT)
        first_output, _ = first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    wait_until(lambda: not processes_in_session(first.pid), 15)
    left_behind = processes_in_session(first.pid)
    done_first = graded_students(course)
    times_first = graded_notebook_times(course, done_first)
    folders_first = {path.parent.parent.name for path in
                     (course / "autograded").glob(f"*/{ASSIGNMENT}/*.ipynb")}
    second = run_autograde(course, ASSIGNMENT, "--jobs", "2")
    return {"course": course, "reference": reference, "first_status": first.returncode,
            "first_output": first_output, "left_behind": left_behind, "done_first": done_first,
            "times_first": times_first, "folders_first": folders_first, "second": second}


def test_ctrl_c_stops_cleanly_and_leaves_no_sandbox(resumed_class):
    assert resumed_class["first_status"] == 130, resumed_class["first_output"]
    assert "interrupted" in resumed_class["first_output"]
    assert resumed_class["left_behind"] == [], "processes outlived the interrupted run"
    assert resumed_class["folders_first"] <= resumed_class["done_first"], (
        "a half-graded folder was left")


def test_restarted_run_regrades_nothing_twice(resumed_class):
    second = resumed_class["second"]
    assert second.returncode == 0, second.stderr[-3000:]
    done_first = resumed_class["done_first"]
    assert f"already graded {len(done_first)}" in second.stdout, second.stdout
    course = resumed_class["course"]
    assert graded_notebook_times(course, done_first) == resumed_class["times_first"]


def test_gradebook_matches_nbgrader_autograde(resumed_class):
    course, reference = resumed_class["course"], resumed_class["reference"]
    parallel = gradebook_scores(course, ASSIGNMENT)
    sequential = gradebook_scores(reference, ASSIGNMENT)
    assert parallel == sequential
    assert parallel["ada_reference"] and all(
        score == maximum for score, maximum in parallel["ada_reference"].values())


def test_graded_notebooks_match_and_feedback_works(resumed_class):
    course, reference = resumed_class["course"], resumed_class["reference"]
    for path in sorted((reference / "autograded").glob(f"*/{ASSIGNMENT}/*.ipynb")):
        ours = nbformat.read(course / path.relative_to(reference), as_version=4)
        theirs = nbformat.read(path, as_version=4)
        assert [cell.get("outputs") for cell in ours.cells if cell.metadata.get(
            "nbgrader", {}).get("grade")] == [cell.get("outputs") for cell in theirs.cells
                                              if cell.metadata.get("nbgrader", {}).get("grade")]
    from autograder.nbgrader_cli import run_nbgrader

    run_nbgrader(course, "generate_feedback", ASSIGNMENT)
    assert list((course / "feedback" / "ada_reference" / ASSIGNMENT).glob("*.html"))


def test_stored_check_results_match(resumed_class):
    """What grading stores for the class report is the same by both commands, to the byte."""
    def stored(course):
        return {path.relative_to(course / CHECKS_DIR): path.read_text()
                for path in sorted((course / CHECKS_DIR / ASSIGNMENT).glob("*/*.json"))}

    assert stored(resumed_class["reference"])
    assert stored(resumed_class["course"]) == stored(resumed_class["reference"])


def test_a_broken_submission_is_named_in_the_table_and_does_not_stop_the_class(resumed_class):
    table = resumed_class["first_output"] + resumed_class["second"].stdout
    assert "dora_invalid_json" in table and "FAILED: NotJSONError" in table
