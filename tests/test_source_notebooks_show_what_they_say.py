"""The instructor notebooks run top to bottom in a fresh kernel and show what their text says.

(That every reference notebook runs without an error is also checked through nbgrader, in
``test_example_class_through_nbgrader``; how long each takes is in BENCHMARKS.md.) The text
describes the synthetic stand-in data, which graded notebooks use too (the sandbox holds no
Genomic Benchmarks folder), so any real data are hidden from the kernel here.
"""
import json
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.graders.test_promoter_classifier import (REQUIRED_TEST_ACCURACY,
                                                         STATED_TEST_ACCURACY)
from dlbio_student.data.genomic_benchmarks import ROOT_VARIABLE

REPO = Path(__file__).resolve().parents[1]


def executed(assignment, *extra_code):
    """The source notebook of ``assignment`` without grade cells, executed, plus each of
    ``extra_code`` as a last cell; raises CellExecutionError naming a failing cell."""
    path = next((REPO / "source" / assignment).glob("*.ipynb"))
    notebook = nbformat.read(path, as_version=4)
    notebook.cells = [cell for cell in notebook.cells
                      if not cell.metadata.get("nbgrader", {}).get("grade")]
    notebook.cells += [nbformat.v4.new_code_cell(code) for code in extra_code]
    NotebookClient(notebook, kernel_name="python3", timeout=600,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return notebook


@pytest.fixture(autouse=True)
def synthetic_data_only(monkeypatch, tmp_path):
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))


def test_02_states_the_accuracy_its_model_reaches():
    notebook = executed("02_promoter_classifier")
    training = next(cell for cell in notebook.cells if cell.id == "train_promoter_model")
    printed = "".join(output.get("text", "") for output in training.outputs
                      if output.output_type == "stream")
    reached = float(re.search(r"promoter_model \(Adam\): test accuracy ([0-9.]+)",
                              printed).group(1))
    assert abs(reached - STATED_TEST_ACCURACY) <= 0.02, (
        f"the notebook states {STATED_TEST_ACCURACY} but its model reached {reached}")
    stated = "".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    assert f"**{STATED_TEST_ACCURACY:.2f}**" in stated
    assert f"**at least {REQUIRED_TEST_ACCURACY:.2f}**" in stated
    # Section 12 reads the centred weights: no TATA box, the strongest weights on the Inr and the
    # DPE, and C and G favoured upstream.
    weights = next(cell for cell in notebook.cells if cell.id == "plot_weights")
    printed = "".join(output.get("text", "") for output in weights.outputs
                      if output.output_type == "stream")
    preferred = re.search(r"would sit: ([ACGT]+)", printed).group(1)
    assert sum(base in "AT" for base in preferred) <= 2, preferred
    largest = re.search(r"largest centred weights.*:\n(.*)", printed).group(1)
    positions = [int(entry.split()[0]) for entry in largest.split(", ")]
    assert all(-2 <= position <= 4 or 27 <= position <= 31 for position in positions), largest
    assert float(re.search(r"C and G: ([-+0-9.]+)", printed).group(1)) > 0


def test_03_shows_underfitting_a_good_fit_and_overfitting():
    histories = "import json\nprint(json.dumps([underfit_history, history, overfit_history]))"
    notebook = executed("03_mlp", histories)
    underfit, good, overfit = json.loads(notebook.cells[-1].outputs[0]["text"])
    # Underfitting (a model too small): both losses level off high, close to each other, far
    # above the good fit's, and the last epochs no longer lower them.
    assert min(underfit["train_loss"]) > 0.45 and min(underfit["val_loss"]) > 0.45
    assert abs(underfit["train_loss"][-1] - underfit["val_loss"][-1]) < 0.03
    assert min(underfit["val_loss"]) > good["val_loss"][-1] + 0.1
    assert min(underfit["val_loss"][:10]) - min(underfit["val_loss"]) < 0.02
    # A good fit: the validation loss falls far and ends near its lowest value.
    assert good["val_loss"][-1] < 0.45 and good["val_loss"][-1] - min(good["val_loss"]) < 0.02
    # Overfitting: the training set is memorized, the validation loss rises after its minimum.
    lowest = overfit["val_loss"].index(min(overfit["val_loss"]))
    assert overfit["train_loss"][-1] < 0.01 and lowest <= 5
    assert overfit["val_loss"][-1] > min(overfit["val_loss"]) + 0.2


def test_01_extrapolates_a_newborn_to_a_negative_weight():
    notebook = executed("01_linear_regression", "print(newborn_kg.item())")
    assert float(notebook.cells[-1].outputs[0]["text"]) < 0


CNN_RESULTS = ("import json\nprint(json.dumps([cnn_history, mlp_history, "
               "evaluate(cnn, x_test, y_test)[1], evaluate(mlp, x_test, y_test)[1]]))")
MOTIF_SCORES = ("import json\nprint(json.dumps({'top10': top10_in_sites, "
                "'best': {name: score for name, (_, score) in best_filters.items()}, "
                "'untrained': untrained_best}))")


@pytest.fixture(scope="module")
def cnn_notebook(tmp_path_factory):
    """04 executed once (its training is the longest run of any notebook here), then
    ``CNN_RESULTS`` and ``MOTIF_SCORES``: returns (notebook, [their two printed values])."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ROOT_VARIABLE, str(tmp_path_factory.mktemp("no_real_data")))
        notebook = executed("04_cnn", CNN_RESULTS, MOTIF_SCORES)
    return notebook, [json.loads(cell.outputs[0]["text"]) for cell in notebook.cells[-2:]]


def test_04_compares_the_cnn_and_the_mlp_on_one_budget_without_peeking_at_the_test_set(
        cnn_notebook):
    notebook, (results, _) = cnn_notebook
    cnn_history, mlp_history, cnn_accuracy, mlp_accuracy = results
    assert cnn_accuracy > 0.85 and mlp_accuracy < 0.72
    # The MLP memorizes: its training loss falls, its validation loss falls a little at most,
    # then rises.
    assert mlp_history["train_loss"][-1] < mlp_history["train_loss"][0] - 0.15
    assert min(mlp_history["val_loss"]) > mlp_history["val_loss"][0] - 0.05
    assert mlp_history["val_loss"][-1] > mlp_history["val_loss"][0] + 0.05
    # A shift of one base: the CNN keeps nearly every prediction, the MLP changes many.
    shifted = next(cell for cell in notebook.cells if cell.id == "shifted_motifs")
    table = "".join(output.get("text", "") for output in shifted.outputs)  # one print a stream
    one_base = next(line for line in table.splitlines() if line.split() and line.split()[0] == "1")
    cnn_changed, mlp_changed = (float(field.rstrip("%")) for field in one_base.split()[2::2])
    assert cnn_changed <= 2 and mlp_changed >= 10, one_base
    training = "".join(cell.source for cell in notebook.cells if cell.id in (
        "training_loop", "train_cnn", "mlp_for_comparison"))
    assert "train_model(cnn)" in training and "train_model(mlp)" in training  # one budget
    assert "x_test" not in training.split("def train_model")[1].split("def count_parameters")[0]


def test_04_finds_the_planted_motifs_by_mutagenesis_and_in_its_filters(cnn_notebook):
    """The end of 04, on the notebook's own run: the trained CNN's most important positions lie
    inside the planted sites far more often than an untrained CNN's or random positions, and for
    every planted JASPAR factor some learned filter's PFM matches it with similarity >= 0.75
    (unrelated planted matrices score 0.4-0.5 against each other, untrained filters <= 0.6)."""
    _, (_, measured) = cnn_notebook
    top10 = measured["top10"]
    assert top10["trained CNN"] > 0.4
    assert top10["trained CNN"] > 4 * max(top10["untrained CNN"], top10["random positions"])
    assert set(measured["best"]) == {"HNF4A", "CEBPB", "FOXA1"}
    for name, score in measured["best"].items():
        assert score >= 0.75 and score > measured["untrained"][name] + 0.1, (name, measured)
