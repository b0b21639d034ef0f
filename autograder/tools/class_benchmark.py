"""Benchmark: grading a class, sequentially with nbgrader and in parallel with this kit.

    python -m autograder.tools.class_benchmark [--jobs N] [--no-dask] [ASSIGNMENT]

Builds a class of the assignment (default 01_linear_regression) from its release: two honest
students (the reference), one untouched release, and one student per typical mistake of the
catalogue (the reference elsewhere), at least 20 submissions. Then, side by side in one run,
each in a fresh course: sequential ``nbgrader autograde``; ``autograder autograde --jobs N``
(default 2); the same class with one more student whose ``predict`` never returns, by both
(the cost of one hanging student); and ``autograder autograde`` on a local Dask cluster (a
scheduler and N single-threaded workers on 127.0.0.1). Prints seconds, speed-ups, and whether
every gradebook score agrees with sequential nbgrader's.
"""
import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

from ..nbgrader_cli import make_course, run_nbgrader
from .example_class import filled_notebook, mistakes_of, solution_code

HANGING = '''
def predict(x, w, b):
    while True:
        pass
'''


def class_submissions(course, assignment):
    """{student: notebook} of the generated class."""
    source_path = next((course / "source" / assignment).glob("*.ipynb"))
    source = nbformat.read(source_path, as_version=4)
    release = nbformat.read(course / "release" / assignment / source_path.name, as_version=4)

    def with_code(exercise_code):
        return filled_notebook(release, source, lambda exercise, cell: exercise_code.get(
            exercise, solution_code(cell)))

    students = {"honest_1": with_code({}), "honest_2": with_code({}),
                "untouched": nbformat.from_dict(release)}
    for number, mistake in enumerate(
            (mistake for mistakes in mistakes_of(assignment, source).values()
             for mistake in mistakes), 1):
        students[f"mistake_{number:02d}_{mistake.exercise}"] = with_code(
            {mistake.exercise: mistake.code.strip() + "\n"})
    return students, source_path.name


def write_class(course, assignment, hanging=False):
    students, notebook_name = class_submissions(course, assignment)
    if hanging:
        source_path = course / "source" / assignment / notebook_name
        source = nbformat.read(source_path, as_version=4)
        release = nbformat.read(course / "release" / assignment / notebook_name, as_version=4)
        students["hanging_predict"] = filled_notebook(release, source, lambda exercise, cell: (
            HANGING if exercise == "predict" else solution_code(cell)))
    for student, notebook in students.items():
        target = course / "submitted" / student / assignment / notebook_name
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, target)
    return len(students)


def scores(course, assignment):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {submission.student_id: {grade.name: grade.auto_score
                                        for notebook in submission.notebooks
                                        for grade in notebook.grades}
                for submission in gradebook.assignment_submissions(assignment)}


def autograder_autograde(course, assignment, *options):
    command = [sys.executable, "-m", "autograder", "autograde", assignment, *options]
    subprocess.run(command, cwd=course, check=True, capture_output=True, timeout=7200)


def timed(function, *args):
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def local_cluster(workers, folder):
    """(address, processes) of a Dask scheduler and ``workers`` single-threaded workers."""
    from distributed import Client

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dask = str(Path(sys.executable).with_name("dask"))
    quiet = {"cwd": folder, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    address = f"tcp://127.0.0.1:{port}"
    processes = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                   "--no-dashboard"], **quiet)]
    processes += [subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--no-dashboard",
                                    "--death-timeout", "60"], **quiet) for _ in range(workers)]
    with Client(address, timeout=60) as client:
        client.wait_for_workers(workers, timeout=120)
    return address, processes


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.tools.class_benchmark",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("assignment", nargs="?", default="01_linear_regression")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-dask", action="store_true")
    options = parser.parse_args(argv)
    assignment, jobs = options.assignment, options.jobs
    with tempfile.TemporaryDirectory(prefix="dlbio-class-benchmark-") as scratch:
        scratch = Path(scratch)
        template = make_course(scratch / "template", [assignment])
        courses, figures = {}, {}

        def course(name, hanging=False):
            courses[name] = scratch / name
            shutil.copytree(template, courses[name])
            size = write_class(courses[name], assignment, hanging)
            return courses[name], size

        runs = [("nbgrader autograde (sequential)", False,
                 lambda path: run_nbgrader(path, "autograde", assignment)),
                (f"autograder autograde --jobs {jobs}", False,
                 lambda path: autograder_autograde(path, assignment, "--jobs", str(jobs))),
                ("nbgrader autograde (sequential), + 1 hanging", True,
                 lambda path: run_nbgrader(path, "autograde", assignment)),
                (f"autograder autograde --jobs {jobs}, + 1 hanging", True,
                 lambda path: autograder_autograde(path, assignment, "--jobs", str(jobs)))]
        for name, hanging, run in runs:
            path, size = course(name, hanging)
            figures[name] = (size, timed(run, path))
            print(f"{name:52} {size:3d} submissions {figures[name][1]:8.1f} s", flush=True)
        if not options.no_dask:
            address, processes = local_cluster(jobs, scratch)
            try:
                name = f"autograder autograde on Dask ({jobs} local workers)"
                path, size = course(name)
                figures[name] = (size, timed(autograder_autograde, path, assignment,
                                             "--scheduler", address))
                print(f"{name:52} {size:3d} submissions {figures[name][1]:8.1f} s", flush=True)
            finally:
                for process in reversed(processes):
                    process.terminate()
                    process.wait(timeout=30)
        names = list(figures)
        sequential = scores(courses[names[0]], assignment)
        print()
        print(f"speed-up, --jobs {jobs} against sequential nbgrader: "
              f"{figures[names[0]][1] / figures[names[1]][1]:.2f}x")
        print(f"one hanging student costs: nbgrader {figures[names[2]][1] - figures[names[0]][1]:+.1f} s, "
              f"--jobs {jobs} {figures[names[3]][1] - figures[names[1]][1]:+.1f} s")
        for name in names[1:]:
            theirs = scores(courses[name], assignment)
            theirs.pop("hanging_predict", None)
            print(f"scores of '{name}' identical to sequential nbgrader's: {theirs == sequential}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
