"""sklearn_rnn.metrics: forecast metrics against hand-computed values, and the forecast scorers."""

import numpy as np
import pandas as pd
import pytest
from _support import TINY
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_absolute_error

from sklearn_rnn import RNNForecaster
from sklearn_rnn.metrics import (
    get_forecast_scorer,
    get_forecast_scorer_names,
    interval_coverage,
    make_forecast_scorer,
    mean_absolute_scaled_error,
    pinball_loss,
    root_mean_squared_scaled_error,
    symmetric_mean_absolute_percentage_error,
)

LOOKBACK, HORIZON = 6, 3

# Metrics ------------------------------------------------------------------------------


def test_mase_and_rmsse_by_hand():
    y_train = [2.0, 4.0, 3.0, 7.0]  # changes 2, -1, 4: mean |.| 7/3, mean square 7
    y_true, y_pred = [6.0, 8.0], [4.0, 9.0]  # errors 2, 1
    assert mean_absolute_scaled_error(y_true, y_pred, y_train=y_train) == pytest.approx(
        1.5 / (7 / 3)
    )
    assert root_mean_squared_scaled_error(y_true, y_pred, y_train=y_train) == pytest.approx(
        np.sqrt(2.5 / 7)
    )
    # m=2: changes 3-2=1, 7-4=3
    assert mean_absolute_scaled_error(y_true, y_pred, y_train=y_train, m=2) == pytest.approx(
        1.5 / 2
    )


def test_smape_pinball_and_coverage_by_hand():
    assert symmetric_mean_absolute_percentage_error([2.0, 0.0, 1.0], [6.0, 0.0, 1.0]) == (
        pytest.approx((2 * 4 / 8 + 0 + 0) / 3)
    )
    y_true = [10.0, 0.0]
    y_quantiles = [[8.0, 11.0], [1.0, 3.0]]
    # q=0.2: errors +2 -> 0.4, -1 -> 0.8; q=0.9: -1 -> 0.1, -3 -> 0.3
    per_level = pinball_loss(y_true, y_quantiles, [0.2, 0.9], per_level=True)
    np.testing.assert_allclose(per_level, [0.6, 0.2])
    assert pinball_loss(y_true, y_quantiles, [0.2, 0.9]) == pytest.approx(0.4)
    assert interval_coverage([1.0, 2.0, 3.0], [1.0, 2.5, 0.0], [1.0, 3.0, 2.0]) == 1 / 3


def test_nan_in_y_true_is_left_out():
    y_train = [2.0, 4.0, 3.0, 7.0]
    assert mean_absolute_scaled_error(
        [6.0, np.nan, 8.0], [4.0, np.nan, 9.0], y_train=y_train
    ) == mean_absolute_scaled_error([6.0, 8.0], [4.0, 9.0], y_train=y_train)
    # y_pred may be anything where the truth is unknown
    assert symmetric_mean_absolute_percentage_error([[1.0, np.nan]], [[1.0, np.nan]]) == 0.0
    assert interval_coverage([np.nan, 1.0], [5.0, 0.0], [6.0, 2.0]) == 1.0
    # a NaN in y_train leaves out the changes it is part of
    assert mean_absolute_scaled_error([3.0], [2.0], y_train=[1.0, np.nan, 2.0, 4.0]) == 0.5


def test_series_weigh_the_same():
    # series "big": 3 errors of 10 on values ~100; series "small": 1 error of 1 on ~1
    y_true = np.array([100.0, 110.0, 120.0, 1.0])
    y_pred = np.array([110.0, 120.0, 130.0, 2.0])
    series = ["big", "big", "big", "small"]
    y_train = np.array([90.0, 100.0, 0.0, 1.0])  # naive errors: 10 (big), 1 (small)
    train_series = ["big", "big", "small", "small"]
    mase = mean_absolute_scaled_error(
        y_true, y_pred, y_train=y_train, series=series, train_series=train_series
    )
    assert mase == pytest.approx((10 / 10 + 1 / 1) / 2)
    smape = symmetric_mean_absolute_percentage_error(y_true, y_pred, series=series)
    big = np.mean(2 * 10 / (y_true[:3] + y_pred[:3]))
    assert smape == pytest.approx((big + 2 / 3) / 2)
    coverage = interval_coverage(y_true, y_pred - 5, y_pred + 5, series=series)
    assert coverage == pytest.approx((0 + 1) / 2)


def test_series_apply_to_every_output_of_a_row():
    y_true = np.array([[1.0, 2.0], [10.0, 20.0]])
    y_pred = y_true + np.array([[1.0, 1.0], [2.0, 2.0]])
    result = pinball_loss(y_true, y_pred[..., None], [0.5], series=["a", "b"])
    assert result == pytest.approx((0.5 + 1.0) / 2)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: mean_absolute_scaled_error([1.0, 2.0], [1.0], y_train=[1, 2]), "has shape"),
        (lambda: mean_absolute_scaled_error([1.0], [np.nan], y_train=[1, 2]), "y_pred holds NaN"),
        (lambda: mean_absolute_scaled_error([np.nan], [1.0], y_train=[1, 2]), "no known value"),
        (lambda: mean_absolute_scaled_error([np.inf], [1.0], y_train=[1, 2]), "infinity"),
        (lambda: mean_absolute_scaled_error([1.0], [1.0], y_train=[1, 2], m=0), "m must be"),
        (lambda: mean_absolute_scaled_error([1.0], [1.0], y_train=[1.0]), "no two known values"),
        (lambda: mean_absolute_scaled_error([1.0], [1.0], y_train=[3, 3]), "constant"),
        (
            lambda: mean_absolute_scaled_error([1.0], [1.0], y_train=[[1, 2]]),
            "y_train must be 1-D",
        ),
        (
            lambda: mean_absolute_scaled_error([1.0], [1.0], y_train=[1, 2], series=["a"]),
            "series needs train_series",
        ),
        (
            lambda: mean_absolute_scaled_error(
                [1.0], [1.0], y_train=[1, 2], series=["a"], train_series=["b", "b"]
            ),
            "Series 'a' of y_true has no value in y_train",
        ),
        (
            lambda: symmetric_mean_absolute_percentage_error([1.0, 2.0], [1.0, 2.0], series=["a"]),
            "one id per row",
        ),
        (lambda: symmetric_mean_absolute_percentage_error(["a"], [1.0]), "must hold numbers"),
        (lambda: symmetric_mean_absolute_percentage_error(1.0, 1.0), "must be array-like"),
        (lambda: pinball_loss([1.0], [[1.0, 2.0]], [0.5]), "2 levels on its last axis"),
        (lambda: pinball_loss([1.0], [[1.0]], [1.5]), r"levels in \(0, 1\)"),
        (lambda: pinball_loss([1.0], [1.0], [0.5]), "plus a last axis"),
        (lambda: interval_coverage([1.0], [2.0], [0.0]), "lower is above upper"),
    ],
)
def test_bad_input_is_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# Scorers ------------------------------------------------------------------------------


def monthly(n_rows=40, scale=1.0):
    index = pd.date_range("2000-01", periods=n_rows, freq="MS")
    values = scale * (5 + np.sin(np.arange(n_rows) / 2) + np.arange(n_rows) / 20)
    return pd.Series(values, index=index, name="sales")


def long_panel():
    frames = [
        monthly(scale=k).to_frame().assign(store=store)[["store", "sales"]]
        for store, k in [("a", 1.0), ("b", 10.0)]
    ]
    return pd.concat(frames)


@pytest.fixture(scope="module")
def single():
    series = monthly()
    forecaster = RNNForecaster(lookback=LOOKBACK, horizon=HORIZON, **TINY).fit(series[:30])
    return series, forecaster


@pytest.fixture(scope="module")
def panel():
    frame = long_panel()
    train = frame[frame.index < "2002-07-01"]
    forecaster = RNNForecaster(series_id="store", lookback=LOOKBACK, horizon=HORIZON, **TINY)
    return frame, forecaster.fit(train)


def scored_backtest(forecaster, full, n_train):
    """The historical forecasts of the rows after the first n_train, from the training end."""
    backtest = forecaster.historical_forecasts(full, start=n_train - 1)
    return backtest.dropna(subset=["y"])


def test_scorer_is_the_metric_of_forecasts_from_the_history_on(single):
    series, forecaster = single
    backtest = scored_backtest(forecaster, series, 30)
    # origins: the last training row, then every row of the test fold but its last
    assert backtest["cutoff"].min() == series.index[29]
    assert backtest["cutoff"].max() == series.index[-2]
    assert len(backtest) == sum(min(HORIZON, 10 - k) for k in range(10))
    history = series.iloc[30 - LOOKBACK : 30].to_numpy()
    expected = mean_absolute_scaled_error(backtest["y"], backtest["forecast"], y_train=history)
    assert get_forecast_scorer("mase")(forecaster, series[30:]) == pytest.approx(-expected)
    smape = symmetric_mean_absolute_percentage_error(backtest["y"], backtest["forecast"])
    scorer = get_forecast_scorer("neg_symmetric_mean_absolute_percentage_error")
    assert scorer(forecaster, series[30:]) == pytest.approx(-smape)


def test_scorer_averages_series(panel):
    frame, forecaster = panel
    test = frame[frame.index >= "2002-07-01"]
    start = (frame.index < "2002-07-01").sum() // 2 - 1
    backtest = forecaster.historical_forecasts(frame, start=start).dropna(subset=["y"])
    per_store = [
        root_mean_squared_scaled_error(
            rows["y"],
            rows["forecast"],
            y_train=frame.loc[frame["store"] == store, "sales"].iloc[
                start + 1 - LOOKBACK : start + 1
            ],
        )
        for store, rows in backtest.groupby("store")
    ]
    scorer = get_forecast_scorer("rmsse")
    assert scorer(forecaster, test) == pytest.approx(-np.mean(per_store))


def test_quantile_scorers(single):
    series, _ = single
    forecaster = RNNForecaster(
        lookback=LOOKBACK, horizon=HORIZON, quantiles=[0.1, 0.5, 0.9], **TINY
    ).fit(series[:30])
    backtest = scored_backtest(forecaster, series, 30)
    levels = backtest[["q0.1", "q0.5", "q0.9"]].to_numpy()
    loss = pinball_loss(backtest["y"], levels, [0.1, 0.5, 0.9])
    assert get_forecast_scorer("pinball")(forecaster, series[30:]) == pytest.approx(-loss)
    coverage = interval_coverage(backtest["y"], backtest["q0.1"], backtest["q0.9"])
    assert get_forecast_scorer("coverage")(forecaster, series[30:]) == pytest.approx(coverage)


def test_any_point_metric_can_be_a_scorer(single):
    series, forecaster = single
    backtest = scored_backtest(forecaster, series, 30)
    mae = mean_absolute_error(backtest["y"], backtest["forecast"])
    scorer = make_forecast_scorer(mean_absolute_error, greater_is_better=False)
    assert scorer(forecaster, series[30:]) == pytest.approx(-mae)
    assert make_forecast_scorer(mean_absolute_error)(forecaster, series[30:]) == pytest.approx(mae)


def test_seasonal_scale(single):
    series, forecaster = single
    backtest = scored_backtest(forecaster, series, 30)
    history = series.iloc[30 - LOOKBACK : 30].to_numpy()
    expected = mean_absolute_scaled_error(backtest["y"], backtest["forecast"], y_train=history, m=2)
    scorer = make_forecast_scorer(mean_absolute_scaled_error, m=2)
    assert repr(scorer) == "make_forecast_scorer(mean_absolute_scaled_error, m=2)"
    assert scorer(forecaster, series[30:]) == pytest.approx(-expected)
    with pytest.raises(ValueError, match="needs lookback > m"):
        make_forecast_scorer(mean_absolute_scaled_error, m=LOOKBACK)(forecaster, series[30:])


def test_names():
    assert get_forecast_scorer_names() == [
        "interval_coverage",
        "neg_mean_absolute_scaled_error",
        "neg_pinball_loss",
        "neg_root_mean_squared_scaled_error",
        "neg_symmetric_mean_absolute_percentage_error",
    ]
    assert repr(get_forecast_scorer("coverage")) == "make_forecast_scorer(interval_coverage)"
    with pytest.raises(ValueError, match="'r2' is not a forecast scorer"):
        get_forecast_scorer("r2")


def test_scorer_errors(single, panel):
    series, forecaster = single
    with pytest.raises(ValueError, match=r"should start at 2002-07-01.*but they start at 2002-09"):
        get_forecast_scorer("mase")(forecaster, series[32:])
    with pytest.raises(ValueError, match="gap=0"):
        get_forecast_scorer("mase")(forecaster, series)  # the training rows again
    with pytest.raises(ValueError, match="needs a forecaster fitted with quantiles"):
        get_forecast_scorer("pinball")(forecaster, series[30:])
    with pytest.raises(TypeError, match="score an RNNForecaster"):
        get_forecast_scorer("mase")(LinearRegression(), series[30:])
    with pytest.raises(TypeError, match="no score parameters"):
        get_forecast_scorer("mase")(forecaster, series[30:], sample_weight=np.ones(10))
    with pytest.raises(ValueError, match="passes \\['y_train'\\]"):
        make_forecast_scorer(mean_absolute_scaled_error, y_train=[1.0])
    with pytest.raises(TypeError, match="takes no argument \\['n'\\]"):
        make_forecast_scorer(mean_absolute_scaled_error, n=2)
    frame, fitted = panel
    newcomer = frame[(frame.index >= "2002-07-01") & (frame["store"] == "a")].assign(store="z")
    with pytest.raises(ValueError, match=r"series \['z'\] that the forecaster was not fitted on"):
        get_forecast_scorer("mase")(fitted, newcomer)


def test_scorer_of_covariate_forecasters():
    days = pd.date_range("2024-01-01", periods=40, freq="D")
    t = np.arange(40)
    promo = (t % 5 == 0).astype(float)
    frame = pd.DataFrame({"promo": promo, "sales": 10 + np.sin(t / 3) + promo}, index=days)
    # future covariates: the origins whose next promo values are not in X are left out
    forecaster = RNNForecaster(
        lookback=LOOKBACK, horizon=2, future_covariates=["promo"], **TINY
    ).fit(frame[:30])
    backtest = forecaster.historical_forecasts(frame, start=29).dropna(subset=["y", "forecast"])
    expected = symmetric_mean_absolute_percentage_error(backtest["y"], backtest["forecast"])
    assert get_forecast_scorer("smape")(forecaster, frame[30:]) == pytest.approx(-expected)
    # fitted with y: scored against the y of the test fold
    forecaster = RNNForecaster(lookback=LOOKBACK, horizon=2, **TINY)
    forecaster.fit(frame[["promo"]][:30], frame["sales"][:30])
    backtest = forecaster.historical_forecasts(frame[["promo"]], frame["sales"], start=29)
    backtest = backtest.dropna(subset=["y"])
    expected = symmetric_mean_absolute_percentage_error(backtest["y"], backtest["forecast"])
    scorer = get_forecast_scorer("smape")
    assert scorer(forecaster, frame[["promo"]][30:], frame["sales"][30:]) == pytest.approx(
        -expected
    )
