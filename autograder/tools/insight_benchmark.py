"""Benchmark: the class insight commands on a graded class of 25.

    python -m autograder.tools.insight_benchmark [--jobs N] [--repeat R] [--keep DIR]

Builds the class of ``class_benchmark`` for 01_linear_regression (two honest students, an
untouched release and one student per typical mistake: 25 submissions), grades it once with
``autograder autograde --jobs N`` (default 2), then times, each as the TA runs it (a fresh
``autograder`` process in the course folder, imports included), ``R`` times (default 3,
median): ``autograder report``, ``autograder similarity`` and ``autograder grades`` in each
format. ``--keep DIR`` grades into DIR, or reuses the class graded there before.
"""
import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ..nbgrader_cli import make_course
from .class_benchmark import autograder_autograde, write_class

ASSIGNMENT = "01_linear_regression"
COMMANDS = [["report", ASSIGNMENT], ["similarity", ASSIGNMENT],
            ["grades", ASSIGNMENT, "--format", "nbgrader"],
            ["grades", ASSIGNMENT, "--format", "canvas"],
            ["grades", ASSIGNMENT, "--format", "moodle"]]


def graded_class(folder, jobs):
    """The course in ``folder`` with the class graded (built and graded unless it is); returns
    (number of submissions, seconds the grading took, 0 when reused)."""
    if (folder / "gradebook.db").exists():
        return len(list((folder / "submitted").iterdir())), 0.0
    make_course(folder, [ASSIGNMENT])
    size = write_class(folder, ASSIGNMENT)
    start = time.perf_counter()
    autograder_autograde(folder, ASSIGNMENT, "--jobs", str(jobs))
    return size, time.perf_counter() - start


def command_seconds(course, arguments, repeat):
    """Median wall time of ``autograder *arguments`` run in ``course``, ``repeat`` times."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "autograder", *arguments], cwd=course, check=True,
                       capture_output=True, timeout=600)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.tools.insight_benchmark",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="grade into this folder, or reuse it")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dlbio-insight-benchmark-") as scratch:
        course = (options.keep or Path(scratch) / "course").resolve()
        size, grading = graded_class(course, options.jobs)
        print(f"class of {size} submissions of {ASSIGNMENT}"
              + (f", graded in {grading:.1f} s (--jobs {options.jobs})" if grading else
                 " (graded before)"), flush=True)
        for arguments in COMMANDS:
            seconds = command_seconds(course, arguments, options.repeat)
            print(f"autograder {' '.join(arguments):48} {seconds:6.2f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
