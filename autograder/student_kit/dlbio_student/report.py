"""One result type for a check, one for an exercise, one for a notebook, and their renderings.

The terminal text, ``--json``, and the output of an nbgrader grade cell are all functions of
these objects, so they cannot disagree about a score. A graded exercise's check passes or fails;
a quiz answer is one check with a fractional ``score`` (a multiple-choice answer with 2 of 3
right picks earns 2/3), as otter-grader's results carry a score override. A check may also
attach a figure (``Curves``: the student's values beside the reference's), which the grade
cell shows as a picture above the score.
"""
import base64
from dataclasses import asdict, dataclass, field, fields

NOT_IMPLEMENTED = "not implemented yet"


@dataclass(frozen=True)
class CheckResult:
    """One check of one exercise: what was checked, and if it failed, what and why.

    expected/got: short descriptions (shape, dtype, a few values), never the hidden inputs'
    generator or the reference code. score: the share of ``weight`` earned, between 0 and 1,
    for a check with partial credit; None means all of it if passed, none otherwise.
    mistake: the typical mistake the check recognised in a failed result, in a few words
    ("" when it named none), so that a class report can count what the class got wrong.
    """

    exercise: str
    check: str
    passed: bool
    weight: float = 1.0
    expected: str = ""
    got: str = ""
    hint: str = ""
    score: float | None = None
    mistake: str = ""

    @property
    def earned(self):
        """The share of ``weight`` this check earned (0 to 1)."""
        if self.score is not None:
            return self.score
        return 1.0 if self.passed else 0.0

    @property
    def mark(self):
        return "✓" if self.passed else ("~" if self.earned > 0 else "✗")


@dataclass(frozen=True)
class Curves:
    """A figure a check draws: the student's curves beside the reference's, on the same data.

    yours, reference: {curve name: [float per epoch]}, e.g. {"training loss": [...]}; a value
    that is not a finite number is nan. The feedback page shows it as a picture.
    """

    title: str
    yours: dict
    reference: dict
    xlabel: str = "epoch"
    ylabel: str = "loss"


@dataclass
class ExerciseReport:
    """All checks of one exercise; ``problem`` (e.g. "not implemented yet") means it scored 0.
    figures: the ``Curves`` its checks drew."""

    exercise: str
    points_possible: float
    checks: list = field(default_factory=list)
    problem: str = ""
    figures: list = field(default_factory=list)

    @property
    def fraction(self):
        if self.problem:
            return 0.0
        total = sum(check.weight for check in self.checks)
        return sum(check.weight * check.earned for check in self.checks) / total if total else 0.0

    @property
    def points(self):
        """Points earned, rounded so that nbgrader never sees more than ``points_possible``."""
        return min(round(self.fraction * self.points_possible, 4), self.points_possible)


@dataclass
class NotebookReport:
    """The grading of one notebook: its exercises in notebook order, and notebook-level notes.

    regrade: why the notebook must be graded again instead of given a grade (the grading
    machine was too busy, or could not start a sandbox), or "" when its grade stands.
    """

    notebook: str
    exercises: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    regrade: str = ""

    @property
    def points(self):
        return round(sum(exercise.points for exercise in self.exercises), 4)

    @property
    def points_possible(self):
        return round(sum(exercise.points_possible for exercise in self.exercises), 4)


def _format_points(value):
    return f"{value:g}"


def render_exercise(exercise):
    """Student-facing text for one exercise: the score, then each check with its feedback."""
    lines = [f"{exercise.exercise}: {_format_points(exercise.points)} / "
             f"{_format_points(exercise.points_possible)} points"]
    if exercise.problem:
        lines.append(f"  ✗ {exercise.problem}")
    for check in exercise.checks:
        lines.append(f"  {check.mark} {check.check}")
        if check.passed:
            continue
        for label, text in (("expected", check.expected), ("got", check.got),
                            ("hint", check.hint)):
            if text:
                lines.append(f"      {label + ':':9} {text}")
    return "\n".join(lines)


def render_text(report):
    """The whole notebook's report as terminal text."""
    parts = [f"{report.notebook}: {_format_points(report.points)} / "
             f"{_format_points(report.points_possible)} points"]
    if report.regrade:
        parts.append(f"NOT GRADED: {report.regrade}")
    parts += [f"note: {note}" for note in report.notes]
    parts += ["", *(render_exercise(exercise) + "\n" for exercise in report.exercises)]
    return "\n".join(parts).rstrip() + "\n"


def to_json_dict(report):
    """The report as JSON-ready data: per exercise its name, points, possible and messages."""
    return {
        "notebook": report.notebook,
        "points": report.points,
        "points_possible": report.points_possible,
        "notes": list(report.notes),
        "regrade": report.regrade,
        "exercises": [
            {
                "name": exercise.exercise,
                "points": exercise.points,
                "points_possible": exercise.points_possible,
                "messages": ([exercise.problem] if exercise.problem else
                             [render_exercise(exercise).split("\n", 1)[-1]]),
                "problem": exercise.problem,
                "checks": [asdict(check) for check in exercise.checks],
                "figures": [asdict(figure) for figure in exercise.figures],
            }
            for exercise in report.exercises
        ],
    }


def from_json_dict(data):
    """The NotebookReport that ``to_json_dict`` turned into ``data`` (e.g. read back from a
    file of stored results)."""
    check_fields = {item.name for item in fields(CheckResult)}
    return NotebookReport(data["notebook"], [
        ExerciseReport(exercise["name"], exercise["points_possible"],
                       [CheckResult(**{key: value for key, value in check.items()
                                       if key in check_fields}) for check in exercise["checks"]],
                       exercise.get("problem", ""),
                       [Curves(**figure) for figure in exercise.get("figures", [])])
        for exercise in data["exercises"]], list(data["notes"]))


def grade_cell_outputs(exercise):
    """The outputs an nbgrader grade cell gets: the feedback text, a picture of each figure,
    then the score it reads (nbgrader takes the score from the execute_result)."""
    import nbformat

    pictures = []
    if exercise.figures:
        from .report_figures import curves_png  # matplotlib, only for an exercise with figures

        pictures = [nbformat.v4.new_output("display_data", data={
            "image/png": base64.b64encode(curves_png(figure)).decode("ascii"),
            "text/plain": f"<figure: {figure.title}>"}) for figure in exercise.figures]
    return [
        nbformat.v4.new_output("stream", name="stdout", text=render_exercise(exercise) + "\n"),
        *pictures,
        nbformat.v4.new_output("execute_result", execution_count=None,
                               data={"text/plain": repr(float(exercise.points))}),
    ]
