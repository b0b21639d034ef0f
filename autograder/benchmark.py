"""Benchmark: what the sandbox and the graders cost on top of running a notebook.

    python -m autograder.benchmark [ASSIGNMENT]

Times, side by side in one run, on the reference submission of each ASSIGNMENT (default: every
assignment in source/ with an example class): plain execution of the notebook with nbclient (no grading);
plain ``nbgrader autograde`` with nbgrader's own in-kernel Execute step (its grade cells only
fail fast: there is no grader in the kernel); and ``nbgrader autograde`` with this kit's
sandboxed kernel and trusted graders. Prints the seconds and the ratios.
"""
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from .example_class import build_example_class, mistakes_of
from .nbgrader_cli import REPO, assignments_in, make_course, run_nbgrader

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


def autograde(course, assignment):
    run_nbgrader(course, "autograde", assignment, "--student", "ada_reference", "--force")


def measure(scratch, assignment):
    """{figure name: seconds} for the reference submission of one assignment."""
    sandboxed = make_course(scratch / "sandboxed", [assignment])
    (scratch / "stock_config.py").write_text(STOCK_CONFIG)
    stock = make_course(scratch / "stock", [assignment], scratch / "stock_config.py")
    for course in (sandboxed, stock):
        build_example_class(course)
    notebook = next((sandboxed / "submitted" / "ada_reference" / assignment).glob("*.ipynb"))
    return {"plain": timed(plain_execution, notebook),
            "stock": timed(autograde, stock, assignment),
            "sandboxed": timed(autograde, sandboxed, assignment)}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    assignments = argv or [assignment for assignment in assignments_in(REPO)
                           if mistakes_of(assignment) is not None]
    print(f"{'assignment':24} {'nbclient, no grading':>21} {'nbgrader autograde':>19} "
          f"{'sandboxed autograde':>20} {'/ stock':>8} {'/ plain':>8}")
    for assignment in assignments:
        with tempfile.TemporaryDirectory(prefix="dlbio-benchmark-") as scratch:
            figures = measure(Path(scratch), assignment)
        print(f"{assignment:24} {figures['plain']:19.1f} s {figures['stock']:17.1f} s "
              f"{figures['sandboxed']:18.1f} s {figures['sandboxed'] / figures['stock']:7.2f}x "
              f"{figures['sandboxed'] / figures['plain']:7.2f}x", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
