import numpy as np
import pytest
import torch

# Tests run on 2 cores, often two test processes at once: one torch thread each.
torch.set_num_threads(1)

# Tiny, fast settings shared by behavioural tests.
FAST = dict(hidden_size=8, max_iter=5, random_state=0)


def make_sequences(n_samples=40, n_timesteps=10, n_features=2, seed=0):
    """Sequences whose class is the sign of the mean of feature 0 over the first steps."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_timesteps, n_features))
    y = (X[:, :3, 0].mean(axis=1) > 0).astype(int)
    return X, y


def make_ragged(n_samples=40, n_features=2, min_length=3, max_length=12, seed=0):
    """Variable-length sequences; target is the sum of feature 0 over the first 3 steps."""
    rng = np.random.RandomState(seed)
    lengths = rng.randint(min_length, max_length + 1, size=n_samples)
    X = [rng.normal(size=(length, n_features)) for length in lengths]
    y = np.array([seq[:3, 0].sum() for seq in X])
    return X, y


@pytest.fixture
def sequences():
    return make_sequences()


@pytest.fixture
def ragged():
    return make_ragged()
