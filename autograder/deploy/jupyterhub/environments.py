"""The hub's two Pythons, each a venv of the machine's own Python (one every user can run):

- the students': torch, nbgrader, JupyterHub's single-user server and the student kit wheel,
  nothing of the course kit; nbgrader's instructor extensions (formgrader, course list, create
  assignment) are disabled, so a student has the assignment list and Validate;
- the instructor's: the same and the course kit wheel (graders, solutions, the sandbox),
  readable by the instructor alone.

Each also holds the nbgrader settings of its users (``etc/jupyter/nbgrader_config.py``: the
exchange, and for the instructor the course folder). An environment is built once and again
only when what goes into it changes (its ``.dlbio-requirements`` file records that); a changed
wheel alone is reinstalled. A pinned torch this Python has is hard-linked in (``links``).
"""
import hashlib
import importlib.metadata
import os
import pwd
import shutil
import zipfile
from concurrent.futures import ThreadPoolExecutor

import jupyterhub

from ..links import link_into
from .commands import run

STUDENT_SERVER_EXTENSIONS_OFF = ("nbgrader.server_extensions.formgrader",
                                 "nbgrader.server_extensions.course_list")
STUDENT_LAB_PLUGINS_OFF = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:course-list",
                           "@jupyter/nbgrader:create-assignment")
NEWS = "@jupyterlab/apputils-extension:announcements"  # would ask to fetch news from the web
RECORD = ".dlbio-requirements"


def common_requirements(torch):
    """What both environments install: ``torch`` (e.g. "torch==2.13.0"), the nbgrader the
    course kit asks for, and the single-user server of this hub's JupyterHub version."""
    nbgrader, = [requirement for requirement in importlib.metadata.requires("dlbio-course")
                 if requirement.startswith("nbgrader")]
    return [torch, nbgrader, f"jupyterhub=={jupyterhub.__version__}"]


def build_both(deployment, python, torch, student_wheel, course_wheel):
    """Build (or keep) the students' and the instructor's environment, side by side."""
    common = common_requirements(torch)
    student = deployment.environment(deployment.students[0])
    instructor = deployment.environment(deployment.instructor)
    with ThreadPoolExecutor(max_workers=2) as builders:
        built = [builders.submit(build, student, python, [*common, str(student_wheel)],
                                 turn_off_instructor_extensions),
                 builders.submit(build, instructor, python,
                                 [*common, str(student_wheel), str(course_wheel)],
                                 turn_off_the_news)]
        for future in built:
            future.result()
    exchange = [f"c.CourseDirectory.course_id = {deployment.course_id!r}",
                f"c.Exchange.root = {str(deployment.exchange)!r}"]
    write_nbgrader_config(student, exchange)
    write_nbgrader_config(instructor,
                          [*exchange, f"c.CourseDirectory.root = {str(deployment.course)!r}"])
    shutil.chown(instructor, group=pwd.getpwnam(deployment.instructor).pw_gid)
    os.chmod(instructor, 0o750)  # the course kit holds the graders and solutions


def build(env, python, requirements, finish=None):
    """A venv at ``env`` made with ``python`` holding ``requirements`` (names and wheel
    files), then ``finish(env)`` if given. Kept as it is if it holds the same requirements and
    wheels; where only a wheel's contents changed (a new course kit), that wheel alone is
    reinstalled."""
    wheels = [requirement for requirement in requirements if os.path.isfile(requirement)]
    names = "\n".join([python, *requirements])
    contents = "\n".join(map(_wheel_contents, wheels))
    record = env / RECORD
    if record.is_file() and record.read_text().startswith(names + "\n"):
        if record.read_text() != f"{names}\n{contents}":
            run([env / "bin" / "pip", "install", "--quiet", "--no-deps", "--force-reinstall",
                 *wheels])
            record.write_text(f"{names}\n{contents}")
        return
    shutil.rmtree(env, ignore_errors=True)
    env.parent.mkdir(parents=True, exist_ok=True)
    run([python, "-m", "venv", env])
    link_into(env, requirements)  # torch: hard links to this Python's, not a second 1.5 GB
    run([env / "bin" / "pip", "install", "--quiet", *requirements])
    if finish is not None:
        finish(env)
    record.write_text(f"{names}\n{contents}")


def turn_off_instructor_extensions(env):
    """A student's JupyterLab from ``env`` has nbgrader's assignment list and Validate only."""
    for extension in STUDENT_SERVER_EXTENSIONS_OFF:
        run([env / "bin" / "jupyter", "server", "extension", "disable", "--sys-prefix",
             extension])
    for action in ("disable", "lock"):  # locked: not to be turned on again in the settings
        run([env / "bin" / "jupyter", "labextension", action, "--level=sys_prefix",
             *STUDENT_LAB_PLUGINS_OFF, NEWS])


def turn_off_the_news(env):
    """JupyterLab from ``env`` does not offer to fetch Jupyter's news: the hub needs no web."""
    run([env / "bin" / "jupyter", "labextension", "disable", "--level=sys_prefix", NEWS])


def write_nbgrader_config(env, lines):
    """The nbgrader settings of everyone who runs ``env`` (its sys-prefix config folder)."""
    folder = env / "etc" / "jupyter"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "nbgrader_config.py").write_text(
        "# Written by autograder.deploy.jupyterhub for this hub.\nc = get_config()  # noqa\n"
        + "".join(f"{line}\n" for line in lines))


def _wheel_contents(wheel):
    """A digest of what ``wheel`` holds (its files and their checksums, not when it was built:
    two builds of the same kit are the same)."""
    with zipfile.ZipFile(wheel) as archive:
        members = sorted(f"{entry.filename} {entry.CRC}" for entry in archive.infolist())
    return hashlib.sha256("\n".join(members).encode()).hexdigest()
