"""Reading the Genomic Benchmarks folder layout: round trip, order, subsampling, and error
messages that name the file (and the position and character) at fault."""
import pandas as pd
import pytest

from dlbio_student.data.genomic_benchmarks import read_genomic_benchmarks_layout
from dlbio_student.data.synthetic_dna import promoter_like, write_genomic_benchmarks_layout


def write_files(dataset_dir, sequences_by_folder):
    """sequences_by_folder: {"train/positive": ["ACGT", ...], ...}; missing folders are empty."""
    for split in ("train", "test"):
        for class_name in ("negative", "positive"):
            folder = dataset_dir / split / class_name
            folder.mkdir(parents=True)
            for index, sequence in enumerate(sequences_by_folder.get(f"{split}/{class_name}", [])):
                (folder / f"{index}.txt").write_text(sequence)
    return dataset_dir


def test_writing_the_layout_and_reading_it_back_round_trips(tmp_path):
    frame = promoter_like(40, 10, seed=0)
    dataset_dir = write_genomic_benchmarks_layout(frame, tmp_path, "human_nontata_promoters")
    assert dataset_dir == tmp_path / "human_nontata_promoters"
    files_per_folder = pd.Series([path.parent.relative_to(dataset_dir).as_posix()
                                  for path in dataset_dir.rglob("*.txt")]).value_counts()
    assert files_per_folder.to_dict() == {"train/negative": 20, "train/positive": 20,
                                          "test/negative": 5, "test/positive": 5}
    assert (dataset_dir / "train" / "positive" / "19.txt").read_text() == frame[
        (frame["split"] == "train") & (frame["label"] == 1)]["sequence"].iloc[19]

    read_back = read_genomic_benchmarks_layout(dataset_dir)
    pd.testing.assert_frame_equal(by_group(read_back), by_group(frame))


def by_group(frame):
    """Rows grouped by split and label, in their order within each group."""
    return frame.sort_values(["split", "label"], kind="stable").reset_index(drop=True)


def test_rows_come_split_by_split_negatives_first_files_in_numeric_order(tmp_path):
    negatives = [base * 4 for base in "ACGTACGTACGT"]  # 12 files: 0.txt ... 11.txt
    dataset_dir = write_files(tmp_path / "d", {"train/negative": negatives,
                                               "train/positive": ["GGGG"],
                                               "test/positive": ["CCCC"]})
    frame = read_genomic_benchmarks_layout(dataset_dir)
    assert frame["sequence"].tolist() == negatives + ["GGGG", "CCCC"]
    assert frame["label"].tolist() == [0] * 12 + [1, 1]
    assert frame["split"].tolist() == ["train"] * 13 + ["test"]


def test_sequences_are_uppercased_and_surrounding_whitespace_is_ignored(tmp_path):
    dataset_dir = write_files(tmp_path / "d", {"train/positive": ["acgTN\n"],
                                               "test/negative": ["  ACGTA"]})
    assert read_genomic_benchmarks_layout(dataset_dir)["sequence"].tolist() == ["ACGTN", "ACGTA"]


def test_a_bad_character_names_the_file_the_position_and_the_character(tmp_path):
    dataset_dir = write_files(tmp_path / "d", {"train/positive": ["ACGT", "ACGT", "ACgX"]})
    with pytest.raises(ValueError, match=r"train/positive/2\.txt: character 'X' at position 3"):
        read_genomic_benchmarks_layout(dataset_dir)


def test_an_empty_file_is_named(tmp_path):
    dataset_dir = write_files(tmp_path / "d", {"test/negative": ["ACGT", "\n"]})
    with pytest.raises(ValueError, match=r"test/negative/1\.txt: the file is empty"):
        read_genomic_benchmarks_layout(dataset_dir)


def test_a_sequence_of_another_length_than_the_first_is_named(tmp_path):
    dataset_dir = write_files(tmp_path / "d", {"train/negative": ["ACGT"],
                                               "train/positive": ["ACGTA"]})
    with pytest.raises(ValueError, match=r"train/positive/0\.txt: the sequence has length 5, "
                                         r"but 4 was expected \(the length of .*0\.txt\)"):
        read_genomic_benchmarks_layout(dataset_dir)


def test_a_sequence_of_another_length_than_seq_len_is_named(tmp_path):
    dataset_dir = write_files(tmp_path / "d", {"train/negative": ["ACGT"]})
    with pytest.raises(ValueError, match=r"negative/0\.txt: .* length 4, but 5 was expected "
                                         r"\(the seq_len argument\)"):
        read_genomic_benchmarks_layout(dataset_dir, seq_len=5)


def test_a_missing_class_folder_is_named(tmp_path):
    dataset_dir = write_files(tmp_path / "d", {})
    (dataset_dir / "test" / "positive").rmdir()
    with pytest.raises(ValueError, match=r"test/positive is missing"):
        read_genomic_benchmarks_layout(dataset_dir)


def test_max_per_split_reads_a_seeded_subset_in_file_order(tmp_path):
    frame = promoter_like(60, 20, seed=0)
    dataset_dir = write_genomic_benchmarks_layout(frame, tmp_path, "d")
    full = read_genomic_benchmarks_layout(dataset_dir)
    capped = read_genomic_benchmarks_layout(dataset_dir, max_per_split=10, seed=1)

    assert capped["split"].value_counts().to_dict() == {"train": 10, "test": 10}
    positions = [full.index[full["sequence"] == seq][0] for seq in capped["sequence"]]
    assert positions == sorted(positions)  # a subset, in file order
    pd.testing.assert_frame_equal(
        capped, read_genomic_benchmarks_layout(dataset_dir, max_per_split=10, seed=1))
    assert not capped.equals(read_genomic_benchmarks_layout(dataset_dir, max_per_split=10, seed=2))
