"""The synthetic enhancers' binding sites are sampled from real JASPAR matrices, and the data
layer says truthfully where it planted each one (the ground truth of notebook 04's
interpretation part)."""
import numpy as np
import pandas as pd
import pytest

from dlbio_student.data import jaspar_motifs
from dlbio_student.data.genomic_benchmarks import ROOT_VARIABLE, load_dataset
from dlbio_student.data.synthetic_dna import (ENHANCER_MOTIFS, enhancer_like,
                                           enhancer_like_with_sites,
                                           write_genomic_benchmarks_layout)

COMPLEMENT = str.maketrans("ACGT", "TGCA")


@pytest.fixture(scope="module")
def planted():
    return enhancer_like_with_sites(seed=0)


def log_odds(site, probabilities):
    """Log-odds score of the string ``site`` under a (K, 4) matrix, against uniform bases."""
    columns = ["ACGT".index(base) for base in site]
    return float(np.log2(4 * (probabilities[np.arange(len(site)), columns] + 1e-3)).sum())


def test_the_planted_factors_are_the_liver_factors_of_jaspar():
    assert set(ENHANCER_MOTIFS) == {"HNF4A", "CEBPB", "FOXA1"}
    consensus = {name: jaspar_motifs.consensus(matrix) for name, matrix in ENHANCER_MOTIFS.items()}
    assert consensus == {"HNF4A": "CAAAGTCCA", "CEBPB": "ATTGCGCAAT", "FOXA1": "GTAAACAT"}
    for matrix in ENHANCER_MOTIFS.values():
        np.testing.assert_allclose(matrix.sum(axis=1), 1.0)


def test_the_shipped_matrices_are_pyjaspars_copy():
    pytest.importorskip("pyjaspar")
    assert jaspar_motifs.extract_from_pyjaspar() == jaspar_motifs._read()


def site_scores(frame, sites, strand_as_reported=True):
    """Log-odds of each reported site read on its reported strand (or on the other one)."""
    scores = []
    for site in sites.itertuples():
        bases = frame["sequence"].iat[site.row][site.start:site.end]
        if (site.strand == "-") == strand_as_reported:
            bases = bases.translate(COMPLEMENT)[::-1]
        scores.append(log_odds(bases, ENHANCER_MOTIFS[site.motif]))
    return np.array(scores)


def test_every_reported_site_is_the_motif_on_its_strand(planted):
    frame, sites = planted
    scores = site_scores(frame, sites)
    # random k-mers score -16 bits or less under these matrices (median); sampled sites +13
    assert np.percentile(scores, 1) > 0 and np.median(scores) > 8
    asymmetric = (sites["motif"] != "CEBPB").to_numpy()  # CEBPB's site is a palindrome
    other_strand = site_scores(frame, sites, strand_as_reported=False)
    assert (scores[asymmetric] > other_strand[asymmetric]).mean() > 0.97


def test_sites_are_sampled_from_the_matrix_not_copied_from_its_consensus(planted):
    frame, sites = planted
    hnf4a = sites[(sites["motif"] == "HNF4A") & (sites["strand"] == "+")]
    instances = [frame["sequence"].iat[row][start:end]
                 for row, start, end in hnf4a[["row", "start", "end"]].itertuples(index=False)]
    share_consensus = np.mean([instance == "CAAAGTCCA" for instance in instances])
    # the product of the matrix's top frequencies: about 0.3
    assert 0.2 < share_consensus < 0.4
    assert set(sites["strand"]) == {"+", "-"}
    assert 0.4 < (sites["strand"] == "+").mean() < 0.6


def test_sites_in_one_sequence_never_overlap(planted):
    _, sites = planted
    for _, in_one in sites.groupby("row"):
        assert (in_one["start"].to_numpy()[1:] >= in_one["end"].to_numpy()[:-1]).all()


def test_the_sites_belong_to_the_frame_of_the_same_arguments(planted):
    frame, sites = planted
    pd.testing.assert_frame_equal(frame, enhancer_like(seed=0))
    again = enhancer_like_with_sites(seed=0)[1]
    pd.testing.assert_frame_equal(sites, again)
    assert sites["row"].between(0, len(frame) - 1).all()
    assert set(sites["row"][sites["row"] >= 2000]) <= set(frame.index[frame["split"] == "test"])


def test_load_dataset_reports_sites_for_synthetic_enhancers_only(tmp_path, monkeypatch):
    monkeypatch.setenv(ROOT_VARIABLE, str(tmp_path))
    synthetic = load_dataset("human_enhancers_cohn", max_per_split=100, seed=4)
    pd.testing.assert_frame_equal(synthetic.sites, enhancer_like_with_sites(100, 100, 4)[1])
    assert load_dataset("human_nontata_promoters", max_per_split=10).sites is None
    write_genomic_benchmarks_layout(synthetic.frame, tmp_path, "human_enhancers_cohn")
    real = load_dataset("human_enhancers_cohn")
    assert real.source == "real" and real.sites is None
