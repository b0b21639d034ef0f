"""Every typical mistake in ``autograder/mistakes`` loses points, with feedback naming it, and
a placeholder that does no work (returns its input, returns 0, an empty class) earns nothing.

One kernel per assignment runs the reference notebook, which must score full marks, then grades
the mistakes in rounds (``autograder.tools.mistake_grading``). Each mistake's feedback must
contain its phrase, and a failed check must name the mistake it recognised
(``CheckResult.mistake``), which is what a class report counts. Every exercise has at least
five typical mistakes.
"""
from collections import Counter
from pathlib import Path

import nbformat
import pytest

from autograder.tools.example_class import exercise_of, mistakes_of
from autograder.tools.mistake_grading import (catalogued_notebooks, grade_variants,
                                              reference_notebook)
from placeholders import placeholders

CATALOGUED = catalogued_notebooks(Path(__file__).resolve().parents[1])
MISTAKES_PER_EXERCISE = 5


def _catalogue(source_path):
    source = nbformat.read(source_path, as_version=4)
    return source, mistakes_of(source_path.parent.name, source)


@pytest.mark.parametrize("source_path", CATALOGUED, ids=lambda path: path.parent.name)
def test_every_mistake_is_caught_with_its_hint(source_path):
    source, catalogue = _catalogue(source_path)
    mistakes = [mistake for exercise_mistakes in catalogue.values()
                for mistake in exercise_mistakes]
    stand_ins = [placeholder for exercise, code in reference_notebook(source)[1].items()
                 for placeholder in placeholders(exercise, code)]
    baseline, results = grade_variants(source, mistakes + stand_ins, source_path.parent.name)
    assert {name: report.fraction for name, report in baseline.items()
            if report.fraction < 1.0} == {}, "the reference itself loses points"
    escaped = []
    for graded in results[len(mistakes):]:
        if graded.report.fraction > 0:
            escaped.append(f"{graded.variant.exercise} / {graded.variant.what}: earned points "
                           f"for {[c.check for c in graded.report.checks if c.passed]}")
    for graded in results[:len(mistakes)]:
        mistake, report, feedback = graded.variant, graded.report, graded.feedback
        if report.fraction >= 1.0:
            escaped.append(f"{mistake.exercise} / {mistake.what}: full marks")
        elif mistake.hint.lower() not in feedback.lower():
            escaped.append(f"{mistake.exercise} / {mistake.what}: lost points but the feedback "
                           f"does not say {mistake.hint!r}:\n{feedback}")
        elif not any(check.mistake for check in report.checks if not check.passed):
            escaped.append(f"{mistake.exercise} / {mistake.what}: no failed check names the "
                           f"mistake it recognised (CheckResult.mistake):\n{feedback}")
    assert not escaped, "\n\n".join(escaped)


@pytest.mark.parametrize("source_path", CATALOGUED, ids=lambda path: path.parent.name)
def test_every_exercise_has_five_typical_mistakes(source_path):
    source, catalogue = _catalogue(source_path)
    exercises = [exercise_of(cell) for cell in source.cells if exercise_of(cell)]
    counts = Counter(mistake.exercise for mistakes in catalogue.values() for mistake in mistakes)
    assert {exercise: counts[exercise] for exercise in exercises
            if counts[exercise] < MISTAKES_PER_EXERCISE} == {}
    assert set(counts) <= set(exercises), "a mistake names an exercise the notebook lacks"
