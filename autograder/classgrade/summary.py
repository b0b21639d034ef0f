"""The table at the end of a class-grading run: scores, failures, the slowest submissions."""
from dataclasses import dataclass, field

SLOWEST = 5


@dataclass
class Outcome:
    """How one submission ended: graded (points of points_possible, in ``seconds``, with
    ``problems``: one line each), skipped (already graded), failed (``reason``), or regrade
    (not graded: the machine was too busy, ``reason``)."""

    student: str
    status: str  # "graded", "skipped", "failed", "regrade"
    points: float = 0.0
    points_possible: float = 0.0
    seconds: float = 0.0
    problems: list = field(default_factory=list)
    reason: str = ""


def one_line(text, width=100):
    """The first line of ``text``, at most ``width`` characters."""
    line = str(text).strip().splitlines()[0] if str(text).strip() else ""
    return line if len(line) <= width else line[: width - 1] + "…"


def render(outcomes, interrupted=False):
    """The final table as text."""
    lines = [f"{'student':28} {'score':>13} {'time':>8}  notes"]
    for outcome in sorted(outcomes, key=lambda outcome: outcome.student):
        if outcome.status in ("failed", "regrade"):
            label = "FAILED" if outcome.status == "failed" else "NEEDS REGRADING"
            lines.append(f"{outcome.student:28} {'—':>13} {'':>8}  {label}: {outcome.reason}")
            continue
        score = f"{outcome.points:g} / {outcome.points_possible:g}"
        time = f"{outcome.seconds:.1f} s" if outcome.status == "graded" else "done"
        note = one_line(outcome.problems[0]) if outcome.problems else ""
        more = f" (+{len(outcome.problems) - 1} more)" if len(outcome.problems) > 1 else ""
        lines.append(f"{outcome.student:28} {score:>13} {time:>8}  {note}{more}")
    graded = [outcome for outcome in outcomes if outcome.status == "graded"]
    failed = [outcome for outcome in outcomes if outcome.status == "failed"]
    regrade = [outcome for outcome in outcomes if outcome.status == "regrade"]
    skipped = len(outcomes) - len(graded) - len(failed) - len(regrade)
    lines.append("")
    lines.append(f"graded {len(graded)}, already graded {skipped}, failed {len(failed)}, "
                 f"need regrading {len(regrade)}"
                 + (" — interrupted: run the same command again to grade the rest"
                    if interrupted else ""))
    if graded:
        slowest = sorted(graded, key=lambda outcome: -outcome.seconds)[:SLOWEST]
        lines.append("slowest: " + ", ".join(f"{outcome.student} {outcome.seconds:.1f} s"
                                             for outcome in slowest))
    return "\n".join(lines)
