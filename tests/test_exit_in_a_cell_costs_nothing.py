"""An honest ``exit()`` left in a notebook does not end the grading kernel.

Without care it would end the kernel after its cell, and again each time the cells before a
later failure are replayed, so every later exercise would read "not defined".
"""
from conftest import grade_snippets


def test_exit_and_quit_are_ignored_while_grading():
    _, exercises = grade_snippets(
        ["import torch\nexit()", "quit()",
         "def predict(x, w, b):\n    return w * x + b"], {"predict": 1.0})
    assert exercises["predict"].fraction == 1.0
