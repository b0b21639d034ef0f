"""nbgrader's gradebook of a course, read into plain data for the class report and grades out.

The database is the one ``nbgrader_config.py`` names (``CourseDirectory.db_url``; nbgrader's
default is ``gradebook.db`` in the course folder). Nothing here writes to it.
"""
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from ..notebooks import read_notebook


@dataclass
class Student:
    """A student of the course, as the gradebook knows them."""

    id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""


@dataclass
class Submission:
    """One student's graded submission of an assignment.

    cells: {grade cell id: (score, max_score, auto_score)} of every graded cell of every
    notebook (score counts a TA's manual score; auto_score is the autograder's, or None).
    """

    timestamp: object
    raw_score: float
    late_penalty: float
    max_score: float
    cells: dict = field(default_factory=dict)

    @property
    def score(self):
        """The score after the late penalty, as nbgrader's export computes it."""
        return max(0.0, self.raw_score - self.late_penalty)


@dataclass
class Assignment:
    """An assignment of the gradebook: every student of the course ({id: Student}, in the
    order of nbgrader's export), their submission ({id: Submission, or None}) and the grade
    cells ({grade cell id: max_score}, in notebook order)."""

    name: str
    duedate: object
    max_score: float
    students: dict
    submissions: dict
    grade_cells: dict


class NoGradebook(Exception):
    """The course has no gradebook, or not this assignment in it."""


def course_config(course):
    """The traitlets config of the course folder's ``nbgrader_config.py`` (empty if none)."""
    if not (Path(course) / "nbgrader_config.py").exists():
        return Config()
    return PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()


def gradebook_url(course):
    """The database URL of ``course``'s gradebook."""
    return CourseDirectory(config=course_config(course), root=str(Path(course).resolve())).db_url


def read_assignment(course, assignment):
    """The ``Assignment`` named ``assignment`` in ``course``'s gradebook, with every student of
    the course. Raises NoGradebook when there is no such gradebook or assignment."""
    url = gradebook_url(course)
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).exists():
        raise NoGradebook(f"no gradebook at {url[len('sqlite:///'):]}: run nbgrader autograde "
                          f"(or autograder autograde) first")
    with Gradebook(url) as gradebook:
        try:
            found = gradebook.find_assignment(assignment)
        except MissingEntry:
            raise NoGradebook(f"the gradebook has no assignment {assignment!r}") from None
        students, submissions = {}, {}
        for student in gradebook.students:
            students[student.id] = Student(student.id, student.first_name or "",
                                           student.last_name or "", student.email or "")
            try:
                submitted = gradebook.find_submission(assignment, student.id)
            except MissingEntry:
                submissions[student.id] = None
                continue
            submissions[student.id] = Submission(
                submitted.timestamp, submitted.score,
                submitted.late_submission_penalty or 0.0, submitted.max_score,
                {grade.name: (grade.score, grade.max_score, grade.auto_score)
                 for notebook in submitted.notebooks for grade in notebook.grades})
        cells = {cell.name: cell.max_score for notebook in found.notebooks
                 for cell in notebook.grade_cells}
        return Assignment(assignment, found.duedate, found.max_score, students, submissions,
                          _in_notebook_order(course, assignment, cells))


def _in_notebook_order(course, assignment, cells):
    """``cells`` ({grade id: value}) in the order of the assignment's source notebooks (the
    gradebook keeps no order); cells no source notebook has come last."""
    order = [cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
             for path in sorted((Path(course) / "source" / assignment).glob("*.ipynb"))
             for cell in read_notebook(path).cells]
    rank = {grade_id: index for index, grade_id in enumerate(order) if grade_id}
    return dict(sorted(cells.items(), key=lambda item: rank.get(item[0], len(rank))))
