"""How often the feedback names the mistake: every catalogued typical mistake
(``autograder/mistakes``) graded in a real sandboxed kernel, per assignment.

    python -m autograder.tools.diagnosis_benchmark               # every catalogued assignment
    python -m autograder.tools.diagnosis_benchmark 04_cnn -v     # one, with each miss's feedback

A mistake is *caught* when it loses points, *named* when its feedback contains the phrase its
catalogue entry gives, and *labelled* when a failed check also names it for a class report
(``CheckResult.mistake``). The shares are of all catalogued mistakes.
"""
import argparse
from pathlib import Path

import nbformat

from .example_class import mistakes_of
from .mistake_grading import catalogued_notebooks, grade_variants

COURSE = Path(__file__).resolve().parents[2]


def outcome(graded):
    """"caught", "named" or "labelled" (each includes the one before), or "missed"."""
    mistake, report = graded.variant, graded.report
    if report.fraction >= 1.0:
        return "missed"
    if mistake.hint.lower() not in graded.feedback.lower():
        return "caught"
    if not any(check.mistake for check in report.checks if not check.passed):
        return "named"
    return "labelled"


def measure(source_path):
    """[(mistake, outcome, feedback)] for every catalogued mistake of one source notebook."""
    source = nbformat.read(source_path, as_version=4)
    mistakes = [mistake for exercise_mistakes in
                mistakes_of(source_path.parent.name, source).values()
                for mistake in exercise_mistakes]
    _, results = grade_variants(source, mistakes, source_path.parent.name)
    return [(graded.variant, outcome(graded), graded.feedback) for graded in results]


def _share(count, total):
    return f"{count}/{total} ({100 * count / total:.0f} %)" if total else "-"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("assignments", nargs="*", help="e.g. 04_cnn (default: all catalogued)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="print the feedback of every mistake not labelled")
    arguments = parser.parse_args(argv)
    paths = [path for path in catalogued_notebooks(COURSE)
             if not arguments.assignments or path.parent.name in arguments.assignments]
    print("| assignment | mistakes | caught | named | labelled |")
    print("| --- | ---: | ---: | ---: | ---: |")
    totals, misses = [0, 0, 0, 0], []
    for path in paths:
        results = measure(path)
        ranks = [("missed", "caught", "named", "labelled").index(rank) for _, rank, _ in results]
        counts = [len(results), *(sum(rank >= level for rank in ranks) for level in (1, 2, 3))]
        totals = [total + count for total, count in zip(totals, counts)]
        print(f"| {path.parent.name} | {counts[0]} | "
              + " | ".join(_share(count, counts[0]) for count in counts[1:]) + " |")
        misses += [(path.parent.name, *result) for result in results if result[1] != "labelled"]
    print(f"| all | {totals[0]} | " + " | ".join(_share(count, totals[0])
                                                 for count in totals[1:]) + " |")
    for assignment, mistake, rank, feedback in misses:
        print(f"\n{assignment} / {mistake.exercise} / {mistake.what}: {rank} "
              f"(phrase {mistake.hint!r})")
        if arguments.verbose:
            print(feedback)


if __name__ == "__main__":
    main()
