"""RNNForecaster on real tables: time column, frequency and gaps, short series, static
covariates, y, the history after partial_fit, and errors that name the column."""

import numpy as np
import pandas as pd
import pytest
from _support import FAST, TINY
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RNNForecaster
from sklearn_rnn._tables import check_table, fill_gaps


def stores(lengths=None, start="2024-01-01", freq="D"):
    """A long table of daily sales, one block of rows per store, with a ``date`` column."""
    lengths = lengths or {"a": 40, "b": 40}
    frames = []
    for position, (store, n_rows) in enumerate(lengths.items()):
        t = np.arange(n_rows)
        frames.append(
            pd.DataFrame(
                {
                    "store": store,
                    "date": pd.date_range(start, periods=n_rows, freq=freq),
                    "sales": 10 * (position + 1) + np.sin(t / 2) + 0.1 * t,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


# Time column ---------------------------------------------------------------------


def test_time_column_indexes_the_forecasts_and_is_no_feature():
    table = stores()
    fc = RNNForecaster(series_id="store", time="date", lookback=7, horizon=3, **TINY).fit(table)
    assert fc.n_features_in_ == 1
    assert fc.freq_ == "D"
    forecast = fc.forecast()
    assert list(forecast.columns) == ["store", "date", "sales"]
    assert forecast["date"].iloc[0] == pd.Timestamp("2024-02-10")
    assert fc.predict(table).shape == (80, 3)


def test_numeric_time_column_has_a_step():
    table = stores().assign(date=np.tile(np.arange(0, 400, 10), 2))
    fc = RNNForecaster(series_id="store", time="date", lookback=7, horizon=2, **TINY).fit(table)
    assert fc.freq_ == 10
    assert fc.forecast()["date"].tolist() == [400, 410, 400, 410]


def test_rows_out_of_time_order_are_an_error_with_the_sort():
    table = stores().sample(frac=1.0, random_state=0)
    fc = RNNForecaster(series_id="store", time="date", lookback=7, **TINY)
    with pytest.raises(
        ValueError, match=r"time column 'date' of series 'b' is not increasing.*X\.sort_values"
    ):
        fc.fit(table)
    fc.fit(table.sort_values(["store", "date"]))


@pytest.mark.parametrize(
    "time, match",
    [("day", "time='day' is not a column"), ("store", "series_id and time must differ")],
)
def test_bad_time_parameters_are_named(time, match):
    with pytest.raises(ValueError, match=match):
        RNNForecaster(series_id="store", time=time, **TINY).fit(stores())


def test_time_needs_a_dataframe():
    with pytest.raises(ValueError, match="time needs X as a pandas DataFrame"):
        RNNForecaster(time="date", **TINY).fit(np.ones((30, 2)))


# Frequency and gaps ---------------------------------------------------------------


def test_a_gap_is_an_error_naming_series_stamp_and_fix():
    table = stores().drop(index=[50, 51])
    with pytest.raises(
        ValueError, match=r"Series 'b' misses 2 time stamp.*2024-01-11.*gaps='fill'"
    ):
        RNNForecaster(series_id="store", time="date", lookback=7, **TINY).fit(table)


def test_gaps_fill_inserts_nan_rows_and_predict_keeps_the_rows_of_x():
    table = stores().drop(index=[50, 51])
    checked = check_table(table, series_id="store", time="date", estimator_name="test")
    filled = fill_gaps(checked, pd.tseries.frequencies.to_offset("D"), fill=True)
    assert len(filled.values) == 80
    assert filled.filled.sum() == 2
    assert np.isnan(filled.values[filled.filled]).all()
    np.testing.assert_array_equal(filled.values[filled.input_rows()], checked.values)
    fc = RNNForecaster(series_id="store", time="date", lookback=7, horizon=2, **TINY)
    fc.fit(stores())
    fc.set_params(gaps="fill")
    assert fc.predict(table).shape == (78, 2)


def test_gaps_fill_trains_around_the_inserted_rows():
    table = stores().drop(index=[50, 51])
    fc = RNNForecaster(series_id="store", time="date", gaps="fill", lookback=7, horizon=2, **TINY)
    forecast = fc.fit(table).forecast()
    assert np.isfinite(forecast["sales"]).all()


def test_series_of_different_frequencies_need_freq():
    table = pd.concat([stores({"a": 40}), stores({"b": 40}, freq="2D")], ignore_index=True)
    with pytest.raises(ValueError, match=r"series 'a' steps by 'D' and series 'b' by '2D'.*freq="):
        RNNForecaster(series_id="store", time="date", lookback=7, **TINY).fit(table)
    with pytest.raises(ValueError, match="Series 'b' misses 39 time stamp"):
        RNNForecaster(series_id="store", time="date", freq="D", lookback=7, **TINY).fit(table)


def test_a_stamp_off_the_grid_is_an_error():
    table = stores({"a": 40})
    table.loc[20, "date"] += pd.Timedelta(hours=5)
    with pytest.raises(ValueError, match="off the frequency 'D'"):
        RNNForecaster(series_id="store", time="date", lookback=7, **TINY).fit(table)


def test_monthly_frequency_with_a_gap_is_inferred():
    months = pd.date_range("2000-01", periods=40, freq="MS").delete(17)
    series = pd.Series(np.arange(39.0), index=months)
    with pytest.raises(ValueError, match="at frequency 'MS', the first 2001-06-01"):
        RNNForecaster(lookback=5, **TINY).fit(series)


def test_nan_is_an_error_naming_missing_and_inf_is_always_one():
    table = stores()
    table.loc[5, "sales"] = np.nan
    fc = RNNForecaster(series_id="store", time="date", lookback=7, **TINY)
    with pytest.raises(ValueError, match="target column 'sales'; pass missing='mask'"):
        fc.fit(table)
    table.loc[5, "sales"] = np.inf
    with pytest.raises(ValueError, match="infinity is never a valid value"):
        fc.fit(table)


# Short series ---------------------------------------------------------------------


def test_a_short_series_is_an_error_naming_it_and_the_option():
    table = stores({"a": 40, "b": 8})
    fc = RNNForecaster(
        series_id="store", time="date", lookback=7, horizon=3, strategy="direct", **TINY
    )
    with pytest.raises(
        ValueError, match=r"Series 'b' has 8 sample.*at least 10.*short_series='skip'"
    ):
        fc.fit(table)


def test_short_series_skip_trains_without_it_and_still_forecasts_it():
    table = stores({"a": 40, "b": 8})
    fc = RNNForecaster(
        series_id="store",
        time="date",
        lookback=10,
        horizon=3,
        short_series="skip",
        strategy="direct",
        **TINY,
    )
    with pytest.warns(UserWarning, match=r"left out of training: \['b'\]"):
        fc.fit(table)
    assert fc._windows_per_series_ == [40 - 10 - 3 + 1]
    with pytest.warns(UserWarning, match="Series 'b' holds 8 rows of history"):
        forecast = fc.forecast()
    assert forecast["store"].tolist() == ["a"] * 3 + ["b"] * 3
    assert np.isfinite(forecast["sales"]).all()
    assert np.isfinite(fc.predict(table)).all()
    with pytest.raises(ValueError, match="all 2 series are that short"):
        fc.set_params(lookback=39).fit(table)


# Static covariates ----------------------------------------------------------------


def test_static_covariates_are_encoded_and_needed_for_every_series():
    table = stores({"a": 40, "b": 40, "c": 40})
    static = pd.DataFrame(
        {"size": [1.0, 2.0, 3.0], "region": ["north", "south", "north"]}, index=["a", "b", "c"]
    )
    fc = RNNForecaster(series_id="store", time="date", lookback=7, horizon=2, **TINY)
    fc.fit(table, static=static)
    assert fc.static_names_ == ["size", "region=north", "region=south"]
    assert fc.forecast().shape == (6, 3)
    with pytest.raises(ValueError, match="Series 'd' has no row in the static covariates"):
        fc.forecast(stores({"d": 20}))
    with pytest.raises(ValueError, match="Series 'c' has no row in the static covariates"):
        RNNForecaster(series_id="store", time="date", lookback=7, **TINY).fit(
            table, static=static[:2]
        )
    with pytest.raises(ValueError, match="'region' has the category 'east'"):
        fc.partial_fit(
            stores({"d": 20}), static=pd.DataFrame({"size": [1.0], "region": ["east"]}, index=["d"])
        )
    with pytest.raises(ValueError, match="static covariates are per series"):
        RNNForecaster(lookback=7, **TINY).fit(table["sales"], static=static)


def test_static_reaches_every_split_of_a_search_and_a_pipeline():
    table = stores({"a": 40, "b": 40, "c": 40}).sort_values(["date", "store"])
    static = pd.DataFrame({"size": [1.0, 2.0, 3.0]}, index=["a", "b", "c"])
    fc = RNNForecaster(series_id="store", time="date", lookback=5, horizon=2, **TINY)
    search = GridSearchCV(fc, {"hidden_size": [2, 4]}, cv=TimeSeriesSplit(2))
    search.fit(table, static=static)
    assert search.best_estimator_.static_names_ == ["size"]
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    pipe = make_pipeline(clone(fc)).fit(table, rnnforecaster__static=static)
    assert pipe.predict(table).shape == (120, 2)


@pytest.mark.parametrize(
    "static, match",
    [
        (np.ones((2, 1)), "static must be a pandas DataFrame indexed by series id"),
        (pd.DataFrame({"x": [1.0, np.nan]}, index=["a", "b"]), "'x' has missing values"),
        (pd.DataFrame({"x": [1.0, 2.0]}, index=["a", "a"]), "several rows for series 'a'"),
        (
            pd.DataFrame({"opened": pd.to_datetime(["2020", "2021"])}, index=["a", "b"]),
            "'opened' holds time stamps",
        ),
    ],
)
def test_bad_static_tables_are_named(static, match):
    with pytest.raises(ValueError, match=match):
        RNNForecaster(series_id="store", time="date", lookback=7, **TINY).fit(
            stores(), static=static
        )


@pytest.mark.slow
def test_the_network_reads_the_static_covariates():
    """Two series of the same noise, one shifted by 2 and flagged: from one same history,
    only the flag can tell them apart."""
    noise = np.random.RandomState(0).normal(size=300)
    table = pd.DataFrame(
        {"store": np.repeat(["a", "b"], 300), "sales": np.concatenate([noise, noise + 2.0])}
    )
    static = pd.DataFrame({"flag": [0.0, 1.0]}, index=["a", "b"])
    params = dict(series_id="store", lookback=1, horizon=1, normalize="global", hidden_size=8)
    fc = RNNForecaster(**params, max_iter=30, random_state=0).fit(table, static=static)
    same_history = pd.DataFrame({"store": ["a", "b"], "sales": [1.0, 1.0]})
    forecast = fc.forecast(same_history)["sales"].to_numpy()
    assert forecast[1] - forecast[0] > 1.0


# y ----------------------------------------------------------------------------------


def test_y_is_the_target_and_x_the_covariates():
    rng = np.random.RandomState(0)
    promo = pd.DataFrame({"promo": rng.randint(0, 2, 120).astype(float)})
    sales = pd.Series(5 + 3 * promo["promo"].shift(1, fill_value=0.0), name="sales")
    fc = RNNForecaster(lookback=4, horizon=1, **FAST).fit(promo, sales)
    assert fc.target_names_ == ["sales"]
    assert fc.n_features_in_ == 1
    assert fc.predict(promo).shape == (120, 1)
    assert np.isfinite(fc.score(promo, sales))
    assert isinstance(fc.forecast(), pd.Series)
    with pytest.raises(ValueError, match="fitted with y, so score needs y"):
        fc.score(promo)
    with pytest.raises(ValueError, match="pass y=None or target=None"):
        RNNForecaster(target="promo", **TINY).fit(promo, sales)
    with pytest.raises(ValueError, match="y has 10 rows, but X has 120"):
        RNNForecaster(lookback=4, **TINY).fit(promo, sales[:10])


# partial_fit and warm_start extend the history ---------------------------------------


def test_partial_fit_moves_the_forecast_origin_and_adds_new_series():
    table = stores({"a": 60, "b": 60})
    older = table.groupby("store").head(40)
    newer = table.drop(index=older.index)
    fc = RNNForecaster(series_id="store", time="date", lookback=7, horizon=2, **TINY)
    fc.fit(older)
    assert fc.forecast()["date"].iloc[0] == pd.Timestamp("2024-02-10")
    fc.partial_fit(newer)
    assert fc.forecast()["date"].iloc[0] == pd.Timestamp("2024-03-01")
    fc.partial_fit(stores({"c": 20}, start="2024-02-11"))
    forecast = fc.forecast()
    assert forecast["store"].unique().tolist() == ["a", "b", "c"]
    assert forecast.loc[forecast.store == "c", "date"].iloc[0] == pd.Timestamp("2024-03-02")


def test_warm_start_fit_on_newer_rows_forecasts_after_them():
    series = pd.Series(np.sin(np.arange(80) / 3), index=pd.RangeIndex(80))
    fc = RNNForecaster(lookback=6, horizon=2, warm_start=True, **TINY).fit(series[:50])
    fc.fit(series[50:])
    assert fc.forecast().index[0] == 80


# Columns that are no numbers ----------------------------------------------------------


@pytest.mark.parametrize(
    "column, values, match",
    [
        ("opened", pd.Timestamp("2020-01-01"), "Column 'opened' of X holds time stamps.*time="),
        ("region", "north", "Column 'region' of X is not numeric.*series_id=.*static"),
    ],
)
def test_non_numeric_columns_are_named(column, values, match):
    table = stores().assign(**{column: values})
    with pytest.raises(ValueError, match=match):
        RNNForecaster(series_id="store", time="date", **TINY).fit(table)


def test_numbers_as_strings_are_read():
    table = stores().assign(promo="1")
    fc = RNNForecaster(series_id="store", time="date", lookback=7, target="sales", **TINY)
    assert fc.fit(table).n_features_in_ == 2
