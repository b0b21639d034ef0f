"""Limits that hold for a whole notebook: its total running time and the size of its /tmp."""
import pytest

from autograder.sandbox import isolation
from autograder.sandbox.limits import Limits
from conftest import grade_snippets

PREDICT = "def predict(x, w, b):\n    return w * x + b"


def test_cells_past_the_notebook_time_budget_are_not_run():
    report, exercises = grade_snippets(["import time\ntime.sleep(1.5)", "time.sleep(1.5)",
                                        PREDICT], {"predict": 1.0},
                                       Limits(notebook_seconds=2.5))
    assert exercises["predict"].fraction == 0
    assert any("ran longer than 2.5 s in all" in note for note in report.notes), report.notes


@pytest.mark.skipif(isolation.detect().mode != "bubblewrap", reason="needs bubblewrap")
def test_tmp_is_small_and_private():
    fill = ("import os\ntry:\n    with open('/tmp/big', 'wb') as f:\n"
            "        for _ in range(32):\n            f.write(b'0' * 2**20)\n"
            "    full = False\nexcept OSError:\n    full = True\n"
            "assert full, 'wrote 32 MiB into a 16 MiB /tmp'\n" + PREDICT)
    _, exercises = grade_snippets([fill], {"predict": 1.0}, Limits(tmp_bytes=16 * 2**20))
    assert exercises["predict"].fraction == 1.0
