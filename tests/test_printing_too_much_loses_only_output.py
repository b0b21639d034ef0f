"""A cell that prints too much loses the excess output, not its code (issue 17).

Past its share of the output budget, what a cell prints, displays or ends with is dropped inside
the sandbox and the cell runs on; a note at its end says how much was cut, and the trusted side
reads only the share, and a notebook keeps a few budgets in all. Raw writes to the file
descriptors evade the cut and still meet the backstop: the kernel is killed, and the cell costs
only itself.
"""
import dataclasses

import nbformat
import pytest

from autograder.sandbox.kernel import BACKSTOP_BUDGETS, CELL_SHARE, KEPT_BUDGETS, SandboxKernel
from autograder.sandbox.limits import Limits

BUDGET = 400_000
SHARE = BUDGET // CELL_SHARE


@pytest.fixture(scope="module")
def kernel():
    kernel = SandboxKernel(dataclasses.replace(Limits(), output_bytes=BUDGET))
    kernel.start()
    yield kernel
    kernel.shutdown()


def run(kernel, code):
    """Run ``code`` as a new cell; returns (CellRun, the cell, characters the trusted side read)."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    result = kernel.run_cell(notebook, 0)
    return result, notebook.cells[0], kernel.output_bytes


def shown(cell):
    return "".join(output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
                   for output in cell.outputs)


def test_a_cell_printing_300_mb_runs_on_and_only_its_share_crosses_over(kernel):
    result, cell, read = run(kernel, 'for line in range(300):\n    print("ACGT" * 250_000)\n'
                                     'def gc_content(dna):\n    return 0.5')
    assert result.status == "ok"
    assert result.output_cut.startswith("printed 286.1 MiB of output: only the first 98 KiB")
    assert SHARE <= read <= SHARE + 200
    assert shown(cell).endswith(f"[grading: this cell {result.output_cut}]")
    assert run(kernel, "print(gc_content('ACGT'))")[1].outputs[0].text == "0.5\n"


def test_displays_and_a_huge_last_value_are_cut_too(kernel):
    result, _, read = run(kernel, "from IPython.display import display\n"
                                  "for n in range(1000):\n    display({'text/plain': 'A' * 1000},"
                                  " raw=True)")
    assert result.output_cut and read <= SHARE + 200
    result, cell, read = run(kernel, "'ACGT' * 10**7")
    assert result.output_cut and read <= SHARE + 200
    assert cell.outputs[0].data["text/plain"].startswith("'ACGTACGT")


def test_output_under_the_share_is_kept_whole_whatever_its_characters(kernel):
    result, cell, _ = run(kernel, "print('🧬' * 80_000)\nprint('\\x00\\r' * 5_000)")
    assert (result.status, result.output_cut) == ("ok", "")
    assert shown(cell) == "🧬" * 80_000 + "\n" + "\x00\r" * 5_000 + "\n"


def test_raw_writes_still_meet_the_backstop_and_cost_only_their_cell(kernel):
    run(kernel, "def reverse_complement(dna):\n"
                "    return dna[::-1].translate(str.maketrans('ACGT', 'TGCA'))")
    result, cell, _ = run(kernel, "import os\nwhile True:\n    os.write(1, b'ACGT' * 2500)")
    assert result.status == "output_flood"
    assert cell.outputs[-1].evalue == f"it printed more than {BUDGET // 1024} KiB of output"
    assert run(kernel, "print(reverse_complement('AACG'))")[1].outputs[0].text == "CGTT\n"


def test_a_notebook_keeps_a_few_budgets_of_output_in_all(kernel):
    read = [run(kernel, "print('A' * 200_000)")[2] for _ in range(KEPT_BUDGETS * CELL_SHARE + 2)]
    assert sum(read) <= KEPT_BUDGETS * BUDGET + len(read) * 200  # the notes
    assert read[-1] < 200  # the note alone


def test_the_backstop_also_counts_what_a_kernel_sent_in_all():
    """Raw writes just under the budget in every call must not add up to hundreds of MB."""
    kernel = SandboxKernel(dataclasses.replace(Limits(), output_bytes=1000))
    for _ in range(BACKSTOP_BUDGETS):
        kernel.output_bytes = 0  # a new call
        kernel.count_output({"name": "stdout", "text": "A" * 999})
    assert not kernel.flooded
    kernel.output_bytes = 0
    kernel.count_output({"name": "stdout", "text": "A" * 999})
    assert kernel.flooded
    kernel.shutdown()
