"""The practice quizzes: banks whose answers the student kit carries, so the widget can check
them offline. Every other bank in ``quizzes/`` is graded (an nbgrader quiz assignment), and its
answers never leave the grading machine.

Which banks are practice-only is the instructor's choice, made here and nowhere else: the kit's
build (``setup.py``) packs exactly these banks, and ``autograder quiz build`` makes assignments
of the others only.
"""
from pathlib import Path

PRACTICE_BANKS = ("review",)

PACKED_BANKS = Path(__file__).with_name("banks")  # in a built kit
CLONE_BANKS = Path(__file__).resolve().parents[4] / "quizzes"  # a development install


def practice_bank_path(name):
    """The file of the practice bank ``name``; ValueError for a graded or unknown bank."""
    if name not in PRACTICE_BANKS:
        raise ValueError(f"{name!r} is not a practice quiz (practice quizzes: "
                         f"{', '.join(PRACTICE_BANKS)})")
    folder = PACKED_BANKS if PACKED_BANKS.is_dir() else CLONE_BANKS
    return folder / f"{name}.yaml"


def bank_path(reference):
    """A bank given as a file, or as the name of a practice bank."""
    path = Path(reference)
    if path.suffix in (".yaml", ".yml", ".json") or path.exists():
        return path
    return practice_bank_path(str(reference))
