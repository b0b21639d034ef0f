"""``autograder autograde ASSIGNMENT``: grade a class in parallel, resumably, with progress.

Run in the course folder. The TA's process chooses what to grade (what the ledger does not
show as graded from the same files, or everything with ``force``), prepares submissions a few
ahead of the workers with nbgrader's own code, dispatches them to a pool, and as each one
comes back lets nbgrader save its grades. Ctrl-C (or SIGTERM) stops between two such steps:
workers close their sandboxes, submissions not finished are removed from ``autograded/`` as
nbgrader removes a failed one, and the gradebook holds only complete gradings.
"""
import os
import signal
import sys
from collections import deque

import sqlalchemy
from nbgrader.apps.autogradeapp import AutogradeApp
from nbgrader.converters import NbGraderException
from tqdm import tqdm

from ..pipeline import EXIT_REGRADE
from ..sandbox.isolation import detect
from .converter import ClassAutograde
from .ledger import Ledger, submission_checksum
from .pools import DaskPool, LocalPool
from .summary import Outcome, one_line, render

EXIT_INTERRUPTED = 130
AHEAD = 2  # submissions prepared per worker, so that no worker waits for the TA's process


class _StopRequest:
    """Turns SIGINT and SIGTERM into a flag the run checks between two steps."""

    def __init__(self):
        self.requested = False
        self._previous = {}

    def __enter__(self):
        for number in (signal.SIGINT, signal.SIGTERM):
            self._previous[number] = signal.signal(number, self._request)
        return self

    def _request(self, number, frame):
        self.requested = True

    def __exit__(self, *exc):
        for number, handler in self._previous.items():
            signal.signal(number, handler)


def open_course(assignment, log_level):
    """nbgrader's autograde app, configured from the course folder (the current directory)
    as ``nbgrader autograde`` would be, and a ``ClassAutograde`` converter on it."""
    app = AutogradeApp()
    app.initialize([f"--log-level={log_level}"])
    app.coursedir.assignment_id = assignment
    converter = ClassAutograde(coursedir=app.coursedir, parent=app)
    converter.open()
    return converter


def choose(converter, ledger, students, force):
    """(to grade: [(Submission, checksum)], already graded: [Outcome]) among the submissions
    (those of ``students`` if given)."""
    submissions = converter.submissions()
    if students:
        missing = sorted(set(students) - {submission.student for submission in submissions})
        if missing:
            raise NbGraderException(f"no submission of {', '.join(missing)} in "
                                    f"{converter.coursedir.submitted_directory}/")
        submissions = [submission for submission in submissions if submission.student in students]
    to_grade, skipped = [], []
    for submission in submissions:
        checksum = submission_checksum(submission.folder)
        if not force and ledger.is_current(submission.student, checksum) \
                and converter.is_graded(submission):
            entry = ledger.entries[submission.student]
            skipped.append(Outcome(submission.student, "skipped", entry["points"],
                                   entry["points_possible"], entry.get("seconds", 0.0),
                                   entry.get("problems", [])))
        else:
            to_grade.append((submission, checksum))
    return to_grade, skipped


def make_pool(jobs, scheduler):
    return DaskPool(scheduler) if scheduler else LocalPool(jobs or os.cpu_count() or 1)


def grade(converter, ledger, to_grade, pool, stop, progress):
    """Prepare, dispatch and finish every submission of ``to_grade``; returns the Outcomes of
    those that ended (all of them, unless ``stop`` was requested)."""
    waiting = deque(to_grade)
    in_flight = {}  # student -> (Submission, checksum)
    outcomes = []

    def failed(submission, reason):
        converter.discard(submission)
        ledger.forget(submission.student)
        outcomes.append(Outcome(submission.student, "failed", reason=one_line(reason)))
        progress.update()

    while (waiting or in_flight) and not stop.requested:
        while waiting and len(in_flight) < AHEAD * pool.workers and not stop.requested:
            submission, checksum = waiting.popleft()
            try:
                job = converter.prepare(submission)
            except sqlalchemy.exc.OperationalError:
                raise
            except Exception as error:  # noqa: BLE001 (e.g. a notebook that is not JSON)
                failed(submission, f"{type(error).__name__}: {error}")
                continue
            ledger.forget(submission.student)
            in_flight[submission.student] = (submission, checksum)
            pool.submit(submission.student, job)
        for student, outcome in pool.finished():
            submission, checksum = in_flight.pop(student)
            if isinstance(outcome, Exception):
                failed(submission, str(outcome))
                continue
            results = outcome["results"]
            regrade = [result["regrade"] for result in results if result.get("regrade")]
            if regrade:  # the machine's fault: no grade now, the next run grades it again
                converter.discard(submission)
                outcomes.append(Outcome(student, "regrade", reason=one_line(regrade[0])))
                progress.update()
                continue
            try:
                converter.finish(submission, results)
            except sqlalchemy.exc.OperationalError:
                raise
            except Exception as error:  # noqa: BLE001
                failed(submission, f"{type(error).__name__}: {error}")
                continue
            figures = {"points": round(sum(result["points"] for result in results), 4),
                       "points_possible": round(sum(result["points_possible"]
                                                    for result in results), 4),
                       "seconds": round(outcome["seconds"], 2),
                       "problems": [one_line(line) for result in results
                                    for line in result["notes"] + result["problems"]]}
            ledger.record(student, checksum, **figures)
            outcomes.append(Outcome(student, "graded", **figures))
            progress.set_postfix_str(f"{student} {figures['points']:g}/"
                                     f"{figures['points_possible']:g}")
            progress.update()
    for submission, _ in in_flight.values():  # only when stopped: leave no half-graded folder
        converter.discard(submission)
    return outcomes


def autograde_class(assignment, jobs=None, scheduler=None, students=(), force=False,
                    log_level="ERROR", show_progress=True):
    """The ``autograder autograde`` command, run in the course folder; returns its exit status
    (0 when the run went through, whatever the submissions scored; 1 when it could not run;
    75 when some submissions must be graded again because the machine was too busy; 130 when
    it was stopped)."""
    try:
        converter = open_course(assignment, log_level)
        ledger = Ledger(converter.coursedir.root, assignment)
        to_grade, skipped = choose(converter, ledger, set(students), force)
    except NbGraderException as error:
        print(f"autograder autograde: {error}", file=sys.stderr)
        return 1
    outcomes, interrupted = list(skipped), False
    if to_grade:
        try:
            pool = make_pool(jobs, scheduler)
        except Exception as error:  # noqa: BLE001 (e.g. no scheduler at that address)
            print(f"autograder autograde: cannot start the workers: {error}", file=sys.stderr)
            return 1
        isolation = detect()
        if not scheduler and not isolation.is_security_boundary:
            print(f"warning: sandbox: fallback mode ({isolation.reason}): not a security "
                  f"boundary, and gradings running at once are not kept apart "
                  f"(autograder doctor)", file=sys.stderr)
        print(f"Grading {len(to_grade)} submission(s) of {assignment} on {pool.description}"
              + (f" ({len(skipped)} already graded)" if skipped else ""), file=sys.stderr)
        with _StopRequest() as stop, tqdm(total=len(to_grade), unit="submission",
                                          disable=not show_progress, file=sys.stderr,
                                          dynamic_ncols=True) as progress:
            try:
                outcomes += grade(converter, ledger, to_grade, pool, stop, progress)
            except sqlalchemy.exc.OperationalError as error:
                pool.terminate()
                print(f"autograder autograde: the gradebook cannot be written ({error}); "
                      f"back it up and run `nbgrader db upgrade`", file=sys.stderr)
                return 1
            interrupted = stop.requested
            if interrupted:
                pool.terminate()
            else:
                pool.close()
    print(render(outcomes, interrupted))
    regrade = sum(outcome.status == "regrade" for outcome in outcomes)
    if regrade:
        print(f"{regrade} submission(s) need regrading: the grading machine was too busy to "
              f"grade them fairly, so they got no grade; run the same command again",
              file=sys.stderr)
    return EXIT_INTERRUPTED if interrupted else EXIT_REGRADE if regrade else 0

