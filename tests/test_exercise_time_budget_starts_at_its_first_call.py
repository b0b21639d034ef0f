"""Each exercise's time budget counts the CPU time of its own calls only: not the graders' work
between calls, and not what other exercises used.

The grader runner hands every exercise its ``StudentCode`` at once; if the budget counted
wall time from then, a slow early exercise would use up the time of every later one (and a busy
machine would change scores).
"""
import time

import pytest

from autograder.sandbox.limits import Limits
from autograder.sandbox.usage import Usage
from autograder.student import StudentCode, StudentError


class AnsweringKernel:
    """Stands in for the sandbox: every request gets the plain answer 1, and uses ``cpu``
    seconds of CPU time."""

    generation = 1
    limits = Limits()

    def __init__(self, cpu):
        self.cpu = cpu
        self.used = Usage()

    def request(self, request, allowance):
        assert allowance.cpu > 0
        self.used = Usage(wall=self.cpu, cpu=self.cpu)
        return {"status": "ok", "value": 1}


def test_a_later_exercise_gets_its_whole_budget():
    kernel = AnsweringKernel(cpu=0.15)
    first, later = StudentCode(kernel, 1.0, 0.2), StudentCode(kernel, 1.0, 0.2)
    assert first.call("slow_exercise") == 1
    time.sleep(0.3)  # the first exercise's graders take longer than a whole budget
    assert later.call("fast_exercise") == 1


def test_an_exercise_past_its_budget_ends():
    exercise = StudentCode(AnsweringKernel(cpu=0.15), 1.0, 0.2)
    assert exercise.call("f") == 1
    assert exercise.call("f") == 1  # 0.3 s in all: past the budget only after this call
    with pytest.raises(StudentError, match="ran out of time"):
        exercise.call("f")
