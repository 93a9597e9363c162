"""What the tests share: estimator settings, data makers and malformed input.

Test files import it as ``from _support import ...`` (pytest puts ``tests/``
on ``sys.path``); ``conftest.py`` keeps only fixtures and session set-up.
"""

import numpy as np
import scipy.sparse as sp

# Estimator settings, from the most to the least training.
# The estimator checks (tests/test_common.py) fit dozens of times on tiny data
# and some must learn it: "last" pooling learns the checks' tabular targets (one
# informative column) fastest.
ESTIMATOR_CHECKS = dict(hidden_size=16, max_iter=100, pooling="last", random_state=0)
# Behavioural tests: a few epochs of a small network.
FAST = dict(hidden_size=8, max_iter=5, random_state=0)
# Plumbing (pandas, Dask) where what the network learns does not matter.
TINY = dict(hidden_size=4, max_iter=3, random_state=0)
# Property tests fit hundreds of random inputs and check only that the output is valid.
SMALLEST = dict(hidden_size=2, max_iter=1, batch_size=4, random_state=0, device="cpu")

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
