"""Benchmark: what one hanging function costs a notebook's grading, idle and on a busy machine.

    python -m autograder.tools.hang_benchmark [ASSIGNMENT] [--hogs N]

Grades, alone and one after another (as ``autograder check`` does, under the assignment's
shipped limits), the reference notebook of the assignment (default 01_linear_regression) and
the same notebook with ``predict`` replaced by a CPU-spinning hang and by a sleeping one
(``time.sleep(10**6)``); first on the machine as it is, then beside N CPU-bound processes
(default 2). Prints each grading's wall time, what each hang costs over the reference, and
whether the reference kept full marks and the hanging notebooks lost only ``predict``.
"""
import argparse
import sys
import time

import nbformat

from ..course import restore_grade_cells
from ..fitted_limits import limits_for
from ..nbgrader_cli import REPO
from ..pipeline import grade_notebook
from .example_class import filled_notebook, solution_code
from .machine_load import cpu_hogs

HANGS = {"spinning": "def predict(x, w, b):\n    while True:\n        pass\n",
         "sleeping": "def predict(x, w, b):\n    import time\n    time.sleep(10**6)\n"}


def notebooks(assignment):
    """{name: notebook}: the reference, and the reference with each hanging predict."""
    source_path = next((REPO / "source" / assignment).glob("*.ipynb"))
    source = nbformat.read(source_path, as_version=4)
    release = nbformat.read(REPO / "release" / assignment / source_path.name, as_version=4)

    def with_predict(code):
        notebook = filled_notebook(release, source, lambda exercise, cell: (
            code if code and exercise == "predict" else solution_code(cell)))
        return restore_grade_cells(notebook, source)

    return source_path.parent, {"reference": with_predict(None),
                                **{name: with_predict(code) for name, code in HANGS.items()}}


def grade_all(assignment):
    """{name: (seconds, {exercise: points}, points possible)} of each notebook, graded alone."""
    folder, graded = notebooks(assignment)
    figures = {}
    for name, notebook in graded.items():
        start = time.perf_counter()
        report = grade_notebook(notebook, name, folder, limits_for(assignment),
                                assignment=assignment)
        figures[name] = (time.perf_counter() - start,
                         {exercise.exercise: exercise.points for exercise in report.exercises},
                         report.points_possible)
        print(f"  {name:10} {figures[name][0]:7.1f} s  {report.points:g} / "
              f"{report.points_possible:g}", flush=True)
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.tools.hang_benchmark",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("assignment", nargs="?", default="01_linear_regression")
    parser.add_argument("--hogs", type=int, default=2, help="CPU-bound processes beside it")
    options = parser.parse_args(argv)
    for label, hogs in (("as it is", 0), (f"beside {options.hogs} CPU-bound processes",
                                          options.hogs)):
        print(f"{options.assignment}, {label}:")
        with cpu_hogs(hogs):
            figures = grade_all(options.assignment)
        seconds, points, possible = figures["reference"]
        for name in HANGS:
            lost = {exercise: points[exercise] - earned
                    for exercise, earned in figures[name][1].items() if earned != points[exercise]}
            print(f"  a {name} predict costs {figures[name][0] - seconds:+.1f} s; points lost: "
                  f"{lost}")
        print(f"  reference at full marks: {sum(points.values()) == possible}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
