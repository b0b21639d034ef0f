"""Where one hub deployment keeps everything, and who uses it.

A deployment is one folder, ``root`` (``/srv/dlbio-hub`` for ``make hub``):

    course/           the course folder (nbgrader_config.py, source/, release/, quizzes/, the
                      roster), the instructor's alone; the gradebook, submissions and feedback
                      land here
    exchange/         nbgrader's exchange, shared by everyone
    envs/student/     the students' Python: torch, nbgrader, JupyterHub and the student kit
    envs/instructor/  the instructor's: the same and the course kit (graders, solutions)
    home/<user>/      each user's home
    state/            the hub's own files (database, cookie secret, the users' passwords), root's

``python -m autograder.deploy.jupyterhub`` writes ``state/deployment.json``;
``jupyterhub_config.py`` reads it back with ``Deployment.load``.
"""
import csv
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
# `make setup` installs these from npm (see the Makefile): the proxy, and MathJax 2, which
# formgrader's grading page and nbgrader's feedback pages load (the hub serves it).
NODE_MODULES = REPO / ".venv" / "node" / "node_modules"
PROXY = NODE_MODULES / ".bin" / "configurable-http-proxy"
MATHJAX = NODE_MODULES / "mathjax"
LOGIN_NAME = re.compile(r"[a-z_][a-z0-9_-]{0,31}")


@dataclass(frozen=True)
class Student:
    """One row of a roster: the id is the student's login name and nbgrader student id."""

    id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()


def read_roster(path):
    """The ``Student``s of a roster file in nbgrader's CSV format (columns id, first_name,
    last_name, email; ``nbgrader db student import`` reads the same file)."""
    with open(path, newline="") as file:
        rows = list(csv.DictReader(file))
    students = []
    for line, row in enumerate(rows, start=2):
        student = Student(**{key: (row.get(key) or "").strip()
                             for key in ("id", "first_name", "last_name", "email")})
        if not LOGIN_NAME.fullmatch(student.id):
            raise ValueError(f"{path}, line {line}: the id {student.id!r} cannot be a login "
                             f"name (lowercase letters, digits, '_' and '-', at most 32, not "
                             f"starting with a digit or '-')")
        students.append(student)
    if not students:
        raise ValueError(f"{path} lists no student")
    return students


@dataclass(frozen=True)
class Deployment:
    """One hub: its folder, its users (login names), its course and the addresses it uses.

    ip and port: where the hub is reached (``url``); hub_port, proxy_api_port and
    mathjax_port: the internal ports of the hub, the proxy's API and the MathJax service, on
    127.0.0.1.
    """

    root: Path
    instructor: str
    students: tuple
    course_id: str
    ip: str = "127.0.0.1"
    port: int = 8000
    hub_port: int = 8081
    proxy_api_port: int = 8001
    mathjax_port: int = 8002

    @property
    def users(self):
        return (self.instructor, *self.students)

    @property
    def url(self):
        return f"http://{self.ip}:{self.port}"

    @property
    def course(self):
        return self.root / "course"

    @property
    def exchange(self):
        return self.root / "exchange"

    @property
    def homes(self):
        return self.root / "home"

    @property
    def state(self):
        return self.root / "state"

    @property
    def passwords(self):
        """The file of the users this deployment made, with their passwords (root's only)."""
        return self.state / "passwords"

    @property
    def templates(self):
        """A Jupyter data folder of the instructor's: nbconvert templates that load MathJax from
        the hub (formgrader's pages and the feedback nbgrader writes)."""
        return self.root / "jupyter"

    def environment(self, user):
        """The Python environment (a venv folder) the server of ``user`` runs in."""
        return self.root / "envs" / ("instructor" if user == self.instructor else "student")

    def save(self):
        settings = {**asdict(self), "root": str(self.root), "students": list(self.students)}
        (self.state / "deployment.json").write_text(json.dumps(settings, indent=2))

    @classmethod
    def load(cls, root):
        """The deployment ``save`` wrote into the folder ``root``."""
        settings = json.loads((Path(root) / "state" / "deployment.json").read_text())
        return cls(**{**settings, "root": Path(settings["root"]),
                      "students": tuple(settings["students"])})
