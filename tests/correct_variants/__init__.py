"""Correct alternative implementations of every exercise, written from the student-facing text
alone (markdown, docstring, self-check), in styles the reference does not use.

Each ``Variant`` is one exercise's whole cell. The graders must give every one of them full
marks (``tests/test_correct_variants_keep_every_point.py``); together with the typical mistakes
in ``autograder/mistakes`` they show that a grade is fair both ways.
"""
import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Variant:
    """exercise: the function or class name; what: the style in words; code: the cell."""

    exercise: str
    what: str
    code: str


def variants_of(assignment):
    """The variants of a numbered assignment "NN_topic" (module ``correct_variants.<topic>``)."""
    topic = assignment.split("_", 1)[1]
    return importlib.import_module(f"correct_variants.{topic}").VARIANTS
