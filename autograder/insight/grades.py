"""``autograder grades ASSIGNMENT... --format nbgrader|canvas|moodle``: the gradebook, out.

- ``nbgrader``: the columns of ``nbgrader export``, with the same values, then one column per
  exercise (grade cell) with the student's points on it.
- ``canvas``: a file for Canvas's "Import" in the Gradebook. Canvas's importer
  (instructure/canvas-lms, ``app/models/gradebook_importer.rb``, and Instructure's guide "How
  do I import grades in the Gradebook?") reads a header whose first columns are ``Student``,
  ``ID``, ``SIS User ID``, ``SIS Login ID`` and ``Section``, then one column per assignment (an
  unknown title creates the assignment), an optional row starting "Points Possible", then one
  row per student. It finds each student by ID, else SIS User ID, else SIS Login ID, else the
  name: here ``SIS Login ID`` is nbgrader's student id (usually the JupyterHub login) and
  ``Student`` the name as "Last, First"; ``ID`` is left empty. A blank grade changes nothing.
- ``moodle``: a file for Moodle's "Import grades: CSV file" (``grade/import/csv``,
  ``classes/load_data.php``, and MoodleDocs "Grade import"): a header row, then one row per
  student; on import the TA maps an identifier column to a user field (here ``Username``, to
  map to "username", or ``Email address``) and each grade column to a grade item (or a new
  one). A grade is a number; "-" means none.

For Canvas and Moodle each assignment is one column of its total score (after nbgrader's late
penalty); a student without a submission gets no grade (blank, "-"), not a zero.
"""
import csv

from .gradebook import read_assignment

NBGRADER_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name",
                    "first_name", "email", "raw_score", "late_submission_penalty", "score",
                    "max_score"]
CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_COLUMNS = ["Username", "First name", "Last name", "Email address"]
FORMATS = ("nbgrader", "canvas", "moodle")


def _text(value):
    """A value as nbgrader's export writes it: str(), and "" for None."""
    return "" if value is None else str(value)


def exercise_name(grade_id):
    """The column of a grade cell: its id without nbgrader's "grade_" ("grade_mse" -> "mse")."""
    return grade_id.removeprefix("grade_")


def nbgrader_table(assignments):
    """(header, rows) of nbgrader's export of ``assignments`` (gradebook.Assignment) plus one
    column per exercise; with several assignments an exercise column is "assignment: name"."""
    def column(assignment, grade_id):
        name = exercise_name(grade_id)
        return name if len(assignments) == 1 else f"{assignment.name}: {name}"

    exercises = [(assignment.name, grade_id, column(assignment, grade_id))
                 for assignment in assignments for grade_id in assignment.grade_cells]
    rows = []
    for assignment in assignments:
        for student, submission in assignment.submissions.items():
            person = assignment.students[student]
            values = [assignment.name, assignment.duedate,
                      submission.timestamp if submission else "", student, person.last_name,
                      person.first_name, person.email,
                      submission.raw_score if submission else 0.0,
                      submission.late_penalty if submission else 0.0,
                      submission.score if submission else 0.0, assignment.max_score]
            for name, grade_id, _ in exercises:
                if name != assignment.name:
                    values.append("")
                else:
                    values.append(submission.cells.get(grade_id, (0.0,))[0] if submission
                                  else 0.0)
            rows.append([_text(value) for value in values])
    return NBGRADER_COLUMNS + [header for _, _, header in exercises], rows


def _by_student(assignments):
    """{student id: (gradebook.Student, [score or None per assignment])}."""
    table = {}
    for index, assignment in enumerate(assignments):
        for student, submission in assignment.submissions.items():
            _, scores = table.setdefault(
                student, (assignment.students[student], [None] * len(assignments)))
            scores[index] = round(submission.score, 4) if submission else None
    return table


def canvas_table(assignments):
    """(header, rows) of a Canvas gradebook import file: a "Points Possible" row, then one row
    per student."""
    header = CANVAS_COLUMNS + [assignment.name for assignment in assignments]
    rows = [["Points Possible", "", "", "", ""] + [_text(assignment.max_score)
                                                   for assignment in assignments]]
    for student, (person, scores) in _by_student(assignments).items():
        name = ", ".join(part for part in (person.last_name, person.first_name) if part)
        rows.append([name or student, "", "", student, ""]
                    + ["" if score is None else _text(score) for score in scores])
    return header, rows


def moodle_table(assignments):
    """(header, rows) of a Moodle CSV grade import file."""
    header = MOODLE_COLUMNS + [assignment.name for assignment in assignments]
    rows = [[student, person.first_name, person.last_name, person.email]
            + ["-" if score is None else _text(score) for score in scores]
            for student, (person, scores) in _by_student(assignments).items()]
    return header, rows


def grades_table(course, assignment_names, kind):
    """(header, rows) of ``assignment_names`` in ``course``'s gradebook in format ``kind``
    (one of FORMATS). Raises gradebook.NoGradebook when one is not in the gradebook."""
    assignments = [read_assignment(course, name) for name in assignment_names]
    return {"nbgrader": nbgrader_table, "canvas": canvas_table,
            "moodle": moodle_table}[kind](assignments)


def write_table(path, header, rows):
    """Write a CSV file (UTF-8, quoted where a field needs it, as both LMSs read)."""
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)
