"""The forecaster's accuracy levers: seasonal naive anchors, season length, linear skip,
calibrated quantiles and missing readings (issues 14 and 15)."""

import numpy as np
import pandas as pd
import pytest
import torch
from _support import FAST
from sklearn.linear_model import Ridge

from sklearn_rnn import RNNForecaster
from sklearn_rnn._calendar import season_length
from sklearn_rnn._calibration import quantile_shifts
from sklearn_rnn._forecast_columns import ColumnLayout
from sklearn_rnn._forecast_windows import WindowBuilder
from sklearn_rnn._modules import SequenceNetwork, last_steps
from sklearn_rnn._sequences import SequenceDataset
from sklearn_rnn._statistics import TargetScaler
from sklearn_rnn._training import fit_linear_skip
from sklearn_rnn.metrics import interval_coverage

# Season length -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "freq, expected",
    [
        ("MS", 12),
        ("ME", 12),
        ("M", 12),  # a period alias
        ("QS-OCT", 4),
        ("W-SUN", 52),
        ("D", 7),
        ("B", 5),
        ("h", 24),
        ("2h", 12),
        ("15min", 96),
        ("YS", 1),
        ("2D", 1),  # 7 days are no whole number of 2-day steps
        (None, 1),
        (3, 1),
        ("not a frequency", 1),
    ],
)
def test_season_length_of_a_frequency(freq, expected):
    assert season_length(freq) == expected


def test_season_length_auto_follows_the_index_and_can_be_given():
    values = np.sin(np.arange(60) / 3) + 5
    monthly = pd.Series(values, index=pd.date_range("2000-01", periods=60, freq="MS"))
    assert RNNForecaster(lookback=24, horizon=2, **FAST).fit(monthly).season_length_ == 12
    assert RNNForecaster(lookback=24, horizon=2, **FAST).fit(values).season_length_ == 1
    given = RNNForecaster(lookback=24, horizon=2, season_length=4, **FAST).fit(values)
    assert given.season_length_ == 4
    assert given.season_length == 4


# Seasonal naive anchors ------------------------------------------------------------------


def builder(season, lookback=8, horizon=6, normalize="seasonal_naive"):
    layout = ColumnLayout(
        columns=[0], targets=[0], future=[], past=[], from_pandas=False, name=None
    )
    return WindowBuilder(
        layout,
        lookback=lookback,
        horizon=horizon,
        strategy="direct",
        normalize=normalize,
        season=season,
    )


def test_seasonal_naive_anchors_are_the_values_one_season_before_each_step():
    values = np.arange(20.0)[:, None] ** 1.5
    windows = builder(season=4).windows(values, [15])
    # steps 1..6 after row 15: rows 16..21, one season (4) earlier: 12..15, then 16-4*2..
    expected = values[[12, 13, 14, 15, 12, 13], 0]
    np.testing.assert_allclose(windows.anchors[0, :, 0], expected)
    # the scale is the window's mean absolute change over one season (rows 8..15)
    window = values[8:16, 0]
    np.testing.assert_allclose(windows.scale[0, 0], np.mean(np.abs(window[4:] - window[:-4])))


def test_a_season_longer_than_the_lookback_anchors_at_the_last_value():
    values = np.arange(30.0)[:, None]
    windows = builder(season=12, lookback=8).windows(values, [20])
    np.testing.assert_allclose(windows.anchors[0, :, 0], 20.0)  # the naive forecast
    np.testing.assert_allclose(windows.scale[0, 0], 1.0)  # mean absolute first difference


def test_window_normalization_anchors_at_the_window_mean():
    values = np.arange(30.0)[:, None]
    windows = builder(season=1, normalize="window").windows(values, [20])
    np.testing.assert_allclose(windows.anchors[0, :, 0], np.mean(values[13:21]))


@pytest.mark.parametrize(
    "season_length, lookback, params, expected",
    [
        ("auto", 24, {}, "seasonal_naive"),  # monthly stamps: a 12-step season in the window
        (1, 24, {}, "window"),  # no season: the anchor would be the last value
        (36, 24, {}, "window"),  # a season longer than the lookback: the same
        ("auto", 24, {"normalize": "window"}, "window"),  # an explicit choice is kept
        (1, 24, {"normalize": "seasonal_naive"}, "seasonal_naive"),
    ],
)
def test_auto_normalization_anchors_where_a_season_fits_in_the_lookback(
    season_length, lookback, params, expected
):
    t = np.arange(72)
    series = pd.Series(
        50 + 10 * np.sin(2 * np.pi * t / 12) + t,
        index=pd.date_range("2000-01", periods=72, freq="MS"),
    )
    fc = RNNForecaster(
        lookback=lookback, horizon=3, season_length=season_length, **params, **FAST
    ).fit(series)
    assert fc.normalize_ == expected
    assert fc.get_params()["normalize"] == params.get("normalize", "auto")
    # the anchor of the first step after the last row (recursive: one step per window)
    anchor = fc._window_builder().windows(series.to_numpy()[:, None], [71]).anchors[0, 0, 0]
    if expected == "window":  # the window's mean
        np.testing.assert_allclose(anchor, series.iloc[72 - lookback :].mean())
    else:  # the value one season before (the last value for a season of 1)
        np.testing.assert_allclose(anchor, series.iloc[72 - fc.season_length_])


def test_zero_corrections_give_the_seasonal_naive_forecast():
    """The network's outputs are corrections: at zero, forecast() is seasonal naive."""
    t = np.arange(96)
    series = pd.Series(
        50 + 10 * np.sin(2 * np.pi * t / 12) + t,
        index=pd.date_range("2000-01", periods=96, freq="MS"),
    )
    fc = RNNForecaster(lookback=24, horizon=12, autoregressive=False, **FAST).fit(series)
    with torch.no_grad():
        for parameter in fc.net_.module_.head.parameters():
            parameter.zero_()
    fc._target_scaler_.mean[:] = 0.0
    np.testing.assert_allclose(fc.forecast().to_numpy(), series.to_numpy()[-12:])


# Linear skip ----------------------------------------------------------------------------


def test_last_steps_right_aligns_ragged_sequences():
    X = torch.arange(1.0, 13.0).reshape(2, 6, 1)
    rows = last_steps(X, torch.tensor([6, 2]), 3)[:, :, 0]
    np.testing.assert_array_equal(rows.numpy(), [[4.0, 5.0, 6.0], [0.0, 7.0, 8.0]])


def test_linear_skip_starts_at_the_ridge_fit_of_the_targets():
    rng = np.random.RandomState(0)
    values = rng.normal(size=(40, 5, 2)).astype(np.float32)
    targets = (values[:, -1, :1] - values[:, 0, 1:]).astype(np.float32)
    data = SequenceDataset(values, np.full(40, 5), targets)
    module = SequenceNetwork(2, 1, hidden_size=4, cell="gru", skip_window=5, seed=0)
    fit_linear_skip(module, data, alpha=1.0)
    ridge = Ridge(alpha=1.0).fit(values.reshape(40, -1), targets)
    weight, bias = module.skip.weight.detach().numpy(), module.skip.bias.detach().numpy()
    np.testing.assert_allclose(weight.ravel(), np.ravel(ridge.coef_), atol=1e-5)
    np.testing.assert_allclose(bias, np.ravel(ridge.intercept_), atol=1e-5)


def test_autoregressive_skip_forecasts_a_linear_process_after_one_epoch():
    rng = np.random.RandomState(0)
    values = [0.0, 1.0]
    for _ in range(198):
        values.append(1.6 * values[-1] - 0.8 * values[-2] + rng.normal(scale=0.1))
    series = np.asarray(values)
    oracle = np.mean(np.abs(series[150:] - 1.6 * series[149:-1] + 0.8 * series[148:-2]))
    errors = {}
    for autoregressive in (True, False):
        fc = RNNForecaster(
            lookback=8,
            horizon=1,
            autoregressive=autoregressive,
            # the naive anchor: the next value is a linear map of the window's
            # differences from its last value, which the ridge start finds
            normalize="seasonal_naive",
            hidden_size=8,
            max_iter=1,
            random_state=0,
        ).fit(series[:150])
        predicted = fc.predict(series)[149:-1, 0]
        errors[autoregressive] = np.mean(np.abs(predicted - series[150:]))
    assert errors[True] < 1.15 * oracle  # the linear fit is (nearly) there after one epoch
    assert errors[False] > 1.25 * oracle


# Calibration ------------------------------------------------------------------------------


def test_quantile_shifts_widen_a_symmetric_band_to_its_coverage():
    rng = np.random.RandomState(0)
    truth = rng.normal(size=(400, 1, 1))
    forecasts = np.broadcast_to(np.array([-0.1, 0.0, 0.1]), (400, 1, 1, 3))
    shifts = quantile_shifts(forecasts, truth, [0.1, 0.5, 0.9])
    assert shifts.shape == (1, 1, 3)
    assert shifts[0, 0, 1] == 0.0  # the median is not moved
    assert shifts[0, 0, 0] == -shifts[0, 0, 2]
    low, high = forecasts[..., 0] + shifts[..., 0], forecasts[..., 2] + shifts[..., 2]
    assert 0.79 <= np.mean((truth >= low) & (truth <= high)) <= 0.82


def test_quantile_shifts_pool_the_steps_of_few_windows_and_move_lone_levels():
    rng = np.random.RandomState(1)
    truth = rng.normal(size=(5, 4, 1)) + 1.0
    forecasts = np.zeros((5, 4, 1, 2))
    shifts = quantile_shifts(forecasts, truth, [0.2, 0.5])
    assert np.all(shifts[:, :, 0] == shifts[0, 0, 0])  # one shift for all steps
    assert shifts[0, 0, 0] == pytest.approx(np.quantile(truth, 0.2))
    assert np.all(shifts[:, :, 1] == 0.0)
    assert np.all(quantile_shifts(np.zeros((0, 4, 1, 2)), truth[:0], [0.2, 0.5]) == 0)


@pytest.mark.slow
def test_calibrated_intervals_cover_a_series_with_known_noise():
    rng = np.random.RandomState(0)
    t = np.arange(600)
    series = pd.Series(
        20 + 3 * np.sin(2 * np.pi * t / 12) + rng.normal(scale=1.0, size=600),
        index=pd.date_range("1970-01", periods=600, freq="MS"),
    )
    fc = RNNForecaster(
        lookback=24,
        horizon=3,
        quantiles=[0.1, 0.5, 0.9],
        hidden_size=8,
        max_iter=30,
        random_state=0,
    ).fit(series[:400])
    bands = fc.predict_quantiles(series)[399:-3]
    truth = np.stack([series.to_numpy()[400 + k : 598 + k] for k in range(3)], axis=1)
    coverage = interval_coverage(truth, bands[..., 0], bands[..., 2])
    assert 0.7 <= coverage <= 0.9, coverage
    assert fc._quantile_shifts_.shape == (3, 1, 3)


# Missing readings -------------------------------------------------------------------------


def test_target_scaler_leaves_missing_targets_out():
    targets = np.array([[1.0, np.nan], [3.0, np.nan], [np.nan, np.nan]])
    scaler = TargetScaler(targets)
    np.testing.assert_allclose(scaler.mean, [2.0, 0.0])
    np.testing.assert_allclose(scaler.scale, [1.0, 1.0])
    assert np.isnan(scaler.transform(targets)[2, 0])


def test_missing_targets_are_no_loss_terms():
    rng = np.random.RandomState(0)
    series = 10 + np.sin(np.arange(150) / 3) + rng.normal(scale=0.1, size=150)
    gappy = series.copy()
    gappy[::9] = np.nan
    fc = RNNForecaster(lookback=12, horizon=2, missing="mask", **FAST).fit(gappy)
    assert fc._indicated_ == [0]
    assert np.isfinite(fc.loss_curve_).all()
    forecasts = fc.predict(gappy)
    assert np.isfinite(forecasts[1:]).all()
    assert np.isnan(fc.predict(np.r_[np.nan, gappy])[0]).all()  # nothing known yet
    assert np.isfinite(fc.score(gappy))
    net = fc.net_
    y_pred = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    y_true = torch.tensor([[1.5, np.nan], [2.0, 5.0]])
    known = torch.tensor([[1.5, 0.0], [2.0, 5.0]])
    expected = net.criterion_(y_pred, known)[[0, 1, 1], [0, 0, 1]].mean()
    assert net.get_loss(y_pred, y_true).item() == pytest.approx(expected.item())


def test_missing_covariates_get_an_indicator_channel():
    index = pd.date_range("2020-01-01", periods=120, freq="D")
    frame = pd.DataFrame(
        {"y": np.sin(np.arange(120) / 3) + 5, "x": np.cos(np.arange(120) / 5)}, index=index
    )
    frame.iloc[10:14, 1] = np.nan
    fc = RNNForecaster(lookback=14, horizon=2, target="y", missing="mask", **FAST).fit(frame)
    assert fc._indicated_ == [1]
    assert fc.net_.module_.encoder.input_mean.shape[0] == 3  # y, x and x's indicator
    assert np.isfinite(fc.forecast().to_numpy()).all()


def test_missing_values_need_missing_mask_and_the_error_says_so():
    series = np.sin(np.arange(60) / 3)
    series[7] = np.nan
    with pytest.raises(ValueError, match="missing='mask'"):
        RNNForecaster(lookback=12, horizon=2, **FAST).fit(series)
    series[7] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        RNNForecaster(lookback=12, horizon=2, missing="mask", **FAST).fit(series)


# Losses -----------------------------------------------------------------------------------


def counts(n_rows=200, seed=0):
    rng = np.random.RandomState(seed)
    rate = 3 + 2 * np.sin(2 * np.pi * np.arange(n_rows) / 7)
    index = pd.date_range("2020-01-01", periods=n_rows, freq="D")
    return pd.Series(rng.poisson(rate).astype(float), index=index), rate


@pytest.mark.parametrize(
    "loss, criterion",
    [("absolute_error", "L1Loss"), ("huber", "HuberLoss"), ("poisson", "PoissonLoss")],
)
def test_forecaster_trains_with_each_loss(loss, criterion):
    series, _ = counts()
    fc = RNNForecaster(lookback=14, horizon=3, loss=loss, **FAST).fit(series)
    assert type(fc.net_.criterion_).__name__ == criterion
    assert np.isfinite(fc.forecast().to_numpy()).all()


def test_poisson_forecasts_are_positive_rates_of_counts():
    series, rate = counts(300)
    fc = RNNForecaster(
        lookback=14, horizon=7, loss="poisson", hidden_size=16, max_iter=30, random_state=0
    ).fit(series[:240])
    forecasts = fc.predict(series)[239:-7]
    assert forecasts.min() > 0
    truth_rate = np.stack([rate[240 + k : 294 + k] for k in range(7)], axis=1)
    assert np.mean(np.abs(forecasts - truth_rate)) < 1.2  # the counts' noise is about 1.4
    with pytest.raises(ValueError, match="loss='poisson' requires non-negative y"):
        RNNForecaster(loss="poisson", **FAST).fit(-series)


def test_loss_and_quantiles_do_not_mix():
    series, _ = counts()
    fc = RNNForecaster(lookback=14, loss="huber", quantiles=[0.1, 0.9], **FAST)
    with pytest.raises(ValueError, match="pinball loss"):
        fc.fit(series)


def test_a_refit_calibrates_afresh():
    series, _ = counts()
    fc = RNNForecaster(lookback=14, horizon=3, quantiles=[0.1, 0.5, 0.9], **FAST)
    first = fc.fit(series)._quantile_shifts_.copy()
    np.testing.assert_allclose(fc.fit(series)._quantile_shifts_, first)
