"""The synthetic stand-ins have the shape of the Genomic Benchmarks data sets they replace."""
import time

import pytest

from dlbio_student.data.synthetic_dna import (ENHANCER_LENGTH, PROMOTER_LENGTH, enhancer_like,
                                           promoter_like)

DATA_SETS = [(promoter_like, PROMOTER_LENGTH), (enhancer_like, ENHANCER_LENGTH)]


@pytest.fixture(scope="module", params=DATA_SETS, ids=["promoters", "enhancers"])
def generated(request):
    generate, seq_len = request.param
    return generate(seed=0), seq_len


def test_lengths_match_the_benchmark():
    assert (PROMOTER_LENGTH, ENHANCER_LENGTH) == (251, 500)


def test_columns_and_types(generated):
    frame, _ = generated
    assert list(frame.columns) == ["sequence", "label", "split"]
    assert frame["label"].dtype.kind == "i"
    assert set(frame["label"]) == {0, 1}
    assert list(frame["split"].drop_duplicates()) == ["train", "test"]


def test_default_size_is_2000_training_and_500_test_sequences(generated):
    frame, _ = generated
    assert frame["split"].value_counts().to_dict() == {"train": 2000, "test": 500}


def test_every_sequence_has_the_benchmark_length(generated):
    frame, seq_len = generated
    assert (frame["sequence"].str.len() == seq_len).all()


def test_sequences_are_uppercase_acgt(generated):
    frame, _ = generated
    assert frame["sequence"].str.fullmatch("[ACGT]+").all()


def test_classes_are_balanced_in_each_split(generated):
    frame, _ = generated
    counts = frame.groupby(["split", "label"]).size()
    assert counts.to_dict() == {("test", 0): 250, ("test", 1): 250,
                                ("train", 0): 1000, ("train", 1): 1000}


@pytest.mark.parametrize("generate, _", DATA_SETS)
@pytest.mark.parametrize("n_train, n_test", [(1, 1), (7, 3), (0, 4)])
def test_odd_and_tiny_sizes_work(generate, _, n_train, n_test):
    frame = generate(n_train, n_test, seed=0)
    assert frame["split"].value_counts().reindex(["train", "test"], fill_value=0).tolist() == [
        n_train, n_test]


@pytest.mark.parametrize("generate, _", DATA_SETS)
def test_a_default_data_set_takes_well_under_a_second(generate, _):
    start = time.process_time()
    generate(seed=0)
    assert time.process_time() - start < 1.0
