"""Missing readings: missing="error" | "mask" on the sequence estimators, NaN through the
sequence transformers, and the pipelines that impute or mask them."""

import numpy as np
import pytest
from _support import FAST, TINY
from sklearn.decomposition import PCA
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_rnn import RNNClassifier, RNNRegressor
from sklearn_rnn._sequences import Sequences, fill_missing, missing_statistics
from sklearn_rnn._statistics import step_statistics
from sklearn_rnn.preprocessing import SequenceScaler, StepwiseTransformer

ESTIMATORS = [RNNClassifier, RNNRegressor]


def with_gaps(n_samples=40, n_timesteps=6, n_features=3, missing_feature=1, seed=0):
    """Sequences with about a fifth of the readings of ``missing_feature`` missing."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_timesteps, n_features))
    y = (X[:, :, 0].mean(axis=1) > 0).astype(int)
    X[rng.rand(n_samples, n_timesteps) < 0.2, missing_feature] = np.nan
    return X, y


def target(Estimator, y):
    return y if Estimator is RNNClassifier else y.astype(float)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_nan_is_an_error_by_default_that_names_the_feature_and_the_parameter(Estimator):
    X, y = with_gaps(missing_feature=2)
    with pytest.raises(ValueError, match=r"Input X contains NaN in feature \(per time step\) 2"):
        Estimator(**TINY).fit(X, target(Estimator, y))
    with pytest.raises(ValueError, match="set missing='mask'"):
        Estimator(**TINY).fit(list(X), target(Estimator, y))


def test_nan_error_names_the_column_of_a_table():
    X = np.ones((4, 3))
    X[2, 1] = np.nan
    with pytest.raises(ValueError, match=r"column 1 \(first in sample 2\).*missing='mask'"):
        RNNClassifier(**TINY).fit(X, [0, 1, 0, 1])


def test_nan_fitted_without_mask_is_refused_at_predict():
    X, y = with_gaps()
    clf = RNNClassifier(**TINY).fit(np.nan_to_num(X), y)
    with pytest.raises(ValueError, match="set missing='mask'"):
        clf.predict(X)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_mask_adds_one_indicator_channel_per_feature_with_missing_values(Estimator):
    X, y = with_gaps(n_features=3, missing_feature=1)
    est = Estimator(**TINY, missing="mask").fit(X, target(Estimator, y))
    np.testing.assert_array_equal(est.missing_indicators_, [1])
    assert est.n_features_in_ == 3  # the user's features; the channel is internal
    assert est.net_.module_.encoder.rnn.forward_layers[0].input_size == 4
    predictions = est.predict(X)
    assert np.all(np.isfinite(predictions.astype(float)))


def test_mask_without_missing_values_adds_no_channel_and_fills_later_nan():
    X, y = with_gaps()
    complete = np.nan_to_num(X)
    clf = RNNClassifier(**TINY, missing="mask").fit(complete, y)
    assert clf.missing_indicators_.size == 0
    assert clf.net_.module_.encoder.rnn.forward_layers[0].input_size == 3
    # A NaN at predict in a feature without an indicator is filled with its mean.
    filled = complete.copy()
    filled[:, 2, 0] = clf._fill_values_[0]
    gappy = complete.copy()
    gappy[:, 2, 0] = np.nan
    np.testing.assert_allclose(clf.predict_proba(gappy), clf.predict_proba(filled))


def test_infinity_stays_an_error_with_mask():
    X, y = with_gaps()
    X[3, 2, 0] = np.inf
    with pytest.raises(
        ValueError, match=r"Input X contains infinity .* feature \(per time step\) 0"
    ):
        RNNClassifier(**TINY, missing="mask").fit(X, y)
    clf = RNNClassifier(**TINY, missing="mask").fit(*with_gaps())
    with pytest.raises(ValueError, match="contains infinity"):
        clf.predict(X)


def test_filled_readings_are_the_feature_mean_and_zero_once_standardized():
    rng = np.random.RandomState(0)
    values = rng.normal(3.0, 2.0, size=(5, 4, 2)).astype(np.float32)
    values[0, 1, 0] = values[2, 3, 0] = np.nan
    lengths = np.array([4, 4, 2, 4, 3])
    values[2, 2:] = values[4, 3:] = 0.0  # padding is never missing
    sequences = Sequences(values, lengths)
    fill_values, indicators = missing_statistics(sequences)
    np.testing.assert_array_equal(indicators, [0])
    steps = sequences.steps()
    np.testing.assert_allclose(fill_values, np.nanmean(steps, axis=0), rtol=1e-6)

    filled = fill_missing(sequences, fill_values, indicators)
    assert filled.values.shape == (5, 4, 3)
    assert not np.isnan(filled.values).any()
    mean, scale = step_statistics(filled)
    standardized = (filled.values[0, 1, 0] - mean[0]) / scale[0]
    assert abs(standardized) < 1e-5
    np.testing.assert_array_equal(filled.values[..., 2], np.isnan(values[..., 0]))


def test_mask_learns_from_the_indicator_what_filling_alone_hides():
    # The class is whether a reading is missing: only the indicator channel tells.
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 8, 1))
    y = np.arange(120) % 2
    X[y == 1, rng.randint(0, 8), 0] = np.nan
    clf = RNNClassifier(**dict(FAST, max_iter=40), missing="mask").fit(X, y)
    assert clf.score(X, y) > 0.9


def test_missing_cannot_change_on_warm_start():
    X, y = with_gaps()
    clf = RNNClassifier(**TINY, missing="mask", warm_start=True).fit(X, y)
    clf.set_params(missing="error")
    with pytest.raises(ValueError, match="missing='mask'"):
        clf.fit(X, y)


def test_partial_fit_keeps_the_channels_of_the_first_fit():
    X, y = with_gaps(missing_feature=1)
    clf = RNNClassifier(**TINY, missing="mask")
    clf.partial_fit(X[:20], y[:20], classes=[0, 1])
    other = X[20:].copy()
    other[:, 0, 2] = np.nan  # feature 2 was complete in the first call: no channel
    clf.partial_fit(other, y[20:])
    np.testing.assert_array_equal(clf.missing_indicators_, [1])
    assert clf.predict(other).shape == (20,)


def test_token_embedding_ignores_mask():
    X = [np.array([2, 3, 1]), np.array([4, 2])] * 4
    clf = RNNClassifier(**TINY, embedding_dim=3, missing="mask").fit(X, [0, 1] * 4)
    assert clf.missing_indicators_.size == 0
    with pytest.raises(ValueError, match="token ids"):
        clf.fit([np.array([2.0, np.nan])] * 2, [0, 1])


# NaN through the sequence transformers ------------------------------------------------


def test_sequence_scaler_ignores_nan_in_its_statistics_and_passes_it_through():
    X, _ = with_gaps()
    scaler = SequenceScaler().fit(X)
    reference = StandardScaler().fit(X.reshape(-1, 3))
    np.testing.assert_allclose(scaler.mean_, reference.mean_, rtol=1e-6)
    np.testing.assert_allclose(scaler.scale_, reference.scale_, rtol=1e-6)
    np.testing.assert_array_equal(scaler.n_samples_seen_, reference.n_samples_seen_)
    Xt = scaler.transform(X)
    np.testing.assert_array_equal(np.isnan(Xt), np.isnan(X))
    assert scaler.__sklearn_tags__().input_tags.allow_nan


def test_stepwise_transformer_lets_an_imputer_see_nan_and_takes_its_tag():
    X, _ = with_gaps()
    imputer = StepwiseTransformer(SimpleImputer(strategy="mean")).fit(X)
    Xt = imputer.transform(X)
    assert not np.isnan(Xt).any()
    np.testing.assert_allclose(Xt[np.isnan(X)], np.nanmean(X[..., 1]), rtol=1e-6)
    assert imputer.__sklearn_tags__().input_tags.allow_nan
    with pytest.raises(ValueError, match="infinity"):
        imputer.transform(np.full((1, 2, 3), np.inf))


def test_stepwise_transformer_tag_follows_the_wrapped_transformer():
    assert not StepwiseTransformer(PCA()).__sklearn_tags__().input_tags.allow_nan
    X, _ = with_gaps()
    with pytest.raises(ValueError, match="NaN"):
        StepwiseTransformer(PCA(n_components=2)).fit(X)


@pytest.mark.parametrize(
    "pipeline",
    [
        lambda: make_pipeline(StepwiseTransformer(SimpleImputer()), RNNClassifier(**TINY)),
        lambda: make_pipeline(SequenceScaler(), RNNClassifier(**TINY, missing="mask")),
    ],
    ids=["impute", "scale-and-mask"],
)
def test_pipelines_that_handle_missing_readings(pipeline):
    X, y = with_gaps()
    pipe = pipeline().fit(list(X), y)
    assert pipe.predict(list(X)).shape == (40,)
    assert 0 <= pipe.score(X, y) <= 1
