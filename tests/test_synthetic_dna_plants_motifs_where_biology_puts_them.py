"""Positives carry their motifs (promoter elements at their place relative to the TSS,
enhancer sites anywhere); negatives mostly do not."""
import re

import numpy as np
import pytest

from dlbio_student.data.synthetic_dna import (ENHANCER_LENGTH, TSS, enhancer_like,
                                             enhancer_like_with_sites, promoter_like)


@pytest.fixture(scope="module")
def promoters():
    frame = promoter_like(seed=0)
    return frame[frame["label"] == 1]["sequence"], frame[frame["label"] == 0]["sequence"]


@pytest.fixture(scope="module")
def enhancers():
    frame = enhancer_like(seed=0)
    return frame[frame["label"] == 1]["sequence"], frame[frame["label"] == 0]["sequence"]


def fraction_with(sequences, pattern, start, end):
    """Fraction of sequences with a match of ``pattern`` starting in [start, end)."""
    return sequences.apply(
        lambda seq: any(start <= m.start() < end
                        for m in re.finditer(f"(?=({pattern}))", seq))).mean()


def test_non_tata_positives_carry_no_tata_box_where_one_would_sit(promoters):
    positives, negatives = promoters
    tata = "TATA[AT]A[AT]"
    where_tbp_binds = (TSS - 35, TSS - 24)  # about 31 bp upstream, allowing a few bp of slack
    # Only chance matches remain, as rare as in the background.
    assert fraction_with(positives, tata, *where_tbp_binds) < 0.01
    assert fraction_with(negatives, tata, *where_tbp_binds) < 0.01


def test_most_positives_have_an_initiator_at_the_tss(promoters):
    positives, negatives = promoters
    initiator = "[CT][CT]A[ACGT][AT][CT][CT]"
    assert fraction_with(positives, initiator, TSS - 3, TSS) > 0.7
    assert fraction_with(negatives, initiator, TSS - 3, TSS) < 0.1


def test_gc_boxes_sit_upstream_in_positives(promoters):
    positives, negatives = promoters
    gc_box = "GGGCGG|CCGCCC"
    assert fraction_with(positives, gc_box, TSS - 110, TSS - 45) > 0.5
    assert fraction_with(negatives, gc_box, TSS - 110, TSS - 45) < 0.15


def test_positives_are_cpg_rich_around_the_tss_and_background_is_cpg_depleted(promoters):
    positives, negatives = promoters
    around_tss = slice(TSS - 60, TSS + 40)
    assert positives.str[around_tss].str.count("CG").mean() > 3 * negatives.str[
        around_tss].str.count("CG").mean()
    # observed / expected CpG in the background: about a quarter, as in the human genome
    background = "".join(negatives)
    expected = background.count("C") * background.count("G") / len(background)
    assert 0.15 < background.count("CG") / expected < 0.5


@pytest.fixture(scope="module")
def sites_by_label():
    frame, sites = enhancer_like_with_sites(seed=0)
    return sites.assign(label=frame["label"].to_numpy()[sites["row"]]), frame


def test_enhancers_carry_several_tf_sites_and_background_few(sites_by_label):
    sites, frame = sites_by_label
    per_class = sites.groupby("label").size() / frame.groupby("label").size()
    assert per_class[1] > 2.5
    assert per_class[0] < 0.4


def test_enhancer_sites_are_spread_over_the_whole_sequence(sites_by_label):
    sites, _ = sites_by_label
    starts = sites[sites["label"] == 1]["start"].to_numpy()
    per_100_bp = np.bincount(starts // 100, minlength=ENHANCER_LENGTH // 100)
    assert per_100_bp.min() > 0.15 * len(starts)


def test_gc_content_alone_separates_enhancers_only_a_little(enhancers):
    positives, negatives = enhancers
    gc_difference = (positives.str.count("[GC]").mean()
                     - negatives.str.count("[GC]").mean()) / ENHANCER_LENGTH
    assert 0.02 < gc_difference < 0.08
