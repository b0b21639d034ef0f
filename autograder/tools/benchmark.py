"""Benchmark: what the sandbox and the graders cost on top of running a notebook.

    python -m autograder.tools.benchmark [--repeat N] [--printing] [ASSIGNMENT ...]

Times, side by side in one run, on the reference submission of each ASSIGNMENT (default: every
assignment in source/ with an example class): plain execution of the notebook with nbclient (no
grading); plain ``nbgrader autograde`` with nbgrader's own in-kernel Execute step (its grade
cells only fail fast: there is no grader in the kernel); and ``nbgrader autograde`` with this
kit's sandboxed kernel and trusted graders. Each is run N times (default 3, interleaved) and
the median is printed, with the ratios of the medians; then how many calls the graders made
into student code and how long they took (grading once in this process).

With ``--printing``: instead, ``nbgrader autograde`` of the reference submission against the
same submission with a cell of its own that prints 300 MB (``eve_prints_300_mb`` of
``autograder.tools.printing_submissions``), medians of N interleaved runs.
"""
import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from ..course import assignment_limits, restore_grade_cells
from ..nbgrader_cli import REPO, assignments_in, make_course, run_nbgrader
from ..notebooks import read_notebook
from ..pipeline import grade_notebook
from ..sandbox.kernel import SandboxKernel
from .example_class import build_example_class, has_mistakes
from .printing_submissions import printing_submissions

STOCK_CONFIG = '''c = get_config()
c.CourseDirectory.course_id = "dlbio"
'''


def timed(function, *args):
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def plain_execution(notebook_path):
    """nbclient in an ordinary local kernel, grade cells skipped (they are not Python there)."""
    notebook = nbformat.read(notebook_path, as_version=4)
    notebook.cells = [cell for cell in notebook.cells
                      if not cell.get("metadata", {}).get("nbgrader", {}).get("grade")]
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(notebook_path.parent)}}).execute()


PRINTING_STUDENT = "eve_prints_300_mb"


def autograde(course, assignment, student="ada_reference"):
    run_nbgrader(course, "autograde", assignment, "--student", student, "--force")


@contextlib.contextmanager
def counted_requests():
    """Count and time every request into the sandbox (``SandboxKernel.request``, the one place
    where graders reach student code); yields {"calls": int, "seconds": float}."""
    tally = {"calls": 0, "seconds": 0.0}
    real_request = SandboxKernel.request

    def request(kernel, message, timeout):
        start = time.perf_counter()
        try:
            return real_request(kernel, message, timeout)
        finally:
            tally["calls"] += 1
            tally["seconds"] += time.perf_counter() - start

    SandboxKernel.request = request
    try:
        yield tally
    finally:
        SandboxKernel.request = real_request


def calls_into_student_code(course, notebook_path, assignment):
    """{"calls", "seconds"} of grading ``notebook_path`` in this process, as
    ``autograder check`` does (grade cells restored from the course's source notebook)."""
    notebook = read_notebook(notebook_path)
    source = read_notebook(course / "source" / assignment / notebook_path.name)
    restore_grade_cells(notebook, source)
    with counted_requests() as tally:
        grade_notebook(notebook, assignment, notebook_path.parent,
                       assignment_limits(assignment, course), assignment=assignment)
    return tally


def measure(scratch, assignment, repeat):
    """{figure name: median seconds over ``repeat`` runs} for the reference submission of one
    assignment, and "requests": the graders' calls into student code."""
    sandboxed = make_course(scratch / "sandboxed", [assignment])
    (scratch / "stock_config.py").write_text(STOCK_CONFIG)
    stock = make_course(scratch / "stock", [assignment], scratch / "stock_config.py")
    for course in (sandboxed, stock):
        build_example_class(course)
    notebook = next((sandboxed / "submitted" / "ada_reference" / assignment).glob("*.ipynb"))
    runs = [{"plain": timed(plain_execution, notebook),
             "stock": timed(autograde, stock, assignment),
             "sandboxed": timed(autograde, sandboxed, assignment)} for _ in range(repeat)]
    figures = {name: statistics.median(run[name] for run in runs) for name in runs[0]}
    figures["requests"] = calls_into_student_code(sandboxed, notebook, assignment)
    return figures


def measure_printing(scratch, assignment, repeat):
    """{"reference", "printing": median seconds of ``nbgrader autograde``} of the reference
    submission and of the reference with a cell that prints 300 MB, in one sandboxed course."""
    course = make_course(scratch / "printing", [assignment])
    build_example_class(course)
    source_path = next((course / "source" / assignment).glob("*.ipynb"))
    source = nbformat.read(source_path, as_version=4)
    release = nbformat.read(course / "release" / assignment / source_path.name, as_version=4)
    folder = course / "submitted" / PRINTING_STUDENT / assignment
    folder.mkdir(parents=True)
    nbformat.write(printing_submissions(release, source)[PRINTING_STUDENT],
                   folder / source_path.name)
    runs = [{"reference": timed(autograde, course, assignment),
             "printing": timed(autograde, course, assignment, PRINTING_STUDENT)}
            for _ in range(repeat)]
    return {name: statistics.median(run[name] for run in runs) for name in runs[0]}


def print_printing_costs(assignments, repeat):
    print(f"{'assignment':24} {'reference':>10} {'+ a cell printing 300 MB':>25} {'more':>8}   "
          f"(sandboxed nbgrader autograde, medians of {repeat})")
    for assignment in assignments:
        with tempfile.TemporaryDirectory(prefix="dlbio-benchmark-") as scratch:
            figures = measure_printing(Path(scratch), assignment, repeat)
        print(f"{assignment:24} {figures['reference']:8.1f} s {figures['printing']:23.1f} s "
              f"{figures['printing'] - figures['reference']:+6.1f} s", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.tools.benchmark",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each figure (median)")
    parser.add_argument("--printing", action="store_true",
                        help="the cost of a cell that prints 300 MB, against the reference")
    parser.add_argument("assignments", nargs="*", metavar="ASSIGNMENT")
    options = parser.parse_args(argv)
    assignments = options.assignments or [assignment for assignment in assignments_in(REPO)
                                          if has_mistakes(assignment)]
    if options.printing:
        print_printing_costs(assignments, options.repeat)
        return 0
    print(f"{'assignment':24} {'nbclient, no grading':>21} {'nbgrader autograde':>19} "
          f"{'sandboxed autograde':>20} {'/ stock':>8} {'/ plain':>8}   "
          f"(medians of {options.repeat})")
    requests = {}
    for assignment in assignments:
        with tempfile.TemporaryDirectory(prefix="dlbio-benchmark-") as scratch:
            figures = measure(Path(scratch), assignment, options.repeat)
        print(f"{assignment:24} {figures['plain']:19.1f} s {figures['stock']:17.1f} s "
              f"{figures['sandboxed']:18.1f} s {figures['sandboxed'] / figures['stock']:7.2f}x "
              f"{figures['sandboxed'] / figures['plain']:7.2f}x", flush=True)
        requests[assignment] = figures["requests"]
    print(f"\n{'assignment':24} {'calls into student code':>24} {'their time':>11}")
    for assignment, tally in requests.items():
        print(f"{assignment:24} {tally['calls']:24d} {tally['seconds']:9.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
