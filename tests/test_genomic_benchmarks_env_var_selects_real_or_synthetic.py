"""load_dataset reads the real data under $DLBIO_GENOMIC_BENCHMARKS when it is there, and
otherwise falls back to the synthetic stand-in, and says which one it used."""
import pandas as pd
import pytest

from dlbio_student.data.genomic_benchmarks import (ROOT_VARIABLE, genomic_benchmarks_root,
                                                load_dataset, read_genomic_benchmarks_layout)
from dlbio_student.data.synthetic_dna import (enhancer_like, promoter_like,
                                           write_genomic_benchmarks_layout)


@pytest.fixture
def real_promoters(tmp_path, monkeypatch):
    """A small fake real data set on disk, with the environment variable pointing at it."""
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))
    return write_genomic_benchmarks_layout(promoter_like(30, 10, seed=5), tmp_path,
                                           "human_nontata_promoters")


def test_the_real_data_is_used_when_it_is_on_disk(real_promoters):
    dataset = load_dataset("human_nontata_promoters")
    assert dataset.source == "real"
    assert dataset.location == real_promoters
    pd.testing.assert_frame_equal(dataset.frame, read_genomic_benchmarks_layout(real_promoters))
    assert dataset.describe() == (f"Using the real human_nontata_promoters data from "
                                  f"{real_promoters}")


def test_max_per_split_caps_the_real_data(real_promoters):
    dataset = load_dataset("human_nontata_promoters", max_per_split=8)
    assert dataset.frame["split"].value_counts().to_dict() == {"train": 8, "test": 8}


def test_the_synthetic_stand_in_is_used_when_the_real_data_is_not_there(real_promoters):
    dataset = load_dataset("human_enhancers_cohn", seed=3)
    assert dataset.source == "synthetic"
    assert dataset.location is None
    pd.testing.assert_frame_equal(dataset.frame, enhancer_like(seed=3))
    assert dataset.describe() == ("Using synthetic enhancer-like data (the real "
                                  "human_enhancers_cohn data set is not on this machine)")


def test_promoters_fall_back_to_the_synthetic_promoters(tmp_path, monkeypatch):
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))
    dataset = load_dataset("human_nontata_promoters", max_per_split=100)
    assert dataset.source == "synthetic"
    pd.testing.assert_frame_equal(dataset.frame, promoter_like(100, 100, seed=0))
    assert dataset.describe().startswith("Using synthetic promoter-like data")


def test_train_and_test_are_the_rows_of_each_split(tmp_path, monkeypatch):
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))
    dataset = load_dataset("human_nontata_promoters", max_per_split=50)
    assert (len(dataset.train), len(dataset.test)) == (50, 50)
    assert set(dataset.train["split"]) == {"train"} and set(dataset.test["split"]) == {"test"}


def test_the_default_root_is_genomic_benchmarks_in_the_home_folder(tmp_path, monkeypatch):
    monkeypatch.delenv(ROOT_VARIABLE, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert genomic_benchmarks_root() == tmp_path / ".genomic_benchmarks"


def test_an_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="unknown data set 'human_ocr_ensembl'.*"
                                         "human_nontata_promoters, human_enhancers_cohn"):
        load_dataset("human_ocr_ensembl")
