"""Limits that hold for a whole notebook: its total running time and the size of its /tmp."""
import pytest

from autograder.sandbox import isolation
from autograder.sandbox.limits import Limits
from conftest import grade_snippets, solution_cell

PREDICT = "def predict(x, w, b):\n    return w * x + b"
SPIN = "start = time.process_time()\nwhile time.process_time() - start < 1.2:\n    pass"


@pytest.mark.parametrize("demo", [SPIN, "time.sleep(2.5)"], ids=["computing", "sleeping"])
def test_past_the_notebook_budget_demo_cells_are_left_out_and_solutions_still_run(demo):
    """Past the notebook's budget (2 s of CPU time, or 4 s of running), slow demo cells never
    cost the exercises after them: the cells that define graded code still run."""
    report, exercises = grade_snippets(
        ["import time", demo, demo, "print('a demo cell')", solution_cell(PREDICT),
         "print('another')"], {"predict": 1.0},
        Limits(notebook_seconds=2, cell_seconds=10))
    assert exercises["predict"].fraction == 1.0
    assert any("cells 4, 6 (not your solutions) were left out" in note
               for note in report.notes), report.notes



@pytest.mark.parametrize("hang", ["while True:\n        pass", "time.sleep(10**6)"],
                         ids=["spinning", "sleeping"])
def test_after_two_cells_stopped_at_their_limit_the_demo_cells_are_left_out(hang):
    """A hang in a function stops every demo cell that calls it, at a restart each; after two,
    the demo cells are left out, the solutions still run and the exercises are still graded."""
    hanging = f"import time\ndef slow_helper():\n    {hang}"
    report, exercises = grade_snippets(
        [hanging, "slow_helper()", "slow_helper()", "slow_helper()", solution_cell(PREDICT),
         "print('a demo cell')"], {"predict": 1.0}, Limits(cell_seconds=1))
    assert exercises["predict"].fraction == 1.0
    assert any(note.startswith("cells 2, 3 ran out of time") and
               "cells 4, 6 (not your solutions) were left out" in note
               for note in report.notes), report.notes

@pytest.mark.skipif(isolation.detect().mode != "bubblewrap", reason="needs bubblewrap")
def test_tmp_is_small_and_private():
    fill = ("import os\ntry:\n    with open('/tmp/big', 'wb') as f:\n"
            "        for _ in range(32):\n            f.write(b'0' * 2**20)\n"
            "    full = False\nexcept OSError:\n    full = True\n"
            "assert full, 'wrote 32 MiB into a 16 MiB /tmp'\n" + PREDICT)
    _, exercises = grade_snippets([fill], {"predict": 1.0}, Limits(tmp_bytes=16 * 2**20))
    assert exercises["predict"].fraction == 1.0
