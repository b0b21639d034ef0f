"""The class report, rendered: a terminal table, and one self-contained HTML page with plots.

Both are functions of one ``class_report.ClassReport``, so they cannot disagree. The page
embeds its plots (matplotlib, drawn as PNG) and its style, so it can be mailed or archived as
one file.
"""
import base64
import html

from dlbio_student.quiz.scoring import TYPE_NAMES
from dlbio_student.report_figures import blank_figure, png_bytes
from matplotlib.ticker import MaxNLocator

LOW_DISCRIMINATION = 0.2  # below this, a question hardly tells strong from weak students
NOT_NAMED = "other failures (no check named the mistake)"


def _points(value):
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _points_word(value):
    return f"{_points(value)} point{'' if value == 1 else 's'}"


def _percent(share):
    return f"{100 * share:.0f}%"


def _discrimination(value):
    return "—" if value is None else f"{value:.2f}"


def failure_lines(stats):
    """(count of students, what they did, the feedback that named it or "") of one exercise,
    named mistakes first."""
    lines = [(len(mistake.students), mistake.label,
              mistake.hint if mistake.hint != mistake.label else "")
             for mistake in stats.mistakes]
    if stats.not_implemented:
        lines.append((len(stats.not_implemented), "not implemented yet", ""))
    if stats.other_failures:
        lines.append((len(stats.other_failures), NOT_NAMED, ""))
    return lines


def lowest_discrimination(report):
    """The question with the lowest discrimination (None if none has one)."""
    rated = [question for question in report.questions if question.discrimination is not None]
    return min(rated, key=lambda question: question.discrimination) if rated else None


def _header_lines(report):
    lines = [f"{len(report.graded)} students graded, the check results of "
             f"{len(report.checked)} counted (nothing was run again: scores from nbgrader's "
             "gradebook, mistakes from the results stored when grading)"]
    if report.without_checks:
        lines.append(f"no stored check results for {', '.join(report.without_checks)}: graded "
                     "before they were stored; regrade with --force to count them")
    if report.stale:
        lines.append(f"stored check results disagree with the gradebook for "
                     f"{', '.join(report.stale)} (not counted): regrade them")
    return lines


def render_text(report):
    """The report as terminal text."""
    lines = [f"Class report of {report.assignment}", *_header_lines(report), ""]
    lines += _questions_text(report) if report.questions else _exercises_text(report)
    return "\n".join(lines) + "\n"


def _exercises_text(report):
    lines = [f"{'exercise':32} {'points':>6} {'mean':>6} {'full marks':>11} {'at zero':>8}"]
    lines += [f"{stats.exercise:32} {_points(stats.points_possible):>6} "
              f"{_points(stats.mean):>6} {_percent(stats.share_full):>11} "
              f"{_percent(stats.share_zero):>8}" for stats in report.exercises]
    for stats in report.exercises:
        failures = failure_lines(stats)
        if not failures:
            continue
        lines += ["", f"{stats.exercise} ({_points_word(stats.points_possible)}, mean "
                      f"{_points(stats.mean)}):"]
        for count, what, hint in failures:
            lines.append(f"  {count:>3} of {len(report.checked):<3} {what}")
            if hint:
                lines.append(f"             feedback: {hint}")
    return lines


def _questions_text(report):
    lines = [f"{'question':32} {'type':16} {'points':>6} {'difficulty':>10} "
             f"{'discrimination':>14}  wrong answers picked"]
    for question in report.questions:
        wrong = ", ".join(f"{wrong.answer} ×{wrong.count}" for wrong in question.wrong_answers
                          if wrong.count)
        lines.append(f"{question.question_id:32} {TYPE_NAMES[question.kind]:16} "
                     f"{_points(question.points):>6} {question.difficulty:>10.2f} "
                     f"{_discrimination(question.discrimination):>14}  {wrong or '—'}")
    worst = lowest_discrimination(report)
    if worst is not None and worst.discrimination < LOW_DISCRIMINATION:
        lines += ["", f"check {worst.question_id}: its discrimination is "
                      f"{worst.discrimination:.2f}, so strong and weak students answer it alike "
                      "(misleading, ambiguous or guessed)"]
    return lines


# -- the HTML page ---------------------------------------------------------------------------

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 62em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { padding: 0.25em 0.7em; border-bottom: 1px solid #ddd; text-align: left; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.hint { color: #555; font-size: 0.9em; }
.low { background: #fde8e8; }
section { margin-bottom: 2em; }
"""


def _image(png):
    return f'<img alt="" src="data:image/png;base64,{base64.b64encode(png).decode()}">'


def _exercise_png(stats):
    """Scores of one exercise (histogram) beside its failures (bars)."""
    figure = blank_figure(8.0, 2.4)
    scores, failures = figure.subplots(1, 2, width_ratios=(1, 1.6))
    scores.hist(list(stats.scores.values()), bins=10, range=(0, stats.points_possible or 1),
                color="tab:blue", alpha=0.8)
    scores.set_xlabel("points")
    scores.set_ylabel("students")
    scores.yaxis.set_major_locator(MaxNLocator(integer=True))
    scores.set_title("score distribution", fontsize=10)
    lines = failure_lines(stats)
    if lines:
        labels = [_short(what) for _, what, _ in lines][::-1]
        failures.barh(labels, [count for count, _, _ in lines][::-1], color="tab:red",
                      alpha=0.7)
        failures.set_xlabel("students")
        failures.xaxis.set_major_locator(MaxNLocator(integer=True))
        failures.tick_params(axis="y", labelsize=7)
        failures.set_title("what went wrong", fontsize=10)
    else:
        failures.set_axis_off()
    return png_bytes(figure)


def _short(text, width=45):
    return text if len(text) <= width else text[: width - 1] + "…"


def _questions_png(report):
    """Difficulty and discrimination of every question, as bars."""
    figure = blank_figure(8.0, 0.9 + 0.25 * len(report.questions))
    difficulty, discrimination = figure.subplots(1, 2, sharey=True)
    names = [question.question_id for question in report.questions][::-1]
    difficulty.barh(names, [question.difficulty for question in report.questions][::-1],
                    color="tab:blue", alpha=0.8)
    difficulty.set_xlim(0, 1)
    difficulty.set_title("difficulty (mean score)", fontsize=10)
    difficulty.tick_params(axis="y", labelsize=7)
    values = [question.discrimination or 0.0 for question in report.questions][::-1]
    discrimination.barh(names, values, color=["tab:red" if value < LOW_DISCRIMINATION
                                              else "tab:green" for value in values], alpha=0.8)
    discrimination.axvline(LOW_DISCRIMINATION, color="grey", linestyle="--", linewidth=1)
    discrimination.set_xlim(min(-0.2, *values), 1)
    discrimination.set_title("discrimination (item-rest correlation)", fontsize=10)
    return png_bytes(figure)


def render_html(report):
    """The report as one self-contained HTML page."""
    escape = html.escape
    body = [f"<h1>Class report: {escape(report.assignment)}</h1>"]
    body += [f"<p>{escape(line)}</p>" for line in _header_lines(report)]
    if report.questions:
        body.append(_questions_html(report))
    else:
        body.append("<table><tr><th>exercise</th><th>points</th><th>mean</th>"
                    "<th>full marks</th><th>at zero</th></tr>")
        body += [f"<tr><td>{escape(stats.exercise)}</td>"
                 f'<td class="number">{_points(stats.points_possible)}</td>'
                 f'<td class="number">{_points(stats.mean)}</td>'
                 f'<td class="number">{_percent(stats.share_full)}</td>'
                 f'<td class="number">{_percent(stats.share_zero)}</td></tr>'
                 for stats in report.exercises]
        body.append("</table>")
        for stats in report.exercises:
            body.append(f"<section><h2>{escape(stats.exercise)}</h2>{_image(_exercise_png(stats))}"
                        "<table><tr><th>students</th><th>what they did, and the feedback "
                        "that named it</th></tr>")
            for count, what, hint in failure_lines(stats):
                feedback = f'<div class="hint">{escape(hint)}</div>' if hint else ""
                body.append(f'<tr><td class="number">{count} of {len(report.checked)}</td>'
                            f"<td>{escape(what)}{feedback}</td></tr>")
            body.append("</table></section>")
    return (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Class report: "
            f"{escape(report.assignment)}</title><style>{STYLE}</style></head><body>"
            + "\n".join(body) + "</body></html>\n")


def _questions_html(report):
    escape = html.escape
    rows = []
    for question in report.questions:
        low = question.discrimination is not None and \
            question.discrimination < LOW_DISCRIMINATION
        wrong = "<br>".join(f"{escape(wrong.answer)}: {wrong.count}"
                            + (f' <span class="hint">{escape(_short(wrong.text, 80))}</span>'
                               if wrong.text else "")
                            for wrong in question.wrong_answers) or "—"
        rows.append(f'<tr class="{"low" if low else ""}"><td>{escape(question.question_id)}'
                    f'<div class="hint">{escape(_short(question.prompt, 160))}</div></td>'
                    f"<td>{escape(TYPE_NAMES[question.kind])}</td>"
                    f'<td class="number">{_points(question.points)}</td>'
                    f'<td class="number">{question.difficulty:.2f}</td>'
                    f'<td class="number">{_discrimination(question.discrimination)}</td>'
                    f"<td>{wrong}</td></tr>")
    return (f"{_image(_questions_png(report))}<p>Difficulty is the mean score of a question; "
            "discrimination the correlation between the score on it and on the rest of the "
            f"quiz. Rows in red (below {LOW_DISCRIMINATION}) hardly tell strong from weak "
            "students: read them for a misleading or ambiguous wording.</p><table><tr>"
            "<th>question</th><th>type</th><th>points</th><th>difficulty</th>"
            "<th>discrimination</th><th>wrong answers picked</th></tr>"
            + "\n".join(rows) + "</table>")
