"""The guard for aeon/sktime's (n_samples, n_channels, n_timesteps) layout (issue 16)."""

import warnings

import numpy as np
import pytest
from _support import TINY

from sklearn_rnn import RNNClassifier, RNNRegressor
from sklearn_rnn._sequences import _looks_channels_first

LABELS = np.array([0, 1] * 3)
LAYOUT = "layout of aeon and sktime"


def random_walks(shape, axes=(-1,), seed=0):
    """Gaussian noise summed along ``axes``: series that change smoothly along them."""
    values = np.random.default_rng(seed).standard_normal(shape)
    for axis in axes:
        values = values.cumsum(axis=axis)
    return values


def layout_warnings(fit):
    """The layout warnings that ``fit()`` emits."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        fit()
    return [w for w in record if LAYOUT in str(w.message)]


@pytest.mark.parametrize("n_channels", [1, 3])
def test_channels_first_array_warns_at_fit_with_the_conversion(n_channels):
    X = random_walks((6, n_channels, 60))
    found = layout_warnings(lambda: RNNClassifier(**TINY).fit(X, LABELS))
    assert len(found) == 1
    message = str(found[0].message)
    assert "X.transpose(0, 2, 1)" in message
    assert f"X has shape {X.shape}" in message
    assert f"{n_channels} time step(s) with 60 features" in message
    assert found[0].filename == __file__  # attributed to the caller's line


def test_regressor_warns_too():
    X = random_walks((6, 2, 40))
    found = layout_warnings(lambda: RNNRegressor(**TINY).fit(X, np.arange(6.0)))
    assert len(found) == 1


def test_converted_array_fits_and_predicts_silently():
    X = random_walks((6, 3, 60)).transpose(0, 2, 1)
    clf = RNNClassifier(**TINY)
    assert layout_warnings(lambda: clf.fit(X, LABELS)) == []
    assert clf.n_features_in_ == 3
    assert layout_warnings(lambda: clf.predict(X)) == []


def test_warns_at_fit_only():
    X = random_walks((6, 2, 40))
    clf = RNNClassifier(**TINY)
    assert len(layout_warnings(lambda: clf.fit(X, LABELS))) == 1
    assert layout_warnings(lambda: clf.predict(X)) == []


@pytest.mark.parametrize(
    "shape",
    [
        (6, 10, 300),  # word vectors: unordered features, few steps
        (6, 1, 8),  # one step of a few features
        (6, 65, 300),  # more than 64 steps
        (6, 16, 63),  # fewer than 4 features a step
    ],
)
def test_no_warning_without_all_signs(shape):
    """Smooth features matter only for short, wide arrays; noise never looks like time."""
    axes = () if shape == (6, 10, 300) else (-1,)
    X = random_walks(shape, axes=axes)
    assert layout_warnings(lambda: RNNClassifier(**TINY).fit(X, LABELS)) == []


def test_rule_never_fires_when_timesteps_outnumber_features():
    """Arrays smooth along both axes, every width below the number of steps."""
    for n_timesteps in range(1, 90, 4):
        for n_features in range(1, n_timesteps):
            X = random_walks((3, n_timesteps, n_features), axes=(1, 2))
            assert not _looks_channels_first(X), X.shape


def test_rule_reads_non_finite_values_as_zero():
    X = random_walks((6, 2, 40))
    X[0, 0, :5] = np.nan
    X[1, 1, 3] = np.inf
    assert _looks_channels_first(X)


def test_ragged_channels_first_list_error_names_the_transpose():
    rng = np.random.default_rng(0)
    X = [rng.standard_normal((3, length)) for length in (20, 25, 30, 20, 25, 30)]
    with pytest.raises(ValueError, match=r"pass \[x\.T for x in X\]"):
        RNNClassifier(**TINY).fit(X, LABELS)
    with pytest.raises(ValueError, match="same number of features") as error:
        RNNClassifier(**TINY).fit([np.ones((2, 2)), np.ones((3, 1))], [0, 1])
    assert "x.T" not in str(error.value)  # the steps differ too: no such layout


def test_documented_filter_silences_the_warning():
    X = random_walks((6, 2, 40))
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", message=".*layout of aeon and sktime")
        RNNClassifier(**TINY).fit(X, LABELS)
    assert not [w for w in record if LAYOUT in str(w.message)]
