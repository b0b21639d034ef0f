"""Catalogues of typical student mistakes, one module per assignment.

Each ``Mistake`` is a realistic wrong implementation of one exercise and a phrase that the
feedback must contain (the hint that names the mistake). Most are written as the few changes a
student makes to the reference solution cell (``Mistake.edit``), so the catalogue shows the
mistake and not a copy of the whole function; a mistake that rewrites the cell is written out
in full. The project's tests check that every change still applies to the reference, grade
every mistake and assert that it loses points with its hint; the demo's example class submits
the first mistake of each exercise.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Mistake:
    """exercise: the function or class name; what: the mistake in words; code: the student's
    whole cell, when written out; hint: a phrase the feedback must contain; changes: the
    mistake as changes to the reference cell, pairs (text of the reference, what the student
    wrote instead)."""

    exercise: str
    what: str
    code: str = ""
    hint: str = ""
    changes: tuple = ()

    @classmethod
    def edit(cls, exercise, what, hint, *changes):
        """The mistake of changing, in the reference cell, each ``(text, instead)`` of
        ``changes`` (each text found exactly once; "" as ``instead`` deletes it)."""
        return cls(exercise, what, hint=hint, changes=changes)

    def cell(self, reference):
        """The student's whole cell: ``code``, or ``reference`` (the instructor's solution cell
        of the exercise) with the changes made. ValueError when a change no longer applies."""
        if not self.changes:
            return self.code
        cell = reference
        for text, instead in self.changes:
            if cell.count(text) != 1:
                raise ValueError(f"mistake {self.exercise!r} / {self.what!r}: {text!r} is "
                                 f"{'not' if text not in cell else 'more than once'} in the "
                                 "reference cell")
            cell = cell.replace(text, instead)
        return cell
