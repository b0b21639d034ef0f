"""Benchmark: what the sandbox and the graders cost on top of running a notebook.

    python -m autograder.benchmark [ASSIGNMENT]

Times, side by side in one run, on the reference submission of ASSIGNMENT (default
01_linear_regression): plain execution of the notebook with nbclient (no grading); plain
``nbgrader autograde`` with nbgrader's own in-kernel Execute step; and ``nbgrader autograde``
with this kit's sandboxed grading. Prints the seconds and the ratios.
"""
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from .example_class import build_example_class
from .nbgrader_cli import make_course, run_nbgrader

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


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    assignment = argv[0] if argv else "01_linear_regression"
    with tempfile.TemporaryDirectory(prefix="dlbio-benchmark-") as scratch:
        scratch = Path(scratch)
        sandboxed = make_course(scratch / "sandboxed", [assignment])
        (scratch / "stock_config.py").write_text(STOCK_CONFIG)
        stock = make_course(scratch / "stock", [assignment], scratch / "stock_config.py")
        for course in (sandboxed, stock):
            build_example_class(course)
        notebook = next((sandboxed / "submitted" / "ada_reference" / assignment).glob("*.ipynb"))
        figures = {
            "nbclient execution, no grading": timed(plain_execution, notebook),
            "nbgrader autograde, stock Execute": timed(autograde, stock, assignment),
            "nbgrader autograde, sandboxed grading": timed(autograde, sandboxed, assignment),
        }
    for name, seconds in figures.items():
        print(f"{name:40} {seconds:7.2f} s")
    sandboxed_seconds = figures["nbgrader autograde, sandboxed grading"]
    print(f"{'sandboxed / stock nbgrader autograde':40} "
          f"{sandboxed_seconds / figures['nbgrader autograde, stock Execute']:7.2f} x")
    print(f"{'sandboxed autograde / plain execution':40} "
          f"{sandboxed_seconds / figures['nbclient execution, no grading']:7.2f} x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
