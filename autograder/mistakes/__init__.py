"""Catalogues of typical student mistakes, one module per assignment.

Each ``Mistake`` is a realistic wrong implementation of one exercise and a phrase that the
feedback must contain (the hint that names the mistake). The project's tests grade every one of
them and assert that it loses points with that hint; the demo's example class submits the first
mistake of each exercise.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Mistake:
    """exercise: the function or class name; what: the mistake in words; code: the student's
    whole cell; hint: a phrase the feedback must contain."""

    exercise: str
    what: str
    code: str
    hint: str
