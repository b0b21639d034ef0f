"""The hub's course folder and exchange.

The course folder is a copy of the repository's course (``nbgrader_config.py``, ``source/``,
``release/``, ``quizzes/``) and the roster, made once and owned by the instructor alone (0700:
it holds the instructor notebooks, the gradebook and every submission); later starts keep it as
it is. The graders and solutions are not copied: they come with the course kit in the
instructor's environment. The exchange is everyone's (1777, as nbgrader wants it), and the
course's own folder in it is made the instructor's first, so no student can take its name.
"""
import os
import pwd
import shutil
from pathlib import Path

from traitlets.config.loader import PyFileConfigLoader

from .accounts import run_as
from .deployment import REPO

COURSE_PARTS = ("nbgrader_config.py", "source", "release", "quizzes")


def course_id_of(course=REPO):
    """The nbgrader course id that ``course``/nbgrader_config.py sets."""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    return config.CourseDirectory.course_id


def make_course_folder(deployment, roster):
    """Copy the course (once) and the roster file ``roster`` into ``deployment.course``."""
    if not deployment.course.exists():
        deployment.course.mkdir(mode=0o700, parents=True)
        for part in COURSE_PARTS:
            source = REPO / part
            if source.is_dir():
                shutil.copytree(source, deployment.course / part, ignore=shutil.ignore_patterns(
                    ".ipynb_checkpoints", "__pycache__"))
            else:
                shutil.copy(source, deployment.course / part)
    shutil.copy(roster, deployment.course / "roster.csv")
    _give(deployment.course, deployment.instructor)


def make_exchange(deployment):
    """The shared exchange folder and, in it, the course's folder (the instructor's)."""
    deployment.exchange.mkdir(parents=True, exist_ok=True)
    os.chmod(deployment.exchange, 0o1777)
    course_exchange = deployment.exchange / deployment.course_id
    course_exchange.mkdir(exist_ok=True)
    os.chmod(course_exchange, 0o755)
    shutil.chown(course_exchange, deployment.instructor,
                 pwd.getpwnam(deployment.instructor).pw_gid)


def import_roster(deployment):
    """Put the roster's students into the course's gradebook (names included), as the
    instructor with the instructor's nbgrader; returns nbgrader's output."""
    bin_folder = deployment.environment(deployment.instructor) / "bin"
    result = run_as(deployment.instructor,
                    [bin_folder / "nbgrader", "db", "student", "import", "roster.csv"],
                    cwd=deployment.course,
                    environment={"PATH": f"{bin_folder}:/usr/bin:/bin", "LANG": "C.UTF-8"})
    return result.stdout + result.stderr


def _give(folder, user):
    """Make ``user`` (and their group) the owner of ``folder`` and everything in it."""
    group = pwd.getpwnam(user).pw_gid
    for parent, dirs, files in os.walk(folder):
        for name in [parent, *(Path(parent) / entry for entry in dirs + files)]:
            shutil.chown(name, user, group)
