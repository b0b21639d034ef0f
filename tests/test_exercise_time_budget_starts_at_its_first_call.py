"""Each exercise's time budget counts from its own first call, not from the start of grading.

The grader runner hands every exercise its ``StudentCode`` at once; if the budget started
then, a slow early exercise would use up the time of every later one (and a busy machine would
change scores).
"""
import time

import pytest

from autograder.student import StudentCode, StudentError


class AnsweringKernel:
    """Stands in for the sandbox: every request gets the plain answer 1."""

    generation = 1

    def request(self, request, timeout):
        assert timeout > 0
        return {"status": "ok", "value": 1}


def test_a_later_exercise_gets_its_whole_budget():
    kernel = AnsweringKernel()
    first, later = StudentCode(kernel, 1.0, 0.2), StudentCode(kernel, 1.0, 0.2)
    assert first.call("slow_exercise") == 1
    time.sleep(0.3)  # the first exercise's graders take longer than a whole budget
    assert later.call("fast_exercise") == 1


def test_an_exercise_past_its_budget_ends():
    exercise = StudentCode(AnsweringKernel(), 1.0, 0.2)
    assert exercise.call("f") == 1
    time.sleep(0.3)
    with pytest.raises(StudentError, match="ran out of time"):
        exercise.call("f")
