import numpy as np
import pytest
import scipy.sparse as sp
import torch

# Tests run on 2 cores, often two test processes at once: one torch thread each.
torch.set_num_threads(1)

# Malformed X, the error class, and the words its message must contain.
BAD_X = [
    (sp.csr_matrix(np.ones((3, 3))), TypeError, "Sparse data was passed"),
    (np.array([1.0, np.nan]).reshape(1, 2), ValueError, "Input X contains NaN"),
    (np.array([1.0, np.inf]).reshape(1, 2), ValueError, "Input X contains infinity"),
    ([np.ones((2, 1)), np.array([[np.nan]])], ValueError, "Input X contains NaN"),
    (np.ones(5), ValueError, "Expected 2D or 3D array, got 1D array"),
    (np.float64(1.0), ValueError, "Expected 2D or 3D array, got 0D array"),
    (np.ones((2, 2, 2, 2)), ValueError, "Found array with dim 4"),
    (np.ones((0, 5)), ValueError, "0 sample\\(s\\)"),
    (np.ones((0, 5, 2)), ValueError, "0 sample\\(s\\)"),
    (np.ones((4, 0)), ValueError, "0 feature\\(s\\)"),
    (np.ones((4, 3, 0)), ValueError, "0 feature\\(s\\)"),
    ([np.ones((2, 1)), np.ones((0, 1))], ValueError, "Sequence 1 in X is empty"),
    ([np.ones((2, 2)), np.ones((3, 1))], ValueError, "same number of features"),
    ([np.ones((2, 2, 2)), np.ones((3, 2, 2))], ValueError, "must be 1-D"),
    (np.array([["a", "b"], ["c", "d"]]), ValueError, "must hold numbers"),
    ([np.array(["a", "b"]), np.array(["c"])], ValueError, "must hold numbers"),
    (np.ones((2, 3), dtype=complex), ValueError, "Complex data not supported"),
]

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
