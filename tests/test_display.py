"""Tests of the displays: the artists they draw, their data, and their errors."""

import pickle
import sys

import numpy as np
import pandas as pd
import pytest
from _support import FAST, make_sequences
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_rnn import RNNClassifier, RNNForecaster, RNNRegressor
from sklearn_rnn._display import ForecastDisplay, TrainingHistoryDisplay
from sklearn_rnn._training import kept_epoch

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402

QUANTILES = [0.1, 0.5, 0.9]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def legend_texts(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


@pytest.fixture(scope="module")
def sales():
    index = pd.date_range("2000-01", periods=40, freq="MS", name="month")
    values = np.sin(np.arange(40) / 2) + np.arange(40) / 10
    return pd.Series(values, index=index, name="sales")


@pytest.fixture(scope="module")
def quantile_forecaster(sales):
    return RNNForecaster(lookback=8, horizon=4, quantiles=QUANTILES, **FAST).fit(sales)


@pytest.fixture(scope="module")
def point_forecaster(sales):
    return RNNForecaster(lookback=8, horizon=4, **FAST).fit(sales)


# TrainingHistoryDisplay ----------------------------------------------------------


def fitted(estimator_class, **params):
    X, y = make_sequences(n_samples=30, n_timesteps=6)
    if estimator_class is RNNRegressor:
        y = X[:, :, 0].sum(axis=1)
    return estimator_class(**{**FAST, **params}).fit(X, y)


@pytest.mark.parametrize("estimator_class", [RNNClassifier, RNNRegressor])
def test_training_history_without_validation(estimator_class):
    est = fitted(estimator_class)
    display = TrainingHistoryDisplay.from_estimator(est)

    assert display.train_line_.get_xdata().tolist() == list(range(1, est.n_iter_ + 1))
    np.testing.assert_allclose(display.train_line_.get_ydata(), est.loss_curve_)
    assert display.valid_line_ is None and display.valid_loss is None
    assert display.best_epoch == kept_epoch(est.net_)
    assert display.best_epoch_line_.get_xdata() == [display.best_epoch] * 2
    assert len(display.ax_.get_lines()) == 2  # training loss and the kept epoch
    assert (display.ax_.get_xlabel(), display.ax_.get_ylabel()) == ("Epoch", "Loss")
    assert legend_texts(display.ax_) == [
        "training loss",
        f"kept epoch ({display.best_epoch})",
    ]
    assert display.figure_ is display.ax_.figure


def test_training_history_with_validation_marks_the_best_epoch():
    est = fitted(RNNClassifier, early_stopping=True, tol=0.0, max_iter=8)
    display = TrainingHistoryDisplay.from_estimator(est, name="GRU")

    valid_loss = [row["valid_loss"] for row in est.net_.history]
    np.testing.assert_allclose(display.valid_line_.get_ydata(), valid_loss)
    np.testing.assert_allclose(display.train_line_.get_ydata(), est.loss_curve_)
    best = int(np.argmin(valid_loss)) + 1
    assert display.best_epoch == best
    assert display.best_epoch_line_.get_xdata() == [best, best]
    assert len(display.ax_.get_lines()) == 3
    assert legend_texts(display.ax_) == [
        "GRU training loss",
        "GRU validation loss",
        f"kept epoch ({best})",
    ]


def test_training_history_of_a_forecaster_and_a_pipeline(point_forecaster):
    display = TrainingHistoryDisplay.from_estimator(point_forecaster)
    np.testing.assert_allclose(display.train_line_.get_ydata(), point_forecaster.loss_curve_)

    X, y = make_sequences(n_samples=30, n_timesteps=6)
    pipe = make_pipeline(FunctionTransformer(), RNNClassifier(**FAST)).fit(X, y)
    display = TrainingHistoryDisplay.from_estimator(pipe)
    np.testing.assert_allclose(display.train_line_.get_ydata(), pipe[-1].loss_curve_)


def test_training_history_of_a_loaded_estimator():
    est = fitted(RNNClassifier, early_stopping=True)
    loaded = pickle.loads(pickle.dumps(est))
    display = TrainingHistoryDisplay.from_estimator(loaded)
    np.testing.assert_allclose(display.train_line_.get_ydata(), est.loss_curve_)
    assert display.valid_line_ is not None
    # best_epoch_ is a fitted attribute, so the kept epoch survives pickling.
    assert display.best_epoch == est.best_epoch_ == kept_epoch(est.net_) >= 1


def test_training_history_honours_ax_and_kwargs():
    est = fitted(RNNClassifier)
    fig, ax = plt.subplots()
    display = TrainingHistoryDisplay.from_estimator(
        est, ax=ax, train_kwargs={"color": "red"}, best_epoch_kwargs={"color": "green"}
    )
    assert display.ax_ is ax and display.figure_ is fig
    assert display.train_line_.get_color() == "red"
    assert display.best_epoch_line_.get_color() == "green"


def test_training_history_from_stored_losses():
    display = TrainingHistoryDisplay([3.0, 2.0, 2.5], valid_loss=[3.5, np.nan, 2.8]).plot()
    assert display.best_epoch_line_ is None
    np.testing.assert_array_equal(display.valid_line_.get_ydata(), [3.5, np.nan, 2.8])
    assert legend_texts(display.ax_) == ["training loss", "validation loss"]


def test_training_history_errors():
    with pytest.raises(NotFittedError):
        TrainingHistoryDisplay.from_estimator(RNNClassifier())
    X, y = make_sequences(n_samples=30, n_timesteps=6)
    with pytest.raises(TypeError, match="needs a fitted RNNClassifier"):
        TrainingHistoryDisplay.from_estimator(LogisticRegression().fit(X[:, :, 0], y))


# ForecastDisplay -------------------------------------------------------------------


def test_forecast_with_interval(quantile_forecaster, sales):
    display = ForecastDisplay.from_estimator(quantile_forecaster, sales)

    np.testing.assert_allclose(display.history_line_.get_ydata(), sales.to_numpy())
    assert pd.DatetimeIndex(display.history_line_.get_xdata()).equals(sales.index)
    point = quantile_forecaster.forecast(sales)
    bands = quantile_forecaster.forecast(sales, quantiles=True)
    assert pd.DatetimeIndex(display.forecast_line_.get_xdata()).equals(point.index)
    assert display.forecast_index[0] == pd.Timestamp("2003-05-01")
    np.testing.assert_allclose(display.forecast_line_.get_ydata(), point.to_numpy())
    np.testing.assert_allclose(display.lower, bands["sales_q0.1"])
    np.testing.assert_allclose(display.upper, bands["sales_q0.9"])
    assert isinstance(display.interval_, PolyCollection)
    band_y = display.interval_.get_paths()[0].vertices[:, 1]
    assert band_y.min() == pytest.approx(display.lower.min())
    assert band_y.max() == pytest.approx(display.upper.max())

    assert len(display.ax_.get_lines()) == 2
    assert (display.ax_.get_xlabel(), display.ax_.get_ylabel()) == ("month", "sales")
    assert legend_texts(display.ax_) == ["history", "forecast", "10-90% interval"]


def test_forecast_interval_levels(quantile_forecaster, sales):
    display = ForecastDisplay.from_estimator(
        quantile_forecaster, sales, interval=(0.1, 0.5), name="GRU"
    )
    bands = quantile_forecaster.forecast(sales, quantiles=True)
    np.testing.assert_allclose(display.upper, bands["sales_q0.5"])
    assert display.interval_levels == (0.1, 0.5)
    assert legend_texts(display.ax_) == ["history", "GRU forecast", "GRU 10-50% interval"]
    for interval in [(0.2, 0.9), (0.9, 0.1), (0.1,)]:
        with pytest.raises(ValueError, match="interval must"):
            ForecastDisplay.from_estimator(quantile_forecaster, sales, interval=interval)


def test_forecast_without_quantiles_has_no_band(point_forecaster, sales):
    fig, ax = plt.subplots()
    display = ForecastDisplay.from_estimator(point_forecaster, sales[:30], ax=ax)
    assert display.ax_ is ax and display.figure_ is fig
    assert display.interval_ is None and display.lower is None
    assert len(ax.collections) == 0
    assert legend_texts(ax) == ["history", "forecast"]
    np.testing.assert_allclose(
        display.forecast_line_.get_ydata(), point_forecaster.forecast(sales[:30]).to_numpy()
    )
    with pytest.raises(ValueError, match="needs a forecaster fitted with quantiles"):
        ForecastDisplay.from_estimator(point_forecaster, sales, interval=(0.1, 0.9))


def test_forecast_of_arrays_numbers_the_rows():
    values = np.sin(np.arange(30) / 2)
    forecaster = RNNForecaster(lookback=6, horizon=3, **FAST).fit(values)
    display = ForecastDisplay.from_estimator(forecaster, values)
    assert display.history_line_.get_xdata().tolist() == list(range(30))
    assert display.forecast_line_.get_xdata().tolist() == [30, 31, 32]
    np.testing.assert_allclose(display.forecast, forecaster.forecast(values))
    assert display.ax_.get_xlabel() == "Time"


def test_forecast_of_several_targets_needs_target(sales):
    frame = pd.DataFrame({"a": sales, "b": -sales})
    forecaster = RNNForecaster(lookback=8, horizon=4, quantiles=QUANTILES, **FAST).fit(frame)
    with pytest.raises(ValueError, match=r"forecasts 2 columns \['a', 'b'\]; choose"):
        ForecastDisplay.from_estimator(forecaster, frame)
    with pytest.raises(ValueError, match="target='c' is not a forecast column"):
        ForecastDisplay.from_estimator(forecaster, frame, target="c")

    display = ForecastDisplay.from_estimator(forecaster, frame, target="b")
    np.testing.assert_allclose(display.history, frame["b"])
    np.testing.assert_allclose(display.forecast, forecaster.forecast(frame)["b"])
    np.testing.assert_allclose(display.lower, forecaster.forecast(frame, quantiles=True)["b_q0.1"])
    assert display.ax_.get_ylabel() == "b"


def test_forecast_of_many_series(sales):
    long = pd.concat(
        [
            pd.DataFrame({"store": "x", "sales": sales}),
            pd.DataFrame({"store": "y", "sales": 2 * sales}),
        ]
    )
    forecaster = RNNForecaster(lookback=8, horizon=4, series_id="store", **FAST).fit(long)
    with pytest.raises(ValueError, match=r"X holds 2 series; choose .* \['x', 'y'\]"):
        ForecastDisplay.from_estimator(forecaster, long)
    with pytest.raises(ValueError, match="series='z' is not in X"):
        ForecastDisplay.from_estimator(forecaster, long, series="z")

    display = ForecastDisplay.from_estimator(forecaster, long, series="y")
    expected = forecaster.forecast(long)
    expected = expected[expected["store"] == "y"]
    np.testing.assert_allclose(display.history, 2 * sales)
    np.testing.assert_allclose(display.forecast, expected["sales"])
    assert pd.DatetimeIndex(display.forecast_index).equals(pd.DatetimeIndex(expected["month"]))
    # One series only: no need to name it.
    ForecastDisplay.from_estimator(forecaster, long[long["store"] == "x"])


def test_forecast_of_a_list_of_series(sales):
    arrays = [sales.to_numpy(), 3 * sales.to_numpy()]
    forecaster = RNNForecaster(lookback=8, horizon=4, **FAST).fit(arrays)
    display = ForecastDisplay.from_estimator(forecaster, arrays, series=1)
    np.testing.assert_allclose(display.history, arrays[1])
    np.testing.assert_allclose(display.forecast, forecaster.forecast(arrays)[1])
    with pytest.raises(ValueError, match="X holds a single series"):
        ForecastDisplay.from_estimator(forecaster, arrays[0], series=0)


def test_forecast_with_future_covariates(sales):
    frame = pd.DataFrame({"sales": sales, "month_of_year": sales.index.month})
    forecaster = RNNForecaster(
        lookback=8, horizon=4, future_covariates=["month_of_year"], **FAST
    ).fit(frame[:-4])
    future = frame[["month_of_year"]][-4:]
    display = ForecastDisplay.from_estimator(forecaster, frame[:-4], X_future=future)
    np.testing.assert_allclose(display.forecast, forecaster.forecast(frame[:-4], future))
    assert display.forecast_index.equals(future.index)


def test_forecast_not_fitted(sales):
    with pytest.raises(NotFittedError):
        ForecastDisplay.from_estimator(RNNForecaster(), sales)


# matplotlib is optional ------------------------------------------------------------


def test_missing_matplotlib(monkeypatch, point_forecaster, sales):
    est = fitted(RNNClassifier, max_iter=1)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` fail
    calls = [
        lambda: TrainingHistoryDisplay.from_estimator(est),
        lambda: TrainingHistoryDisplay([1.0, 0.5]).plot(),
        lambda: ForecastDisplay.from_estimator(point_forecaster, sales),
        lambda: ForecastDisplay([0, 1], [1.0, 2.0], [2], [3.0]).plot(),
    ]
    for call in calls:
        with pytest.raises(ImportError, match=r"requires matplotlib.*pip install matplotlib"):
            call()
