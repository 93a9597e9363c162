"""PanelTimeSplit: folds cut by time across every series, inside GridSearchCV and cross_validate."""

import numpy as np
import pandas as pd
import pytest
from _support import TINY
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_validate

from sklearn_rnn import RNNForecaster
from sklearn_rnn.metrics import get_forecast_scorer
from sklearn_rnn.model_selection import PanelTimeSplit


def make_panel(n_days=40):
    """Three stores on a daily calendar, rows store after store; store c opens 10 days late."""
    days = pd.date_range("2024-01-01", periods=n_days, freq="D", name="day")
    frames = []
    for store, scale, opening in [("a", 1.0, 0), ("b", 5.0, 0), ("c", 20.0, 10)]:
        t = np.arange(n_days)
        sales = scale * (10 + np.sin(2 * np.pi * t / 7) + t / 10)
        frames.append(pd.DataFrame({"store": store, "sales": sales}, index=days).iloc[opening:])
    return pd.concat(frames)


def stamps(frame, rows, store):
    part = frame.iloc[rows]
    return part.index[part["store"] == store]


def test_every_series_trains_before_it_is_tested():
    panel = make_panel()
    folds = list(PanelTimeSplit(n_splits=3, test_size=5, series_id="store").split(panel))
    assert len(folds) == 3
    test_starts = []
    for train, test in folds:
        for store in "abc":
            train_days, test_days = stamps(panel, train, store), stamps(panel, test, store)
            assert train_days.max() < test_days.min()
            assert len(test_days) == 5
        test_starts.append(panel.index[test].min())
        assert len(test) == 15
        assert len(np.intersect1d(train, test)) == 0
    assert test_starts == list(pd.date_range("2024-01-26", periods=3, freq="5D"))
    last_train, last_test = folds[-1]
    assert len(last_train) + len(last_test) == len(panel)  # the folds reach the end
    assert len(stamps(panel, last_train, "c")) == 25  # the late store has 10 days fewer


def test_gap_and_max_train_size():
    panel = make_panel()
    split = PanelTimeSplit(n_splits=2, test_size=5, gap=3, max_train_size=10, series_id="store")
    for train, test in split.split(panel):
        for store in "ab":
            train_days, test_days = stamps(panel, train, store), stamps(panel, test, store)
            assert (test_days.min() - train_days.max()).days == 4  # 3 days left out
            assert len(train_days) == 10


def test_one_series_is_split_as_time_series_split():
    series = make_panel().query("store == 'a'")["sales"]
    for ours, theirs in zip(
        PanelTimeSplit(n_splits=4, gap=1).split(series),
        TimeSeriesSplit(n_splits=4, gap=1).split(series),
        strict=True,
    ):
        np.testing.assert_array_equal(ours[0], theirs[0])
        np.testing.assert_array_equal(ours[1], theirs[1])


def test_time_series_split_on_a_panel_splits_by_series():
    panel = make_panel()
    train, test = next(TimeSeriesSplit(n_splits=3).split(panel))
    assert panel.iloc[train]["store"].unique().tolist() == ["a"]
    assert panel.index[test].min() < panel.index[train].max()  # tests b on earlier days
    train, test = next(PanelTimeSplit(n_splits=3, test_size=5, series_id="store").split(panel))
    assert panel.iloc[train]["store"].unique().tolist() == ["a", "b", "c"]
    assert panel.index[test].min() > panel.index[train].max()


def test_time_column_and_row_order_agree_with_the_index():
    panel = make_panel()
    by_index = list(PanelTimeSplit(n_splits=2, series_id="store").split(panel))
    with_column = panel.reset_index()
    by_column = list(PanelTimeSplit(n_splits=2, series_id="store", time="day").split(with_column))
    # without time stamps the series are aligned at their last rows, as they are here
    by_rows = list(PanelTimeSplit(n_splits=2, series_id="store").split(with_column))
    for one, two, three in zip(by_index, by_column, by_rows, strict=True):
        np.testing.assert_array_equal(one[0], two[0])
        np.testing.assert_array_equal(one[1], two[1])
        np.testing.assert_array_equal(one[0], three[0])
        np.testing.assert_array_equal(one[1], three[1])


def test_interleaved_rows_keep_their_order():
    panel = make_panel().reset_index().sort_values(["day", "store"]).set_index("day")
    for train, test in PanelTimeSplit(n_splits=2, series_id="store").split(panel):
        assert np.all(np.diff(train) > 0) and np.all(np.diff(test) > 0)
        assert panel.index[train].max() < panel.index[test].min()


@pytest.mark.parametrize(
    "split, X, match",
    [
        (PanelTimeSplit(), [np.ones(10), np.ones(12)], "list of 2 series.*series_id='series'"),
        (PanelTimeSplit(n_splits=0), np.ones(10), "n_splits must be an integer >= 1"),
        (PanelTimeSplit(gap=-1), np.ones(10), "gap must be an integer >= 0"),
        (PanelTimeSplit(test_size=0), np.ones(10), "test_size must be an integer >= 1 or None"),
        (PanelTimeSplit(n_splits=5), np.ones(5), "X has 5 time steps: too few"),
        (PanelTimeSplit(n_splits=2, test_size=4, gap=2), np.ones(10), "too few"),
        (PanelTimeSplit(series_id="shop"), make_panel(), "series_id='shop' is not a column"),
        (PanelTimeSplit(time="when"), make_panel(), "time='when' is not a column"),
        (PanelTimeSplit(), make_panel(), "repeats a time stamp.*set series_id"),
        (
            PanelTimeSplit(series_id="store"),
            make_panel().iloc[::-1],
            "time index of series 'c' is not increasing",
        ),
    ],
)
def test_bad_input_is_named(split, X, match):
    with pytest.raises(ValueError, match=match):
        list(split.split(X))


def test_parameters_and_groups():
    split = PanelTimeSplit(n_splits=3, series_id="store")
    assert split.get_n_splits() == 3
    assert repr(split).startswith("PanelTimeSplit(gap=0, max_train_size=None, n_splits=3")
    with pytest.warns(UserWarning, match="groups parameter is ignored"):
        list(split.split(make_panel(), groups=np.zeros(110)))
    with pytest.raises(TypeError, match="series_id must be a column name"):
        PanelTimeSplit(series_id=1).get_n_splits()


@pytest.mark.slow
def test_grid_search_and_cross_validate_backtest_a_panel():
    panel = make_panel()
    forecaster = RNNForecaster(series_id="store", lookback=5, horizon=2, **TINY)
    split = PanelTimeSplit(n_splits=2, test_size=5, series_id="store")
    grid = GridSearchCV(
        forecaster,
        {"cell": ["gru", "lstm"]},
        cv=split,
        scoring=get_forecast_scorer("mase"),
    ).fit(panel)
    scores = grid.cv_results_["mean_test_score"]
    assert scores.shape == (2,) and np.all(np.isfinite(scores)) and np.all(scores < 0)
    assert grid.best_estimator_.forecast()["store"].tolist() == ["a", "a", "b", "b", "c", "c"]
    results = cross_validate(
        forecaster,
        panel,
        cv=split,
        scoring={name: get_forecast_scorer(name) for name in ("mase", "rmsse", "smape")},
    )
    for name in ("mase", "rmsse", "smape"):
        assert results[f"test_{name}"].shape == (2,)
        assert np.all(np.isfinite(results[f"test_{name}"]))
    # the first fold scored as the scorer reads it: forecasts from the training end on
    train, test = next(split.split(panel))
    fitted = forecaster.fit(panel.iloc[train])
    expected = get_forecast_scorer("mase")(fitted, panel.iloc[test])
    assert results["test_mase"][0] == pytest.approx(expected)
