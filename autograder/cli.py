"""``autograder``: check a notebook, report the sandbox, take and manage quizzes.

    autograder check NOTEBOOK [--json]   grade a notebook exactly as nbgrader autograde does
    autograder autograde ASSIGNMENT      grade a class in parallel (in the course folder)
    autograder report ASSIGNMENT         what the class got wrong; quiz item statistics
    autograder similarity ASSIGNMENT     pairs of submissions whose own code is alike
    autograder grades ASSIGNMENT...      grades out: nbgrader's columns + exercises, Canvas, Moodle
    autograder doctor                    which sandbox this machine gives student code, and why
    autograder quiz ...                  quiz banks: lint, take, check, build, export
"""
import argparse
import json
import sys
from pathlib import Path

from dlbio_student import report as report_module

from .quiz.cli import add_quiz_commands


def check(args):
    """Grade one notebook in a fresh sandboxed kernel and print the report."""
    from .course import assignment_limits, find_source_notebook, restore_grade_cells
    from .notebooks import read_notebook
    from .pipeline import EXIT_REGRADE, grade_notebook

    path = Path(args.notebook)
    try:
        notebook = read_notebook(path)
        assignment, source = find_source_notebook(notebook)
    except ValueError as error:
        print(f"autograder check: {error}", file=sys.stderr)
        return 2
    restore_grade_cells(notebook, source)
    if not args.json:
        print(f"Grading {path} as assignment {assignment} (this runs your whole notebook)...",
              flush=True)
    result = grade_notebook(notebook, path.name, path.parent, assignment_limits(assignment),
                            assignment=assignment)
    if args.json:
        print(json.dumps(report_module.to_json_dict(result), indent=2))
    else:
        print(report_module.render_text(result))
    return EXIT_REGRADE if result.regrade else 0  # the machine was too busy: check again


def autograde(args):
    """Grade every submission of an assignment, N at a time, as nbgrader autograde would."""
    from .classgrade.run import autograde_class

    return autograde_class(args.assignment, args.jobs, args.scheduler, args.student,
                           args.force, args.log_level)


def _page(args, kind):
    """Where a TA's page goes: ``--html``, else ``feedback/<kind>_<assignment>.html`` beside
    nbgrader's feedback (release_feedback hands out only ``feedback/<student>/``)."""
    return Path(args.html or Path("feedback") / f"{kind}_{args.assignment}.html")


def _write_page(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    print(f"page: {path}")


def report(args):
    """The class report of an assignment, from the gradebook and the stored check results."""
    from .insight.class_report import build_report
    from .insight.gradebook import NoGradebook
    from .insight.report_pages import render_html, render_text

    try:
        result = build_report(Path.cwd(), args.assignment)
    except NoGradebook as error:
        print(f"autograder report: {error}", file=sys.stderr)
        return 1
    print(render_text(result))
    _write_page(_page(args, "class_report"), render_html(result))
    return 0


def similarity(args):
    """Pairs of submissions of an assignment whose own code is alike, for a TA to read."""
    from .insight.similarity import compare_assignment
    from .insight.similarity_page import render_html, render_text

    if not (Path("source") / args.assignment).is_dir():
        print(f"autograder similarity: no assignment source/{args.assignment}/ here (run it in "
              "the course folder)", file=sys.stderr)
        return 1
    result = compare_assignment(Path.cwd(), args.assignment)
    print(render_text(result))
    _write_page(_page(args, "similarity"), render_html(result))
    return 0


def grades(args):
    """The gradebook of the given assignments as a CSV file: nbgrader's export with a column
    per exercise, or a Canvas or Moodle import file."""
    from .insight.gradebook import NoGradebook
    from .insight.grades import grades_table, write_table

    try:
        header, rows = grades_table(Path.cwd(), args.assignment, args.format)
    except NoGradebook as error:
        print(f"autograder grades: {error}", file=sys.stderr)
        return 1
    path = Path(args.to or f"grades_{args.format}.csv")
    write_table(path, header, rows)
    print(f"{len(rows)} rows written to {path}")
    return 0


def doctor(args):
    """Say which isolation student code gets here, which bounds keep gradings apart, and why."""
    from .sandbox.isolation import bounds, detect, time_limits, weaker_bounds_note

    isolation = detect()
    print(f"sandbox: {isolation.mode}")
    print(f"why:     {isolation.reason}")
    print("bounds that keep gradings running at once apart:")
    for bound, holds, why in bounds(isolation):
        print(f"  {'yes' if holds else 'no ':3}  {bound}: {why}")
    if weaker_bounds_note(isolation):
        print(f"note: {weaker_bounds_note(isolation)}")
    measured, source = time_limits(isolation)
    print("time limits count:")
    if measured:
        print(f"  CPU time of each sandbox, and the time the machine kept it waiting: {source}.")
        print("  A busy machine does not change a grade: a limit counts the student's work, "
              "and a sandbox the machine starves is graded again, not given a grade.")
    else:
        print(f"  wall time ({source}): a busy machine can stop honest code; grade one "
              f"submission at a time on a quiet machine.")
    if not isolation.is_security_boundary:
        print("warning: the fallback is a separate process with resource limits and a scrubbed "
              "environment, NOT a security boundary: student code can read the course files. "
              "Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap) to grade a class.")
    return 0


def _add_page_command(commands, func, kind, help):
    """A command ``func.__name__ ASSIGNMENT [--html PATH]`` that writes a page for TAs."""
    parser = commands.add_parser(func.__name__, help=help)
    parser.add_argument("assignment")
    parser.add_argument("--html", metavar="PATH",
                        help=f"the page (default: feedback/{kind}_ASSIGNMENT.html)")
    parser.set_defaults(func=func)


def build_parser():
    parser = argparse.ArgumentParser(prog="autograder", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check_parser = commands.add_parser("check", help="grade a notebook as nbgrader would")
    check_parser.add_argument("notebook", help="path to the .ipynb file")
    check_parser.add_argument("--json", action="store_true", help="print a JSON report")
    check_parser.set_defaults(func=check)
    class_parser = commands.add_parser(
        "autograde", help="grade a class in parallel, resumably (run in the course folder)")
    class_parser.add_argument("assignment")
    class_parser.add_argument("--jobs", "-j", type=int, default=None,
                              help="submissions graded at once (default: the number of cores)")
    class_parser.add_argument("--scheduler", metavar="ADDRESS",
                              help="grade on the Dask cluster at tcp://HOST:PORT")
    class_parser.add_argument("--student", action="append", default=[], metavar="ID",
                              help="grade only this student (repeatable)")
    class_parser.add_argument("--force", action="store_true",
                              help="regrade submissions that are graded already")
    class_parser.add_argument("--log-level", default="ERROR",
                              help="nbgrader's log level (default: ERROR)")
    class_parser.set_defaults(func=autograde)
    _add_page_command(commands, report, "class_report",
                      "what the class got wrong, and quiz item statistics (after autograde)")
    _add_page_command(commands, similarity, "similarity",
                      "pairs of submissions whose own code is alike (never a grade)")
    grades_parser = commands.add_parser(
        "grades", help="grades out: nbgrader's export plus exercises, or Canvas/Moodle import")
    grades_parser.add_argument("assignment", nargs="+")
    grades_parser.add_argument("--format", choices=("nbgrader", "canvas", "moodle"),
                               default="nbgrader", help="the file's format (default: nbgrader)")
    grades_parser.add_argument("--to", metavar="FILE",
                               help="the file (default: grades_FORMAT.csv)")
    grades_parser.set_defaults(func=grades)
    doctor_parser = commands.add_parser("doctor", help="which sandbox is in use, and why")
    doctor_parser.set_defaults(func=doctor)
    add_quiz_commands(commands)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    return args.func(args)
