"""The shared statistics rules: zero-safe scales and the point quantile."""

import numpy as np
import pytest
import torch

from sklearn_rnn import RNNForecaster
from sklearn_rnn._callbacks import SCORES
from sklearn_rnn._statistics import TargetScaler, nonzero_scale, point_quantile


def test_nonzero_scale_replaces_rounding_noise_of_constants_by_one():
    location = np.array([0.0, 1e6, 3.0, 1e300])
    spread = np.array([0.0, 1e-7, 0.5, 1e290])
    np.testing.assert_array_equal(nonzero_scale(spread, location), [1.0, 1.0, 0.5, 1e290])


def test_target_scaler_round_trips_and_keeps_constants_centred():
    y = np.column_stack([np.linspace(-1e300, 1e300, 5), np.full(5, 7.0)])
    scaler = TargetScaler(y)
    assert scaler.scale[1] == 1.0
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(y)), y, rtol=1e-6)


@pytest.mark.parametrize(
    ("quantiles", "expected"),
    [(None, 0), ([0.5], 0), ([0.1, 0.5, 0.9], 1), ([0.1, 0.5, 0.6, 0.9], 1), ([0.1, 0.9], 0)],
)
def test_point_quantile_is_the_level_nearest_the_median(quantiles, expected):
    assert point_quantile(quantiles) == expected


def test_validation_score_reads_the_point_quantile():
    y_true = torch.tensor([[0.0], [1.0], [2.0]])
    # Levels [0.1, 0.5, 0.6, 0.9]: the 0.5 column is exact, the middle index (2) is not.
    y_pred = torch.tensor([[9.0, 0.0, 5.0, 9.0], [9.0, 1.0, 5.0, 9.0], [9.0, 2.0, 5.0, 9.0]])
    assert SCORES["r2"](y_true, y_pred, point=point_quantile([0.1, 0.5, 0.6, 0.9])) == 1.0


def test_forecaster_scores_and_predicts_the_same_quantile():
    series = np.sin(np.arange(300) / 5.0)
    fc = RNNForecaster(
        lookback=10, horizon=2, quantiles=[0.1, 0.5, 0.6, 0.9], hidden_size=8, max_iter=3,
        early_stopping=True, random_state=0,
    ).fit(series)
    quantiles = fc.predict_quantiles(series)
    np.testing.assert_array_equal(fc.predict(series), quantiles[..., 1])
    assert np.isfinite(fc.best_validation_score_)
