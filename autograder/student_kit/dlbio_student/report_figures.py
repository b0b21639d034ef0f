"""Pictures of a report's figures: a ``Curves`` drawn as a PNG with matplotlib.

Drawn on a bare ``matplotlib.figure.Figure`` with the Agg canvas (no pyplot, no backend or
global state touched), so grading stays free of side effects and the same figure always gives
the same bytes.
"""
import io
import math

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

COLOURS = ("tab:blue", "tab:orange", "tab:green", "tab:purple")
WIDE_RANGE = 1e3  # above this ratio of largest to smallest value, the y axis is logarithmic


def blank_figure(width=6.0, height=3.2, dpi=80):
    """A matplotlib Figure of ``width`` x ``height`` inches on its own Agg canvas."""
    figure = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(figure)
    return figure


def png_bytes(figure):
    """The PNG of ``figure``, laid out tightly, without metadata that would vary."""
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def curves_png(curves):
    """PNG bytes of ``curves`` (a ``report.Curves``): each of the student's curves as a solid
    line, the reference's curve of the same name dashed in the same colour."""
    figure = blank_figure()
    axes = figure.add_subplot()
    names = list(dict.fromkeys([*curves.yours, *curves.reference]))
    for index, name in enumerate(names):
        colour = COLOURS[index % len(COLOURS)]
        if name in curves.reference:
            axes.plot(_epochs(curves.reference[name]), _finite(curves.reference[name]), "--",
                      color=colour, alpha=0.4, linewidth=4, label=f"reference: {name}")
        if name in curves.yours:
            axes.plot(_epochs(curves.yours[name]), _finite(curves.yours[name]), "-o",
                      color=colour, markersize=3, linewidth=1.5, label=f"yours: {name}")
    values = [value for series in [*curves.yours.values(), *curves.reference.values()]
              for value in _finite(series) if not math.isnan(value)]
    if values and min(values) > 0 and max(values) / min(values) > WIDE_RANGE:
        axes.set_yscale("log")
    axes.set_title(curves.title, fontsize=10)
    axes.set_xlabel(curves.xlabel)
    axes.set_ylabel(curves.ylabel)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8)
    return png_bytes(figure)


def _epochs(series):
    return list(range(1, len(series) + 1))


def _finite(series):
    """The values as floats, nan where one is not a finite number (matplotlib leaves a gap)."""
    return [float(value) if isinstance(value, (int, float)) and math.isfinite(value)
            else math.nan for value in series]
