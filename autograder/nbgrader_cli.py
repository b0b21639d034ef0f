"""Driving the real nbgrader command line: the demo, the benchmark and the tests share this.

    python -m autograder.nbgrader_cli    regenerate release/ from source/ (``make release``)
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run_nbgrader(course, *args, check=True, quiet=True, announce=False):
    """Run ``nbgrader *args`` in the course folder ``course``; returns the CompletedProcess.

    announce: print the command first, as the demo does."""
    if announce:
        print(f"$ nbgrader {' '.join(args)}", flush=True)
    command = [sys.executable, "-m", "nbgrader", *args]
    if quiet:
        command.append("--log-level=WARN")
    # nbgrader starts alembic by name: it must find this interpreter's scripts first.
    scripts = os.path.dirname(sys.executable)
    environment = {**os.environ, "PATH": scripts + os.pathsep + os.environ.get("PATH", "")}
    result = subprocess.run(command, cwd=course, env=environment, capture_output=True, text=True,
                            timeout=1800)
    if check and result.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed (exit {result.returncode}):\n"
                           f"{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return result


def make_course(destination, assignments, config=REPO / "nbgrader_config.py"):
    """A fresh course folder with ``config`` and ``assignments`` copied from source/ and
    generated with ``nbgrader generate_assignment``; returns its path."""
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy(config, destination / "nbgrader_config.py")
    for assignment in assignments:
        shutil.copytree(REPO / "source" / assignment, destination / "source" / assignment,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
                        dirs_exist_ok=True)
    generate_release(destination, assignments)
    return destination


def assignments_in(course):
    """The course's assignments: the folders of ``course``/source that hold a notebook."""
    return sorted({path.parent.name for path in Path(course).glob("source/*/*.ipynb")})


def generate_release(course, assignments, announce=False):
    """``nbgrader generate_assignment`` of each assignment: release/ from source/."""
    for assignment in assignments:
        run_nbgrader(course, "generate_assignment", assignment, "--force", announce=announce)


if __name__ == "__main__":
    generate_release(REPO, assignments_in(REPO), announce=True)
