"""The similarity report, rendered: terminal lines, and an HTML page that shows each listed pair
side by side, exercise by exercise, with the code they share marked."""
import html

from .similarity import MIN_EXERCISES, MIN_SHARED, SHARE_THRESHOLD, common_count, marked_cell

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 80em; color: #222; }
table.side { border-collapse: collapse; width: 100%; table-layout: fixed; margin-bottom: 1em; }
table.side td { vertical-align: top; border: 1px solid #ddd; padding: 0.3em; }
pre { margin: 0; white-space: pre-wrap; font-size: 0.85em; }
mark { background: #ffd27a; }
.note { color: #555; }
"""


def method_note(report):
    """What was compared and left out, and when a pair is listed, in one paragraph."""
    return (f"{len(report.students)} submissions compared. For a TA to read, never a grade. "
            f"Left out: the release stub, the reference solution, and code that "
            f"{common_count(len(report.students))} or more submissions share. Names, comments "
            f"and the order of functions do not count. A pair is listed when the code the two "
            f"share is at least {SHARE_THRESHOLD:.0%} of one's own code, at least {MIN_SHARED} "
            f"characters (after names are replaced by one letter; about five lines) of each, "
            f"in at least {min(MIN_EXERCISES, len(report.exercises))} exercises: two students "
            "who both wrote the short obvious answer of an exercise or two are not listed, and "
            "neither is a copy of one or two exercises only.")


def _exercises(pair, report):
    """The exercises in which the pair shares code."""
    return [report.exercises[grade_id] for grade_id in pair.first.exercises_sharing(pair.shared)]


def render_text(report):
    """The report as terminal text."""
    lines = [f"Similarity of {report.assignment}: {len(report.pairs)} pair"
             f"{'' if len(report.pairs) == 1 else 's'} listed", method_note(report), ""]
    if report.unreadable:
        lines.append(f"not compared (unreadable notebook): {', '.join(report.unreadable)}")
    for rank, pair in enumerate(report.pairs, 1):
        lines.append(f"{rank:3}. {pair.first.student} — {pair.second.student}   "
                     f"{pair.shares[0]:.0%} / {pair.shares[1]:.0%} of their own code, "
                     f"{pair.shared_characters} characters, in "
                     f"{', '.join(_exercises(pair, report))}")
    if not report.pairs:
        lines.append("no pair is alike enough to be listed")
    return "\n".join(lines) + "\n"


def render_html(report):
    """The report as one self-contained HTML page."""
    escape = html.escape
    body = [f"<h1>Similarity: {escape(report.assignment)}</h1>",
            f'<p class="note">{escape(method_note(report))}</p>']
    if not report.pairs:
        body.append("<p>No pair is alike enough to be listed.</p>")
    for rank, pair in enumerate(report.pairs, 1):
        first, second = pair.first, pair.second
        body.append(f"<h2>{rank}. {escape(first.student)} and {escape(second.student)}</h2>"
                    f"<p>{pair.shares[0]:.0%} of {escape(first.student)}'s own code and "
                    f"{pair.shares[1]:.0%} of {escape(second.student)}'s is shared "
                    f"({pair.shared_characters} characters).</p>")
        theirs = {cell.grade_id: cell for cell in second.cells}
        for cell in first.cells:
            other = theirs.get(cell.grade_id)
            if not any(pair.shared & side.kgrams.keys() for side in (cell, other) if side):
                continue
            body.append(f"<h3>{escape(report.exercises[cell.grade_id])}</h3>"
                        f'<table class="side"><tr><th>{escape(first.student)}</th>'
                        f"<th>{escape(second.student)}</th></tr><tr>"
                        f"<td><pre>{marked_cell(cell, pair.shared)}</pre></td>"
                        f"<td><pre>{marked_cell(other, pair.shared) if other else ''}</pre></td>"
                        "</tr></table>")
    return (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Similarity: '
            f"{escape(report.assignment)}</title><style>{STYLE}</style></head><body>"
            + "\n".join(body) + "</body></html>\n")
