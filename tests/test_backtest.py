"""historical_forecasts: forecasts from many origins, each reading the full history before it."""

import numpy as np
import pandas as pd
import pytest
from _support import TINY
from sklearn.exceptions import NotFittedError

from sklearn_rnn import RNNForecaster

LOOKBACK, HORIZON = 6, 3


def monthly(n_rows=40, scale=1.0, name="sales"):
    index = pd.date_range("2000-01", periods=n_rows, freq="MS", name="month")
    values = scale * (5 + np.sin(np.arange(n_rows) / 2) + np.arange(n_rows) / 20)
    return pd.Series(values, index=index, name=name)


def panel():
    """Three stores on one monthly calendar; store c opens 8 months late."""
    frames = [
        monthly(scale=k).to_frame().assign(store=store).iloc[skip:]
        for store, k, skip in [("a", 1.0, 0), ("b", 2.0, 0), ("c", 3.0, 8)]
    ]
    return pd.concat(frames)[["store", "sales"]]


@pytest.fixture(scope="module")
def single():
    series = monthly()
    return series, RNNForecaster(lookback=LOOKBACK, horizon=HORIZON, **TINY).fit(series[:30])


@pytest.fixture(scope="module")
def many():
    frame = panel()
    forecaster = RNNForecaster(series_id="store", lookback=LOOKBACK, horizon=HORIZON, **TINY)
    return frame, forecaster.fit(frame)


def test_every_origin_equals_forecast_of_x_up_to_it(single):
    series, forecaster = single
    backtest = forecaster.historical_forecasts(series)
    assert list(backtest.columns) == ["series", "cutoff", "time", "y", "forecast"]
    cutoffs = backtest["cutoff"].unique()
    assert len(cutoffs) == len(series) - LOOKBACK + 1  # the first LOOKBACK - 1 rows are skipped
    assert cutoffs[0] == series.index[LOOKBACK - 1]
    for cutoff in cutoffs:
        rows = backtest[backtest["cutoff"] == cutoff]
        expected = forecaster.forecast(series[:cutoff])
        np.testing.assert_allclose(rows["forecast"], expected.to_numpy(), rtol=1e-6)
        assert list(rows["time"]) == list(expected.index)


def test_truth_is_the_next_rows_and_nan_past_the_end(single):
    series, forecaster = single
    backtest = forecaster.historical_forecasts(series, start=-2)
    assert backtest["cutoff"].unique().tolist() == list(series.index[-2:])
    np.testing.assert_array_equal(backtest["y"].iloc[:3], [series.iloc[-1], np.nan, np.nan])
    assert backtest["y"].iloc[3:].isna().all()
    assert backtest["time"].iloc[-1] == pd.Timestamp("2003-07-01")  # continued past the end


def test_panel_origins_per_series_read_only_their_series(many):
    frame, forecaster = many
    backtest = forecaster.historical_forecasts(frame, start=pd.Timestamp("2002-06-01"), stride=4)
    assert list(backtest.columns) == ["store", "cutoff", "time", "y", "forecast"]
    assert backtest["store"].unique().tolist() == ["a", "b", "c"]
    for store, rows in backtest.groupby("store"):
        own = frame[frame["store"] == store]
        for cutoff in rows["cutoff"].unique():
            expected = forecaster.forecast(own[: own.index.get_loc(cutoff) + 1])
            got = rows.loc[rows["cutoff"] == cutoff, "forecast"].to_numpy()
            np.testing.assert_allclose(got, expected["sales"].to_numpy(), rtol=1e-6)
    cutoffs = backtest.loc[backtest["store"] == "a", "cutoff"].unique()
    assert list(cutoffs) == list(pd.date_range("2002-06-01", periods=3, freq="4MS"))


def test_a_start_before_the_first_full_window_keeps_its_stride_grid(many):
    frame, forecaster = many
    backtest = forecaster.historical_forecasts(frame, start=0, stride=4)
    late = backtest.loc[backtest["store"] == "c", "cutoff"].unique()
    positions = [frame[frame["store"] == "c"].index.get_loc(cutoff) for cutoff in late]
    assert positions[0] >= LOOKBACK - 1
    assert all(position % 4 == 0 for position in positions)


def test_start_as_position_fraction_and_stamp_agree(single):
    series, forecaster = single
    by_position = forecaster.historical_forecasts(series, start=20)
    by_fraction = forecaster.historical_forecasts(series, start=0.5)
    by_stamp = forecaster.historical_forecasts(series, start="2001-09")
    pd.testing.assert_frame_equal(by_position, by_fraction)
    pd.testing.assert_frame_equal(by_position, by_stamp)
    assert by_position["cutoff"].iloc[0] == series.index[20]


def test_arrays_give_positions(single):
    series, _ = single
    values = series.to_numpy()
    forecaster = RNNForecaster(lookback=LOOKBACK, horizon=HORIZON, **TINY).fit(values[:30])
    backtest = forecaster.historical_forecasts(values, start=30)
    assert backtest["cutoff"].tolist() == [c for c in range(30, 40) for _ in range(HORIZON)]
    assert backtest["time"].iloc[:3].tolist() == [31, 32, 33]
    np.testing.assert_allclose(
        backtest["forecast"].iloc[:3], forecaster.forecast(values[:31]), rtol=1e-6
    )


def test_quantile_columns(single):
    series, _ = single
    forecaster = RNNForecaster(
        lookback=LOOKBACK, horizon=HORIZON, quantiles=[0.1, 0.5, 0.9], **TINY
    ).fit(series[:30])
    backtest = forecaster.historical_forecasts(series, start=-4)
    assert list(backtest.columns)[-4:] == ["forecast", "q0.1", "q0.5", "q0.9"]
    np.testing.assert_array_equal(backtest["forecast"], backtest["q0.5"])
    assert (backtest["q0.1"] <= backtest["q0.9"]).all()
    expected = forecaster.forecast(series[:-1], quantiles=True)
    last = backtest[backtest["cutoff"] == series.index[-2]]
    np.testing.assert_allclose(last["q0.9"], expected["sales_q0.9"], rtol=1e-6)


def test_several_targets_add_a_target_column():
    frame = pd.DataFrame({"load": monthly().to_numpy(), "temp": np.cos(np.arange(40.0))})
    forecaster = RNNForecaster(lookback=LOOKBACK, horizon=2, **TINY).fit(frame)
    backtest = forecaster.historical_forecasts(frame, start=-1)
    assert list(backtest.columns) == ["series", "cutoff", "time", "target", "y", "forecast"]
    assert backtest["target"].tolist() == ["load", "temp", "load", "temp"]
    np.testing.assert_allclose(
        backtest["forecast"].to_numpy().reshape(2, 2), forecaster.forecast(frame), rtol=1e-6
    )


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"stride": 0}, ValueError, "stride must be a positive integer"),
        ({"stride": 1.5}, ValueError, "stride must be a positive integer"),
        ({"start": True}, TypeError, "got a bool"),
        ({"start": 1.5}, ValueError, r"fraction of every series' rows, in \[0, 1\)"),
        ({"start": 40}, ValueError, "no origin from start=40"),
        ({"start": "not a date"}, ValueError, "cannot be compared with X's time index"),
    ],
)
def test_bad_arguments_are_named(single, kwargs, error, match):
    series, forecaster = single
    with pytest.raises(error, match=match):
        forecaster.historical_forecasts(series, **kwargs)


def test_bad_input(single):
    series, forecaster = single
    with pytest.raises(TypeError, match="no datetime or period time index"):
        forecaster.historical_forecasts(series.reset_index(drop=True), start="2001-01")
    with pytest.raises(ValueError, match="X has columns"):
        forecaster.historical_forecasts(series.to_frame().assign(extra=1.0))
    with pytest.raises(NotFittedError):
        RNNForecaster().historical_forecasts(series)


def promo_frame(n_rows=40):
    days = pd.date_range("2024-01-01", periods=n_rows, freq="D")
    t = np.arange(n_rows)
    promo = (t % 5 == 0).astype(float)
    return pd.DataFrame({"promo": promo, "sales": 10 + np.sin(t / 3) + promo}, index=days)


def test_a_forecaster_fitted_with_y_needs_y():
    frame = promo_frame()
    forecaster = RNNForecaster(lookback=LOOKBACK, horizon=2, **TINY)
    forecaster.fit(frame[["promo"]][:30], frame["sales"][:30])
    with pytest.raises(ValueError, match="pass the true targets of X's rows as y"):
        forecaster.historical_forecasts(frame[["promo"]])
    backtest = forecaster.historical_forecasts(frame[["promo"]], frame["sales"], start=-3)
    np.testing.assert_array_equal(backtest["y"].iloc[:2], frame["sales"].iloc[-2:])
    first = forecaster.forecast(frame[["promo"]][:-2])
    np.testing.assert_allclose(backtest["forecast"].iloc[:2], first.to_numpy(), rtol=1e-6)


def test_unknown_future_covariates_give_nan_forecasts():
    frame = promo_frame()
    forecaster = RNNForecaster(
        lookback=LOOKBACK, horizon=2, future_covariates=["promo"], **TINY
    ).fit(frame[:30])
    backtest = forecaster.historical_forecasts(frame, start=-3)
    assert backtest["forecast"].iloc[:2].notna().all()  # promo known for both steps
    assert backtest["forecast"].iloc[2:].isna().all()
