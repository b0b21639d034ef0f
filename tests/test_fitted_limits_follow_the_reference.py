"""Limits fitted to the reference notebook and its correct variants: a multiple of the most CPU
time any of them needed, never under a floor; a cell's own limit by its grade_id; what the
reference alone needs kept for feedback; ``nbgrader_config.py`` still has the last word."""
import json
import math

import nbformat

from autograder.course import assignment_topic
from autograder.fitted_limits import CALL, CELL, EXERCISE, NOTEBOOK, STORE, fit, limits_for
from autograder.nbgrader_cli import REPO, assignments_in
from autograder.pipeline import is_autograded_cell
from autograder.sandbox.limits import Limits

TIMINGS = {"cells": {"setup": 2.0, "predict_selfcheck": 0.01, "train": 3.0},
           "calls": {"predict": 0.001, "train": 0.4}, "exercises": {"predict": 0.5, "train": 9.0},
           "notebook": 40.0}
REFERENCE = {"cells": {"setup": 2.0, "predict_selfcheck": 0.01, "train": 1.0},
             "calls": {"predict": 0.001, "train": 0.1}, "exercises": {}, "notebook": 30.0}


def cell(grade_id):
    code = nbformat.v4.new_code_cell("pass")
    code.metadata["nbgrader"] = {"grade_id": grade_id}
    return code


def test_each_limit_is_a_multiple_of_the_reference_with_a_floor():
    limits = fit(TIMINGS)
    assert dict(limits["cell_seconds_by_id"]) == {
        "setup": CELL[0] * 2.0, "predict_selfcheck": CELL[1], "train": CELL[0] * 3.0}
    assert limits["cell_seconds"] == CELL[0] * 3.0
    assert fit({**TIMINGS, "cells": {"train": 1e4}})["cell_seconds"] == Limits().cell_seconds
    assert limits["call_seconds"] == max(CALL[1], math.ceil(CALL[0] * 0.4))
    assert limits["exercise_seconds"] == max(EXERCISE[1], EXERCISE[0] * 9.0)
    assert limits["notebook_seconds"] == max(NOTEBOOK[1], NOTEBOOK[0] * 40.0)


def test_the_slowest_correct_style_sets_a_limit_and_feedback_quotes_the_reference():
    limits = Limits().with_overrides(fit(TIMINGS, REFERENCE))
    assert limits.seconds_for_cell(cell("train")) == CELL[0] * 3.0  # the variant's 3 s
    assert limits.reference_needs("cell:train") == 1.0
    assert limits.reference_needs("call:train") == 0.1
    assert limits.reference_needs("call:an exercise the reference has not") is None


def test_a_quick_self_check_gets_the_floor_and_an_unknown_cell_the_slowest(tmp_path):
    store = tmp_path / "limits.json"
    store.write_text(json.dumps({"01_x": fit(TIMINGS)}))
    limits = limits_for("01_x", store=store)
    assert limits.seconds_for_cell(cell("predict_selfcheck")) == CELL[1]
    assert limits.seconds_for_cell(cell("a cell the student added")) == limits.cell_seconds
    assert limits_for("02_without_fitted_limits", store=store) == Limits()


def test_the_course_config_overrides_the_fitted_limits(tmp_path):
    store = tmp_path / "limits.json"
    store.write_text(json.dumps({"01_x": fit(TIMINGS)}))
    limits = limits_for("01_x", {"cell_seconds": 180, "call_seconds": 60}, store=store)
    assert limits.seconds_for_cell(cell("predict_selfcheck")) == 180
    assert limits.call_seconds == 60
    assert limits.exercise_seconds == fit(TIMINGS)["exercise_seconds"]


def test_every_assignment_ships_a_limit_for_each_cell_the_reference_runs():
    """``make release`` refits the limits (``python -m autograder.tools.reference_timing``):
    every code cell of a source notebook that grading runs has a limit of its own, and feedback
    can say what the reference needs there."""
    shipped = json.loads(STORE.read_text())
    for assignment in filter(assignment_topic, assignments_in(REPO)):
        notebook = nbformat.read(next((REPO / "source" / assignment).glob("*.ipynb")), 4)
        run = {cell.metadata["nbgrader"]["grade_id"] for cell in notebook.cells
               if cell.cell_type == "code" and not is_autograded_cell(cell)}
        by_id = dict(shipped[assignment]["cell_seconds_by_id"])
        assert run == set(by_id), (assignment, run ^ set(by_id))
        limits = limits_for(assignment)
        assert max(by_id.values()) == limits.cell_seconds <= Limits().cell_seconds
        assert limits.call_seconds < Limits().call_seconds
        assert all(limits.reference_needs(f"cell:{grade_id}") is not None for grade_id in run)
