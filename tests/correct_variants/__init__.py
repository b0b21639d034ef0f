"""Correct alternative implementations of every exercise, written from the student-facing text
alone (markdown, docstring, self-check), in styles the reference does not use.

Each ``Variant`` is one exercise's whole cell. The graders must give every one of them full
marks (``tests/test_correct_variants_keep_every_point.py``); together with the typical mistakes
in ``autograder/mistakes`` they show that a grade is fair both ways. ``awaits`` names the fix a
variant still waits for (a check that rejects what the text allows, being fixed elsewhere);
such a variant is an expected failure until then, and the test says so by name.
"""
import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Variant:
    """exercise: the function or class name; what: the style in words; code: the cell;
    awaits: None, or the fix that makes the graders accept this correct code."""

    exercise: str
    what: str
    code: str
    awaits: str | None = None


def variants_of(assignment):
    """The variants of a numbered assignment "NN_topic" (module ``correct_variants.<topic>``)."""
    topic = assignment.split("_", 1)[1]
    return importlib.import_module(f"correct_variants.{topic}").VARIANTS
