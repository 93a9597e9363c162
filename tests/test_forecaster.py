"""RNNForecaster: rows are time steps."""

import pickle

import numpy as np
import pandas as pd
import pytest
from _support import FAST
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_rnn import RNNForecaster
from sklearn_rnn.datasets import load_airline


@pytest.fixture(scope="module")
def airline():
    return load_airline()


def seasonal_frame(n_rows=120):
    index = pd.date_range("2021-01-01", periods=n_rows, freq="h")
    t = np.arange(n_rows)
    return pd.DataFrame(
        {
            "load": 10 + np.sin(2 * np.pi * t / 24) + 0.01 * t,
            "temp": np.cos(t / 7),
            "hour": index.hour.to_numpy(dtype=float),
            "holiday": (index.day_of_week >= 5).astype(float),
        },
        index=index,
    )


# Index continuation ---------------------------------------------------------------


def test_forecast_continues_a_monthly_datetime_index(airline):
    train = airline[:"1957-12"]
    forecast = RNNForecaster(lookback=12, horizon=12, **FAST).fit(train).forecast()
    assert isinstance(forecast, pd.Series)
    assert forecast.name == "passengers"
    assert forecast.index.freqstr == "MS"
    assert forecast.index[0] == pd.Timestamp("1958-01-01")
    assert forecast.index[-1] == pd.Timestamp("1958-12-01")


@pytest.mark.parametrize(
    "index, first",
    [
        (pd.period_range("2000-01", periods=40, freq="M"), pd.Period("2003-05", freq="M")),
        (pd.RangeIndex(40), 40),
        (pd.Index(np.arange(100, 500, 10)), 500),
    ],
)
def test_forecast_continues_period_and_integer_indexes(index, first):
    series = pd.Series(np.sin(np.arange(40) / 3), index=index)
    forecast = RNNForecaster(lookback=6, horizon=3, **FAST).fit(series).forecast()
    assert forecast.index[0] == first
    assert len(forecast) == 3


def test_forecast_from_arrays_is_an_array():
    forecast = RNNForecaster(lookback=6, horizon=2, **FAST).fit(np.arange(50.0)).forecast()
    assert isinstance(forecast, np.ndarray)
    assert forecast.shape == (2,)
    two_targets = np.column_stack([np.arange(50.0), np.arange(50.0) ** 0.5])
    assert RNNForecaster(lookback=6, horizon=2, **FAST).fit(two_targets).forecast().shape == (2, 2)


def test_a_missing_day_is_found_at_fit():
    days = pd.date_range("2020-01-01", periods=41, freq="D")
    series = pd.Series(np.arange(40.0), index=days.delete(38))
    with pytest.raises(ValueError, match=r"misses 1 time stamp.*2020-02-08.*gaps='fill'"):
        RNNForecaster(lookback=5, horizon=2, **FAST).fit(series)


# predict, forecast, score ----------------------------------------------------------


def test_predict_is_a_rolling_origin_backtest(airline):
    fc = RNNForecaster(lookback=12, horizon=4, **FAST).fit(airline[:100])
    rolling = fc.predict(airline)
    assert rolling.shape == (144, 4)
    for row in (0, 5, 11, 60, 143):
        history = airline.iloc[: row + 1]
        np.testing.assert_allclose(rolling[row], fc.forecast(history).to_numpy(), rtol=1e-5)


def test_multi_target_shapes():
    frame = seasonal_frame()
    fc = RNNForecaster(target=["load", "temp"], lookback=12, horizon=3, **FAST).fit(frame)
    assert fc.target_names_ == ["load", "temp"]
    assert fc.predict(frame).shape == (120, 3, 2)
    forecast = fc.forecast()
    assert list(forecast.columns) == ["load", "temp"]
    assert forecast.shape == (3, 2)


def test_score_is_r2_of_forecasts_inside_x(airline):
    fc = RNNForecaster(lookback=12, horizon=3, hidden_size=16, max_iter=40, random_state=0)
    fc.fit(airline)
    assert 0.5 < fc.score(airline) <= 1.0
    assert np.isfinite(fc.score(airline[:3]))
    with pytest.raises(ValueError, match="needs at least 2 rows"):
        fc.score(airline[:1])


def test_window_normalization_extrapolates_a_trend():
    trend = pd.Series(np.arange(120.0) + np.sin(np.arange(120.0)), index=pd.RangeIndex(120))
    window = RNNForecaster(lookback=12, horizon=6, hidden_size=16, max_iter=40, random_state=0)
    forecast = window.fit(trend).forecast()
    assert forecast.min() > trend.max() - 2
    assert forecast.iloc[-1] > forecast.iloc[0]
    # Without per-window scaling and without the linear skip, the network only
    # reaches the range of the training targets.
    flat = RNNForecaster(
        lookback=12,
        horizon=6,
        hidden_size=16,
        max_iter=40,
        random_state=0,
        normalize="global",
        autoregressive=False,
    )
    assert flat.fit(trend).forecast().mean() < forecast.mean() - 5


def test_quantiles_are_monotone_and_bracket_the_median(airline):
    fc = RNNForecaster(lookback=12, horizon=4, quantiles=[0.9, 0.1, 0.5], **FAST).fit(airline)
    quantiles = fc.predict_quantiles(airline)
    assert quantiles.shape == (144, 4, 3)
    assert np.all(np.diff(quantiles, axis=-1) >= 0)
    np.testing.assert_allclose(fc.predict(airline), quantiles[..., 1])
    frame = fc.forecast(quantiles=True)
    assert list(frame.columns) == ["passengers_q0.1", "passengers_q0.5", "passengers_q0.9"]
    with pytest.raises(ValueError, match="quantiles"):
        RNNForecaster(lookback=12, horizon=4, **FAST).fit(airline).predict_quantiles(airline)


def test_transform_gives_one_representation_per_row(airline):
    fc = RNNForecaster(lookback=12, horizon=2, **FAST).fit(airline)
    assert fc.transform(airline).shape == (144, 8)  # one direction of 8 hidden units


# Covariates -----------------------------------------------------------------------


def test_future_covariates_are_read_over_the_horizon():
    frame = seasonal_frame()
    fc = RNNForecaster(
        target="load", future_covariates=["hour", "holiday"], lookback=24, horizon=6, **FAST
    ).fit(frame)
    rolling = fc.predict(frame)
    assert np.isnan(rolling[-6:]).all(), "future covariates beyond X are unknown"
    assert np.isfinite(rolling[:-6]).all()
    future = pd.DataFrame({"hour": np.arange(6.0), "holiday": np.zeros(6)})
    forecast = fc.forecast(X_future=future)
    assert forecast.index[0] == frame.index[-1] + pd.Timedelta(hours=1)
    changed = fc.forecast(X_future=future.assign(holiday=1.0))
    assert not np.allclose(forecast, changed)
    with pytest.raises(ValueError, match="needs X_future"):
        fc.forecast()
    with pytest.raises(ValueError, match="X_future has 3 rows"):
        fc.forecast(X_future=future[:3])
    with pytest.raises(ValueError, match="X_future names column 'holiday'"):
        fc.forecast(X_future=future[["hour"]])


def test_recursive_strategy_with_future_covariates():
    frame = seasonal_frame()
    fc = RNNForecaster(
        target="load",
        future_covariates=["temp", "hour", "holiday"],
        strategy="recursive",
        lookback=24,
        horizon=5,
        **FAST,
    ).fit(frame)
    assert fc.predict(frame).shape == (120, 5)
    future = frame[["temp", "hour", "holiday"]].iloc[:5].reset_index(drop=True)
    assert fc.forecast(X_future=future).shape == (5,)


@pytest.mark.parametrize(
    "params, fit_with_y, expected",
    [
        (dict(target="load", future_covariates=["temp", "hour", "holiday"]), False,
         "recursive"),
        (dict(target="load"), False, "direct"),  # past covariates cannot be fed back
        (dict(target="load", future_covariates=["temp", "hour", "holiday"],
              quantiles=[0.1, 0.5, 0.9]), False, "direct"),
        (dict(), True, "direct"),  # fitted with y: the windows hold no targets to feed back
    ],
)
def test_auto_strategy_is_recursive_where_it_applies(params, fit_with_y, expected):
    frame = seasonal_frame()
    fc = RNNForecaster(lookback=12, horizon=3, **params, **FAST)
    assert fc.strategy == "auto"
    if fit_with_y:
        fc.fit(frame[["temp", "hour", "holiday"]], frame["load"])
    else:
        fc.fit(frame)
    assert fc.strategy_ == expected
    assert fc.get_params()["strategy"] == "auto"
    # recursive: one output per step fed back; direct: one output per horizon step
    assert fc.net_.module_.head.out_features == (1 if expected == "recursive" else
                                                 3 * fc._n_levels)


@pytest.mark.slow
def test_recursive_strategy_learns_a_sine_wave():
    wave = np.sin(np.arange(300) * 2 * np.pi / 20)
    fc = RNNForecaster(
        strategy="recursive", lookback=20, horizon=10, hidden_size=16, max_iter=40,
        random_state=0,
    ).fit(wave[:280])
    forecast = fc.forecast(wave[:290])
    assert np.abs(forecast - wave[290:300]).mean() < 0.2


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(target="nope"), "target names column 'nope'"),
        (dict(future_covariates=["nope"]), "future_covariates names column 'nope'"),
        (dict(target="load", future_covariates=["load"]), "both in target and future_covariates"),
        (dict(target="load", strategy="recursive"), "past covariates"),
        (dict(quantiles=[0.5, 1.5]), "quantiles must be numbers in \\(0, 1\\)"),
        (dict(quantiles=[0.5], strategy="recursive", target="load",
              future_covariates=["temp", "hour", "holiday"]),
         r"quantiles need strategy='direct' \(or 'auto'\)"),
        (dict(lookback=200), "need at least 201 rows"),
        (dict(horizon=0), "'horizon' parameter"),
        (dict(strategy="multi"), "'strategy' parameter"),
    ],
)
def test_bad_configurations_are_named(params, match):
    with pytest.raises(ValueError, match=match):
        RNNForecaster(**{**FAST, **params}).fit(seasonal_frame())


def test_bad_tables_are_rejected():
    frame = seasonal_frame()
    fc = RNNForecaster(lookback=6, **FAST)
    with pytest.raises(ValueError, match="not increasing"):
        fc.fit(frame.iloc[::-1])
    with pytest.raises(ValueError, match="duplicated time stamps"):
        fc.fit(pd.concat([frame, frame.iloc[-1:]]))
    with pytest.raises(ValueError, match="value too large for float32 in target column 'load'"):
        fc.fit(frame.assign(load=np.where(np.arange(120) == 7, np.nan, frame["load"])))
    with pytest.raises(ValueError, match="value too large for float32 in covariate column 'temp'"):
        RNNForecaster(lookback=6, target="load", **FAST).fit(frame.assign(temp=np.inf))
    with pytest.raises(TypeError, match="Sparse data"):
        import scipy.sparse as sp

        fc.fit(sp.csr_matrix(np.ones((20, 2))))
    fitted = RNNForecaster(lookback=6, **FAST).fit(frame)
    with pytest.raises(ValueError, match="fitted with columns"):
        fitted.predict(frame.rename(columns={"temp": "temperature"}))
    with pytest.raises(ValueError, match="X has 1 features"):
        fitted.predict(np.ones(30))


# Many series ----------------------------------------------------------------------


def test_many_series_train_one_model_and_forecast_in_long_form(airline):
    long = pd.concat(
        [
            pd.DataFrame({"store": name, "sales": airline.to_numpy() * scale}, index=airline.index)
            for name, scale in [("a", 1.0), ("b", 3.0)]
        ]
    )
    fc = RNNForecaster(series_id="store", lookback=12, horizon=3, **FAST).fit(long)
    forecast = fc.forecast()
    assert list(forecast.columns) == ["store", "month", "sales"]
    assert forecast["store"].tolist() == ["a"] * 3 + ["b"] * 3
    assert forecast["month"].iloc[0] == pd.Timestamp("1961-01-01")
    ratio = forecast["sales"].iloc[3:].to_numpy() / forecast["sales"].iloc[:3].to_numpy()
    np.testing.assert_allclose(ratio, 3.0, rtol=0.05)
    assert fc.predict(long).shape == (288, 3)
    with pytest.raises(ValueError, match="Series 'b' has 10 sample"):
        fc.fit(pd.concat([long[long.store == "a"], long[long.store == "b"].iloc[:10]]))
    with pytest.raises(ValueError, match="series_id='store' is not a column"):
        fc.fit(long.drop(columns="store"))


# scikit-learn integration -----------------------------------------------------------


def test_grid_search_with_time_series_split_is_the_backtest(airline):
    grid = GridSearchCV(
        RNNForecaster(lookback=12, horizon=6, **FAST),
        {"hidden_size": [4, 8], "cell": ["lstm", "gru"]},
        cv=TimeSeriesSplit(3),
    ).fit(airline)
    scores = grid.cv_results_["mean_test_score"]
    assert len(scores) == 4 and np.all(np.isfinite(scores))
    assert grid.best_estimator_.forecast().shape == (6,)


def test_pipeline_with_a_pandas_output_scaler():
    frame = seasonal_frame()
    pipe = make_pipeline(
        StandardScaler().set_output(transform="pandas"),
        RNNForecaster(target="load", lookback=12, horizon=3, **FAST),
    ).fit(frame)
    assert pipe.predict(frame).shape == (120, 3)
    assert np.isfinite(pipe.score(frame))


def test_pickle_clone_and_determinism(airline):
    fc = RNNForecaster(lookback=12, horizon=3, dropout=0.2, **FAST).fit(airline)
    restored = pickle.loads(pickle.dumps(fc))
    pd.testing.assert_series_equal(restored.forecast(), fc.forecast())
    again = RNNForecaster(lookback=12, horizon=3, dropout=0.2, **FAST).fit(airline)
    np.testing.assert_array_equal(again.predict(airline), fc.predict(airline))


def test_partial_fit_and_early_stopping_hold_out_the_latest_windows(airline):
    fc = RNNForecaster(lookback=12, horizon=3, **FAST)
    fc.partial_fit(airline)
    fc.partial_fit(airline)
    assert fc.n_iter_ == 2
    stopped = RNNForecaster(
        lookback=12, horizon=3, early_stopping=True, validation_fraction=0.2, **FAST
    ).fit(airline)
    assert stopped.validation_scores_ is not None
    train, valid = stopped._validation_indices(130, None)
    assert train.max() < valid.min()


def test_a_list_of_series_is_many_series(airline):
    halves = [airline[:72], airline[72:] * 2]
    fc = RNNForecaster(lookback=12, horizon=3, **FAST).fit(halves)
    forecast = fc.forecast()
    assert forecast["series"].tolist() == [0, 0, 0, 1, 1, 1]
    assert forecast["month"].iloc[0] == pd.Timestamp("1955-01-01")
    assert forecast["month"].iloc[3] == pd.Timestamp("1961-01-01")
    arrays = [np.arange(40.0), np.arange(30.0) * 3]
    stacked = RNNForecaster(lookback=6, horizon=2, **FAST).fit(arrays).forecast()
    assert stacked.shape == (2, 2)
    with pytest.raises(ValueError, match="same columns"):
        fc.fit([airline.to_frame(), airline.rename("other").to_frame()])


def test_recursive_marks_rows_whose_future_covariates_are_unknown():
    frame = seasonal_frame()
    fc = RNNForecaster(
        target="load", future_covariates=["temp", "hour", "holiday"], strategy="recursive",
        lookback=24, horizon=6, **FAST,
    ).fit(frame)
    unknown = np.isnan(fc.predict(frame)).any(axis=1)
    assert unknown.sum() == 6 and unknown[-6:].all()


def test_parameters_that_shaped_the_network_cannot_change_silently(airline):
    fc = RNNForecaster(lookback=12, horizon=3, **FAST).fit(airline)
    fc.set_params(horizon=6)
    with pytest.raises(ValueError, match="fitted with horizon=3, which cannot change to 6"):
        fc.forecast()
    with pytest.raises(ValueError, match="horizon=3"):
        fc.predict(airline)
    fc.set_params(horizon=3, lookback=24)
    assert fc.forecast().shape == (3,), "lookback may change: the network reads any length"


def test_forecast_warns_about_a_short_history(airline):
    fc = RNNForecaster(lookback=12, horizon=3, **FAST).fit(airline)
    with pytest.warns(UserWarning, match="5 rows of history, fewer than lookback=12"):
        fc.forecast(airline[:5])


def test_x_future_must_continue_the_history():
    frame = seasonal_frame()
    fc = RNNForecaster(
        target="load", future_covariates=["hour", "holiday"], lookback=24, horizon=3, **FAST
    ).fit(frame)
    following = pd.date_range(frame.index[-1], periods=4, freq="h")[1:]
    future = pd.DataFrame({"hour": [0.0, 1, 2], "holiday": 0.0}, index=following)
    assert fc.forecast(X_future=future).index.equals(following)
    with pytest.raises(ValueError, match="must continue the history"):
        fc.forecast(X_future=future.shift(1, freq="h"))


def test_integer_time_index_must_increase():
    series = pd.Series(np.arange(40.0), index=np.arange(40)[::-1])
    with pytest.raises(ValueError, match="not increasing"):
        RNNForecaster(lookback=5, **FAST).fit(series)


def test_methods_before_fit_raise_not_fitted(airline):
    from sklearn.exceptions import NotFittedError

    fc = RNNForecaster(lookback=12, horizon=3)
    for method in (fc.predict, fc.score, fc.transform, fc.predict_quantiles):
        with pytest.raises(NotFittedError):
            method(airline)
    with pytest.raises(NotFittedError):
        fc.forecast()


def test_early_stopping_with_quantiles_scores_the_median(airline):
    fc = RNNForecaster(
        lookback=12, horizon=3, quantiles=[0.1, 0.5, 0.9], early_stopping=True, **FAST
    ).fit(airline)
    assert len(fc.validation_scores_) == fc.n_iter_
    assert np.all(np.isfinite(fc.validation_scores_))


def test_remaining_documented_errors(airline):
    frame = seasonal_frame()
    with pytest.raises(ValueError, match="no column left to forecast"):
        RNNForecaster(future_covariates=["load", "temp", "hour", "holiday"], **FAST).fit(frame)
    with pytest.raises(ValueError, match="series_id needs X as a pandas DataFrame"):
        RNNForecaster(series_id="store", **FAST).fit(np.ones((40, 2)))
    fc = RNNForecaster(
        target="load", future_covariates=["hour", "holiday"], lookback=24, horizon=3, **FAST
    ).fit(frame)
    future = pd.DataFrame({"hour": [0.0, np.nan, 2.0], "holiday": 0.0})
    with pytest.raises(ValueError, match="X_future contains NaN"):
        fc.forecast(X_future=future)
    with pytest.raises(ValueError, match="quantiles=True needs a forecaster fitted with quantiles"):
        fc.forecast(X_future=future.fillna(1.0), quantiles=True)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"cell": "transformer"}, "'cell' parameter"),
        ({"hidden_size": 0}, "'hidden_size' parameter"),
        ({"dropout": 1.5}, "'dropout' parameter"),
        ({"lookback": 0}, "'lookback' parameter"),
        ({"normalize": "minmax"}, "'normalize' parameter"),
        ({"device": "tpu9"}, "not a valid torch device"),
    ],
)
def test_invalid_shared_parameters(airline, params, match):
    with pytest.raises(ValueError, match=match):
        RNNForecaster(**{**FAST, **params}).fit(airline)
