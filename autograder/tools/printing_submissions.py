"""Honest submissions that print too much, built from the release notebook and the reference.

Each is the reference solution with output added that an honest student could leave in: a
debugging loop before the first solution, a cell of its own that prints 300 MB, a debug print
of a megabyte in every function, and (less honest) raw writes to the output's file descriptor
without end. The first three must lose only output, never a point; the last loses only its own
cell (the sandbox kills it and replays the others).
"""
import re

import nbformat

from .example_class import exercise_of, filled_notebook, solution_code

PRINT_300_MB = 'for line in range(300):\n    print("ACGT" * 250_000)\n'
DEBUG_PRINT = '    print("debug:", "." * 1_000_000)\n'
RAW_FLOOD = 'import os\nwhile True:\n    os.write(1, b"ACGT" * 2500)\n'
OWN_CELL_AT = 3  # after the setup cells


def printing_submissions(release, source):
    """{student: notebook}: the four ways of printing too much, described above."""
    first_exercise = next(exercise_of(cell) for cell in source.cells if exercise_of(cell))

    def loop_before_first_solution(exercise, cell):
        code = solution_code(cell)
        return PRINT_300_MB + code if exercise == first_exercise else code

    def debug_print_in_every_function(exercise, cell):
        return re.sub(r"(?m)^(def \w+\(.*\):\n)", lambda match: match.group(1) + DEBUG_PRINT,
                      solution_code(cell))

    return {"dan_prints_before_solving": filled_notebook(release, source,
                                                         loop_before_first_solution),
            "eve_prints_300_mb": with_own_cell(release, source, PRINT_300_MB),
            "fay_prints_in_every_call": filled_notebook(release, source,
                                                        debug_print_in_every_function),
            "gus_floods_raw_output": with_own_cell(release, source, RAW_FLOOD)}


def with_own_cell(release, source, code):
    """The reference submission with a cell of ``code`` after its setup cells."""
    notebook = filled_notebook(release, source, lambda exercise, cell: solution_code(cell))
    notebook.cells.insert(OWN_CELL_AT, nbformat.v4.new_code_cell(code))
    return notebook
