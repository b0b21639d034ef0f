"""The course's quiz banks (``quizzes/*.yaml``): graded ones become nbgrader quiz assignments,
practice ones travel in the student kit (``dlbio_student.quiz.practice``)."""
from pathlib import Path

from dlbio_student.quiz.practice import PRACTICE_BANKS

from ..course import course_root


def bank_path(reference):
    """The file of a bank given as a path, or as a name in the course's ``quizzes/`` folder."""
    path = Path(reference)
    if path.suffix in (".yaml", ".yml", ".json") or path.exists():
        return path
    return course_root() / "quizzes" / f"{reference}.yaml"


def graded_banks(root=None):
    """Names of the banks a quiz assignment grades: every bank that is not practice-only."""
    return [path.stem for path in sorted(((root or course_root()) / "quizzes").glob("*.yaml"))
            if path.stem not in PRACTICE_BANKS]
