"""How much one cell, one grader call or one session opening may use, and when it went past.

An ``Allowance`` is a budget of CPU time and of wall time that the machine *gave* the sandbox
(``usage.Usage.given``), plus a ceiling of wall time in all. ``watch`` polls the sandbox's
meter while its work runs and returns a ``Stop`` as soon as the work goes past its allowance:

- "timeout": it used more CPU time than allowed: the student's code computes too long;
- "waited": the machine gave it more wall time than allowed while it used less CPU: it
  blocks without computing (``time.sleep``, ``input()``, a lock). Time it waited for a CPU,
  memory or a disk is not given time, so a busy machine never makes honest code "wait";
- "starved": it reached the ceiling of wall time in all before either: the machine did not
  give it the CPU it asked for. That is never the student's fault: the grader retries the work
  once in a fresh kernel, and if the machine is still starved it marks the submission for
  regrading instead of giving a grade.
"""
import asyncio
from dataclasses import dataclass

from .usage import Usage

POLL_SECONDS = 0.1
# A starved sandbox is stopped only after this multiple of its waiting allowance (at least
# CEILING_FLOOR seconds), so a busy machine slows grading down but does not change it.
CEILING_FACTOR = 10
CEILING_FLOOR = 60.0
STOP_KINDS = ("timeout", "waited", "starved")


@dataclass(frozen=True)
class Allowance:
    """``cpu`` seconds of CPU time, ``wait`` seconds of wall time given to the sandbox, and
    ``ceiling`` seconds of wall time in all."""

    cpu: float
    wait: float
    ceiling: float

    @classmethod
    def of(cls, cpu_seconds, wait_factor):
        """The allowance of a CPU-time limit: ``wait_factor`` times as much waiting."""
        wait = cpu_seconds * wait_factor
        return cls(cpu_seconds, wait, max(CEILING_FACTOR * wait, CEILING_FLOOR))

    def at_most(self, other):
        """The tighter of two allowances, limit by limit."""
        return Allowance(min(self.cpu, other.cpu), min(self.wait, other.wait),
                         min(self.ceiling, other.ceiling))


@dataclass(frozen=True)
class Stop:
    """Why work went past its allowance (a kind of ``STOP_KINDS``) and what it had used."""

    kind: str
    usage: Usage


def judge(used, allowance):
    """The kind of stop that ``used`` (a Usage) calls for under ``allowance``, or None."""
    if used.cpu > allowance.cpu:
        return "timeout"
    if used.given > allowance.wait:
        return "waited"
    if used.wall > allowance.ceiling:
        return "starved"
    return None


async def watch(meter, allowance, start):
    """Wait until the sandbox has used more than ``allowance`` since ``start`` (a Usage read
    from ``meter``); return that ``Stop``."""
    while True:
        await asyncio.sleep(POLL_SECONDS)
        used = meter.read() - start
        kind = judge(used, allowance)
        if kind is not None:
            return Stop(kind, used)


def seconds(value):
    """A short figure for feedback: "0.01 s", "1.2 s", "15 s"."""
    return "under 0.01 s" if value < 0.01 else f"{value:.2g} s"


def stop_message(kind, allowance, limit, reference=None):
    """What a student reads when work was stopped: ``limit`` names the limit that was hit
    ("the limit of one call"), ``reference`` is what the reference needs (CPU seconds) where it
    is known. Only the allowance's figures appear, never measured ones, so that a regrade
    says the same."""
    needs = f"; the reference needs {seconds(reference)}" if reference is not None else ""
    if kind == "timeout":
        return (f"used {allowance.cpu:.1f} s of CPU time ({limit} is {allowance.cpu:g} s"
                f"{needs})")
    if kind == "waited":
        return (f"ran {allowance.wait:g} s without finishing, while using less than its "
                f"{allowance.cpu:g} s of CPU time: does it sleep, or wait for input() or a "
                f"lock? ({limit} is {allowance.cpu:g} s of CPU time, or {allowance.wait:g} s "
                f"of running)")
    return ("the grading machine was too busy to give it the CPU time it asked for (this is "
            "not your code's fault: it will be graded again)")
