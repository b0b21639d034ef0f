"""The synthetic DNA data are a pure function of their arguments: the seed is their only
randomness."""
import numpy as np
import pandas as pd
import pytest
import torch

from dlbio_student.data.synthetic_dna import enhancer_like, promoter_like

GENERATORS = [promoter_like, enhancer_like]


@pytest.mark.parametrize("generate", GENERATORS)
def test_the_same_seed_gives_the_same_frame(generate):
    pd.testing.assert_frame_equal(generate(200, 50, seed=7), generate(200, 50, seed=7))


@pytest.mark.parametrize("generate", GENERATORS)
def test_different_seeds_give_different_sequences(generate):
    first, second = generate(200, 50, seed=1), generate(200, 50, seed=2)
    assert (first["sequence"] != second["sequence"]).all()


@pytest.mark.parametrize("generate", GENERATORS)
def test_the_test_split_does_not_change_with_the_size_of_the_training_split(generate):
    small, large = generate(100, 50, seed=0), generate(400, 50, seed=0)
    pd.testing.assert_frame_equal(small[small["split"] == "test"].reset_index(drop=True),
                                  large[large["split"] == "test"].reset_index(drop=True))


def test_generation_leaves_the_global_random_state_alone():
    numpy_state, torch_state = np.random.get_state()[1].copy(), torch.get_rng_state()
    promoter_like(100, 20, seed=0)
    enhancer_like(100, 20, seed=0)
    assert (np.random.get_state()[1] == numpy_state).all()
    assert torch.equal(torch.get_rng_state(), torch_state)
