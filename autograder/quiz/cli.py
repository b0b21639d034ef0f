"""``autograder quiz``: lint, take, check, build and export quiz banks.

    autograder quiz lint [FILES]                  every problem, by file, question id and field
    autograder quiz take BANK [--seed N]          the quiz in the terminal
    autograder quiz check BANK --answers FILE     grade an answers file (--json for a report)
    autograder quiz build [BANK ...]              nbgrader source assignments source/quiz_<bank>/
                                                  (default: every graded bank)
    autograder quiz export BANK --format F        gift | jupyterquiz | student

BANK is a bank's name in ``quizzes/`` (e.g. ``cnn``) or the path of a bank file.
"""
import json
import random
import sys
from pathlib import Path

from dlbio_student.quiz.banks import BankError, bank_name, load_bank, read_yaml
from dlbio_student.quiz.hiding import StudentBank
from dlbio_student.quiz.practice import PRACTICE_BANKS
from dlbio_student.quiz.scoring import AnswersFileError, check_answers, render_text, to_json_dict

from ..course import course_root
from .course_banks import bank_path, graded_banks


def _fail(message):
    print(f"autograder quiz: {message}", file=sys.stderr)
    return 2


def _load(reference):
    path = bank_path(reference)
    return load_bank(path), bank_name(path)


def lint(args):
    paths = ([Path(path) for path in args.files]
             or sorted((course_root() / "quizzes").glob("*.yaml")))
    if not paths:
        return _fail("no bank files to lint")
    problems = []
    for path in paths:
        try:
            bank = load_bank(path)
        except BankError as error:
            problems += error.problems
        else:
            print(f"{path}: ok ({len(bank.questions)} questions)")
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem{'s' * (len(problems) != 1)}", file=sys.stderr)
    return 1 if problems else 0


def take(args):
    from .terminal import TerminalQuiz

    bank, name = _load(args.bank)
    seed = random.randrange(10_000) if args.seed is None else args.seed
    TerminalQuiz(bank, name, seed).run()
    return 0


def check(args):
    bank, name = _load(args.bank)
    try:
        report = check_answers(bank, name, read_yaml(args.answers), args.seed)
    except (AnswersFileError, BankError) as error:
        for problem in error.problems:
            print(f"{args.answers}: {problem}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(to_json_dict(report), indent=2, ensure_ascii=False))
    else:
        print(render_text(report), end="")
    return 0


def build(args):
    from .nbgrader_build import write_assignment

    references = args.banks or graded_banks()
    for reference in references:
        bank, name = _load(reference)
        if isinstance(bank, StudentBank):
            return _fail(f"{reference}: a student export has no answers to build from")
        if name in PRACTICE_BANKS:
            return _fail(f"{reference}: a practice quiz (dlbio_student/quiz/practice.py) is not "
                         "graded, so it has no assignment")
        path = write_assignment(bank, name, args.course or course_root())
        print(f"wrote {path}")
    return 0


def export(args):
    from .exports import export as export_text

    bank, name = _load(args.bank)
    if isinstance(bank, StudentBank):
        return _fail(f"{args.bank}: export needs the full bank, not a student export")
    text = export_text(bank, name, args.format)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}")
    else:
        sys.stdout.write(text)
    return 0


def _guarded(command):
    def run(args):
        try:
            return command(args)
        except BankError as error:
            for problem in error.problems:
                print(problem, file=sys.stderr)
            return 2
        except (KeyboardInterrupt, EOFError):
            print()
            return 130
    return run


def add_quiz_commands(subparsers):
    """Add ``quiz`` and its subcommands to the ``autograder`` parser's subparsers."""
    quiz = subparsers.add_parser("quiz", help="quiz banks: lint, take, check, build, export",
                                 description=__doc__.split("\n")[0])
    commands = quiz.add_subparsers(dest="quiz_command", required=True)

    lint_parser = commands.add_parser("lint", help="check bank files against the schema")
    lint_parser.add_argument("files", nargs="*", help="bank files (default: quizzes/*.yaml)")
    lint_parser.set_defaults(func=_guarded(lint))

    take_parser = commands.add_parser("take", help="take a quiz in the terminal")
    take_parser.add_argument("bank", help="bank name in quizzes/ or a bank file")
    take_parser.add_argument("--seed", type=int, help="attempt seed (choice order, values)")
    take_parser.set_defaults(func=_guarded(take))

    check_parser = commands.add_parser(
        "check", help="grade an answers file",
        description="Grade a YAML/JSON answers file: `answers:` maps question ids to answers "
                    "(choice ids, lists of choice ids, numbers, texts; open questions: text or "
                    "{answer: ..., covered: [key point numbers]}); optional `seed:`.")
    check_parser.add_argument("bank", help="bank name in quizzes/ or a bank file")
    check_parser.add_argument("--answers", required=True, help="YAML or JSON answers file")
    check_parser.add_argument("--seed", type=int, help="attempt seed (overrides the file's)")
    check_parser.add_argument("--json", action="store_true", help="print a JSON report")
    check_parser.set_defaults(func=_guarded(check))

    build_parser = commands.add_parser("build", help="write nbgrader source assignments")
    build_parser.add_argument("banks", nargs="*",
                              help="bank names or files (default: every graded bank)")
    build_parser.add_argument("--course", help="course folder (default: this course)")
    build_parser.set_defaults(func=_guarded(build))

    export_parser = commands.add_parser("export", help="export a bank for an LMS or students")
    export_parser.add_argument("bank", help="bank name in quizzes/ or a bank file")
    export_parser.add_argument("--format", required=True,
                               choices=("gift", "jupyterquiz", "student"))
    export_parser.add_argument("-o", "--output", help="output file (default: standard output)")
    export_parser.set_defaults(func=_guarded(export))
