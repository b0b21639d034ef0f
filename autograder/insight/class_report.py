"""``autograder report ASSIGNMENT``: what the class got wrong, built from what grading stored.

Scores come from nbgrader's gradebook (so a TA's manual grades count); the per-check results
come from the results grading stored (``stored_checks``). Nothing runs student code again.

A student's mistake in an exercise is the one most of their failed checks named
(``CheckResult.mistake``); a check named by one odd input does not count a second mistake.
Students who lost points without any check naming a mistake are counted as other failures;
those who left the stub are counted apart ("not implemented yet").
"""
from collections import Counter
from dataclasses import dataclass, field

from dlbio_student.report import NOT_IMPLEMENTED

from .gradebook import read_assignment
from .quiz_items import question_stats
from .stored_checks import read_stored_checks

QUIZ_PREFIX = "quiz:"
SAME_POINTS = 1e-6


@dataclass
class NamedMistake:
    """A mistake the graders named in one exercise: the name, the feedback that named it, and
    the students who made it."""

    label: str
    hint: str
    students: list = field(default_factory=list)


@dataclass
class ExerciseStats:
    """One graded exercise (a grade cell) across the class.

    scores: {student: points} from the gradebook; mistakes: ``NamedMistake``s, most frequent
    first; other_failures, not_implemented: students."""

    exercise: str
    grade_id: str
    points_possible: float
    scores: dict = field(default_factory=dict)
    mistakes: list = field(default_factory=list)
    other_failures: list = field(default_factory=list)
    not_implemented: list = field(default_factory=list)

    @property
    def mean(self):
        return sum(self.scores.values()) / len(self.scores) if self.scores else 0.0

    @property
    def share_full(self):
        return self._share(lambda score: score >= self.points_possible - SAME_POINTS)

    @property
    def share_zero(self):
        return self._share(lambda score: score <= SAME_POINTS)

    def _share(self, condition):
        if not self.scores:
            return 0.0
        return sum(1 for score in self.scores.values() if condition(score)) / len(self.scores)


@dataclass
class ClassReport:
    """The class report of one assignment.

    graded: students with a graded submission; checked: those whose stored check results the
    report used. without_checks: graded students without stored results (graded before they
    were stored); stale: students whose stored results disagree with the gradebook's automatic
    scores (regraded since, or edited by hand). exercises: ``ExerciseStats`` in notebook order;
    questions: ``quiz_items.QuestionStats`` of a quiz assignment's auto-checked questions."""

    assignment: str
    graded: list
    checked: list
    without_checks: list = field(default_factory=list)
    stale: list = field(default_factory=list)
    exercises: list = field(default_factory=list)
    questions: list = field(default_factory=list)


def build_report(course, assignment):
    """The ``ClassReport`` of ``assignment`` from ``course``'s gradebook and stored results.
    Raises gradebook.NoGradebook when the assignment has not been graded."""
    submissions = {student: submission for student, submission in
                   read_assignment(course, assignment).submissions.items() if submission}
    stored = read_stored_checks(course, assignment)
    report = ClassReport(assignment, sorted(submissions), [])
    exercises = {}
    for student in report.graded:
        notebooks = stored.get(student)
        if not notebooks:
            report.without_checks.append(student)
            continue
        cells = submissions[student].cells
        if not all(_agrees(notebook, cells) for notebook in notebooks.values()):
            report.stale.append(student)
            continue
        report.checked.append(student)
        for notebook in notebooks.values():
            for result in notebook.report.exercises:
                grade_id = notebook.grade_ids.get(result.exercise)
                if grade_id not in cells:
                    continue
                stats = exercises.setdefault(grade_id, ExerciseStats(
                    result.exercise, grade_id, cells[grade_id][1]))
                _count(stats, student, result)
    for stats in exercises.values():
        stats.scores = {student: submissions[student].cells[stats.grade_id][0]
                        for student in report.graded if stats.grade_id in
                        submissions[student].cells}
        stats.mistakes.sort(key=lambda mistake: -len(mistake.students))
    report.exercises = list(exercises.values())
    quiz = [stats for stats in report.exercises if stats.exercise.startswith(QUIZ_PREFIX)]
    if quiz:
        report.questions = question_stats(
            quiz, {student: stored[student] for student in report.checked})
    return report


def _agrees(notebook, cells):
    """Whether a stored notebook's exercise points are the gradebook's automatic scores."""
    for result in notebook.report.exercises:
        grade_id = notebook.grade_ids.get(result.exercise)
        if grade_id in cells:
            auto_score = cells[grade_id][2]
            if auto_score is None or abs(auto_score - result.points) > SAME_POINTS:
                return False
    return True


def _count(stats, student, result):
    """Count ``student``'s ``result`` (an ExerciseReport) of one exercise in ``stats``."""
    if result.fraction >= 1.0:
        return
    if result.problem == NOT_IMPLEMENTED:
        stats.not_implemented.append(student)
        return
    failed = [check for check in result.checks if not check.passed and check.mistake]
    if not failed:
        stats.other_failures.append(student)
        return
    label = Counter(check.mistake for check in failed).most_common(1)[0][0]
    hint = Counter(check.hint for check in failed if check.mistake == label).most_common(1)[0][0]
    named = next((mistake for mistake in stats.mistakes if mistake.label == label), None)
    if named is None:
        named = NamedMistake(label, hint)
        stats.mistakes.append(named)
    named.students.append(student)
