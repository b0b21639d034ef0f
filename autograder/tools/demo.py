"""``make demo``: generate the release, autograde the example class with the real nbgrader,
print the grade table and write the feedback. Run from the course folder (the repository)."""
import sys
from pathlib import Path

from nbgrader.api import Gradebook

from ..nbgrader_cli import assignments_in, generate_release, run_nbgrader
from ..sandbox.isolation import detect
from .example_class import STUDENTS, build_example_class


def grade_table(course, assignments):
    """Rows "student  assignment  score / max" from the gradebook nbgrader just filled."""
    lines = [f"{'student':16} {'assignment':24} {'score':>14}"]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for assignment in assignments:
            for student in STUDENTS:
                submission = gradebook.find_submission(assignment, student)
                lines.append(f"{student:16} {assignment:24} "
                             f"{submission.score:>6g} / {submission.max_score:<6g}")
    return "\n".join(lines)


def main():
    course = Path.cwd()
    isolation = detect()
    print(f"sandbox: {isolation.mode} ({isolation.reason})")
    generate_release(course, assignments_in(course), announce=True)
    graded = build_example_class(course)
    for assignment in graded:
        run_nbgrader(course, "autograde", assignment, "--force", announce=True)
        run_nbgrader(course, "generate_feedback", assignment, "--force", announce=True)
    print()
    print(grade_table(course, graded))
    print(f"\nFeedback (HTML): {course / 'feedback'}/<student>/<assignment>/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
