"""Every typical mistake in ``autograder/mistakes`` loses points, with feedback naming it, and
a placeholder that does no work (returns its input, returns 0, an empty class) earns nothing.

One kernel per assignment runs the reference notebook, which must score full marks, then grades
each mistake in turn (see ``mistake_session``). The issue asks
for at least three realistic wrong implementations of every exercise.
"""
from collections import Counter

import nbformat
import pytest

from autograder.tools.example_class import exercise_of, mistakes_of
from mistake_session import CATALOGUED, grade_mistakes, reference_notebook
from placeholders import placeholders


@pytest.mark.parametrize("source_path", CATALOGUED, ids=lambda path: path.parent.name)
def test_every_mistake_is_caught_with_its_hint(source_path):
    source = nbformat.read(source_path, as_version=4)
    catalogue = mistakes_of(source_path.parent.name, source)
    mistakes = [mistake for exercise_mistakes in catalogue.values()
                for mistake in exercise_mistakes]
    stand_ins = [placeholder for exercise, code in reference_notebook(source)[1].items()
                 for placeholder in placeholders(exercise, code)]
    baseline, results = grade_mistakes(source, mistakes + stand_ins, source_path.parent.name)
    assert {name: report.fraction for name, report in baseline.items()
            if report.fraction < 1.0} == {}, "the reference itself loses points"
    escaped = []
    for mistake, exercise, feedback in results:
        if mistake in stand_ins:
            if exercise.fraction > 0:
                escaped.append(f"{mistake.exercise} / {mistake.what}: earned points for "
                               f"{[check.check for check in exercise.checks if check.passed]}")
        elif exercise.fraction >= 1.0:
            escaped.append(f"{mistake.exercise} / {mistake.what}: full marks")
        elif mistake.hint.lower() not in feedback.lower():
            escaped.append(f"{mistake.exercise} / {mistake.what}: lost points but the feedback "
                           f"does not say {mistake.hint!r}:\n{feedback}")
    assert not escaped, "\n\n".join(escaped)


@pytest.mark.parametrize("source_path", CATALOGUED, ids=lambda path: path.parent.name)
def test_every_exercise_has_three_typical_mistakes(source_path):
    source = nbformat.read(source_path, as_version=4)
    exercises = [exercise_of(cell) for cell in source.cells if exercise_of(cell)]
    counts = Counter(mistake.exercise for mistakes in
                     mistakes_of(source_path.parent.name, source).values()
                     for mistake in mistakes)
    assert {exercise: counts[exercise] for exercise in exercises if counts[exercise] < 3} == {}
    assert set(counts) <= set(exercises), "a mistake names an exercise the notebook lacks"
