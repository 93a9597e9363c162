"""pandas friendliness: long tables to sequences, pandas output, feature names, time indexes."""

import warnings

import numpy as np
import pandas as pd
import pytest
from _support import TINY
from sklearn.model_selection import train_test_split

from sklearn_rnn import RNNClassifier, RNNForecaster, RNNRegressor, to_sequences
from sklearn_rnn.datasets import load_airline


def make_long_table(n_entities=12, seed=0):
    """A long table (sensor_id, timestamp, f1, f2), rows shuffled, and one label per sensor.

    Returns the shuffled table, the same rows sorted by sensor and time, and
    the labels (1 when the sensor's first reading of f1 is positive) as a
    Series indexed by sensor id, in another order.
    """
    rng = np.random.RandomState(seed)
    pieces, labels = [], {}
    for k in range(n_entities):
        sensor = f"s{k:02d}"
        length = rng.randint(3, 8)
        start = pd.Timestamp("2024-01-01") + pd.Timedelta(hours=int(rng.randint(0, 24)))
        readings = rng.normal(size=(length, 2))
        labels[sensor] = int(readings[0, 0] > 0)
        pieces.append(
            pd.DataFrame(
                {
                    "sensor_id": sensor,
                    "timestamp": pd.date_range(start, periods=length, freq="h"),
                    "f1": readings[:, 0],
                    "f2": readings[:, 1],
                }
            )
        )
    ordered = pd.concat(pieces, ignore_index=True)
    shuffled = ordered.sample(frac=1, random_state=seed).reset_index(drop=True)
    return shuffled, ordered, pd.Series(labels).sample(frac=1, random_state=seed)


def assert_same_sequences(X, expected):
    pd.testing.assert_index_equal(X.index, expected.index)
    for left, right in zip(X, expected, strict=True):
        pd.testing.assert_frame_equal(left, right)


# to_sequences -------------------------------------------------------------------


def test_entities_in_sorted_order_and_steps_in_time_order():
    table, ordered, _ = make_long_table()
    X = to_sequences(table, id="sensor_id", time="timestamp")
    assert isinstance(X, pd.Series)
    assert X.index.name == "sensor_id"
    assert X.index.tolist() == sorted(table["sensor_id"].unique())
    assert table["sensor_id"].iloc[0] != X.index[0]  # not the order of first appearance
    for sensor, steps in X.items():
        rows = ordered[ordered["sensor_id"] == sensor]
        assert list(steps.columns) == ["f1", "f2"]
        assert steps.index.name == "timestamp"
        assert steps.index.is_monotonic_increasing
        np.testing.assert_array_equal(steps.index, rows["timestamp"])
        np.testing.assert_array_equal(steps.to_numpy(), rows[["f1", "f2"]].to_numpy())
        assert steps.dtypes.eq(np.float64).all()


def test_row_order_does_not_matter():
    table, ordered, _ = make_long_table()
    assert_same_sequences(
        to_sequences(table, id="sensor_id", time="timestamp"),
        to_sequences(ordered, id="sensor_id", time="timestamp"),
    )


def test_ids_align_labels():
    table, _, labels = make_long_table()
    X = to_sequences(table, id="sensor_id", time="timestamp")
    y = labels.loc[X.index]
    for sensor, steps in X.items():
        assert y[sensor] == int(steps["f1"].iloc[0] > 0)


def test_numeric_ids_and_times_sort_numerically():
    table = pd.DataFrame({"id": [10, 9, 10, 9], "t": [2, 10, 1, 2], "x": [1.0, 2.0, 3.0, 4.0]})
    X = to_sequences(table, id="id", time="t")
    assert X.index.tolist() == [9, 10]
    assert X[9]["x"].tolist() == [4.0, 2.0]
    assert X[10]["x"].tolist() == [3.0, 1.0]


def test_multiindex_input():
    table, _, _ = make_long_table()
    expected = to_sequences(table, id="sensor_id", time="timestamp")
    indexed = table.set_index(["sensor_id", "timestamp"])
    assert_same_sequences(to_sequences(indexed), expected)
    # levels named explicitly, in either order
    swapped = table.set_index(["timestamp", "sensor_id"])
    assert_same_sequences(to_sequences(swapped, id="sensor_id", time="timestamp"), expected)
    # a Series with an (entity, time) MultiIndex is one feature
    one = to_sequences(indexed["f2"])
    assert_same_sequences(one, expected.map(lambda steps: steps[["f2"]]))


def test_mixed_column_and_index_level():
    table, _, _ = make_long_table()
    expected = to_sequences(table, id="sensor_id", time="timestamp")
    by_time = table.set_index("timestamp")
    assert_same_sequences(to_sequences(by_time, id="sensor_id", time="timestamp"), expected)


def test_time_none_keeps_the_row_order():
    table = pd.DataFrame({"id": ["b", "a", "b", "a"], "x": [1.0, 2.0, 3.0, 4.0]})
    X = to_sequences(table, id="id")
    assert X.index.tolist() == ["a", "b"]
    assert X["a"]["x"].tolist() == [2.0, 4.0]
    assert X["a"].index.tolist() == [1, 3]  # the rows' labels in the table
    assert X["b"]["x"].tolist() == [1.0, 3.0]


def test_feature_selection():
    table, _, _ = make_long_table()
    table["note"] = "ok"  # not numeric, but not selected
    X = to_sequences(table, id="sensor_id", time="timestamp", features=["f2", "f1"])
    assert all(list(steps.columns) == ["f2", "f1"] for steps in X)
    single = to_sequences(table, id="sensor_id", time="timestamp", features="f2")
    assert all(list(steps.columns) == ["f2"] for steps in single)


def test_int_bool_and_nullable_features_become_float():
    table = pd.DataFrame(
        {
            "id": [1, 1, 2],
            "t": [1, 2, 1],
            "count": pd.array([3, 4, 5], dtype="Int64"),
            "flag": [True, False, True],
            "level": pd.array([0.5, 1.5, 2.5], dtype="Float64"),
        }
    )
    X = to_sequences(table, id="id", time="t")
    np.testing.assert_array_equal(X[1].to_numpy(), [[3, 1, 0.5], [4, 0, 1.5]])
    assert X[1].dtypes.eq(np.float64).all()


def frame(**columns):
    base = {"id": ["a", "a", "b"], "t": [1, 2, 1], "x": [1.0, 2.0, 3.0]}
    return pd.DataFrame({**base, **columns})


BAD_TABLES = [
    (dict(data=frame(), id="sensor", time="t"), ValueError, "id='sensor' is neither a column"),
    (dict(data=frame(), id="id", time="when"), ValueError, "time='when' is neither a column"),
    (dict(data=frame(), time="t"), ValueError, "id is required"),
    (
        dict(data=frame(), id="id", time="t", features=["x", "y", "z"]),
        ValueError,
        r"features names columns \['y', 'z'\] that are not in the table",
    ),
    (dict(data=frame(), id="id", time="t", features=[]), ValueError, "features is empty"),
    (
        dict(data=frame(color=["red", "blue", "red"]), id="id", time="t"),
        ValueError,
        r"Feature columns \['color'\] are not numeric",
    ),
    (
        dict(data=frame(kind=pd.Categorical([1, 2, 1])), id="id", time="t"),
        ValueError,
        r"Feature columns \['kind'\] are not numeric",
    ),
    (
        dict(data=frame(t=[1, 1, 1]), id="id", time="t"),
        ValueError,
        r"1 duplicated \(id, t\) pair\(s\), e.g. \('a', 1\)",
    ),
    (
        dict(data=frame(z=[0.0, np.nan, 1.0]), id="id", time="t"),
        ValueError,
        r"Input contains NaN in feature column\(s\) \['z'\]; pass missing='keep'",
    ),
    (
        dict(data=frame(z=pd.array([1, None, 2], dtype="Int64")), id="id", time="t"),
        ValueError,
        r"Input contains NaN in feature column\(s\) \['z'\]",
    ),
    (
        dict(data=frame(z=[0.0, np.inf, 1.0]), id="id", time="t", missing="keep"),
        ValueError,
        r"Input contains infinity in feature column\(s\) \['z'\]",
    ),
    (dict(data=frame(id=["a", None, "b"]), id="id", time="t"), ValueError, "id 'id' has missing"),
    (
        dict(data=frame(t=pd.to_datetime(["2024", None, "2024"])), id="id", time="t"),
        ValueError,
        "time 't' has missing",
    ),
    (dict(data=frame(), id="id", time="id"), ValueError, "id and time must differ"),
    (dict(data=frame()[["id", "t"]], id="id", time="t"), ValueError, "no feature columns"),
    (dict(data=frame().iloc[:0], id="id", time="t"), ValueError, "empty table"),
    (
        dict(data=frame().set_index(["id", "t", "x"])),
        ValueError,
        "MultiIndex has 3 levels",
    ),
    (dict(data=np.ones((3, 3)), id=0, time=1), TypeError, "expects a pandas DataFrame"),
]


@pytest.mark.parametrize("kwargs, error, message", BAD_TABLES)
def test_bad_tables_are_rejected(kwargs, error, message):
    with pytest.raises(error, match=message):
        to_sequences(**kwargs)


def test_fit_on_a_long_table_end_to_end():
    table, _, labels = make_long_table(n_entities=20)
    X = to_sequences(table, id="sensor_id", time="timestamp")
    y = labels.loc[X.index]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=5, random_state=0)
    clf = RNNClassifier(**TINY).fit(X_train, y_train)
    np.testing.assert_array_equal(clf.feature_names_in_, ["f1", "f2"])
    assert clf.predict(X_test).shape == (5,)
    assert 0 <= clf.score(X_test, y_test) <= 1
    frames = clf.set_output(transform="pandas").transform(X_test)
    pd.testing.assert_index_equal(frames.index, X_test.index)  # the sensor ids
    # the same data as arrays gives the same model
    arrays = [steps.to_numpy() for steps in X_train]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plain = RNNClassifier(**TINY).fit(arrays, y_train.to_numpy())
    np.testing.assert_array_equal(
        plain.predict_proba([steps.to_numpy() for steps in X_test]), clf.predict_proba(X_test)
    )


def test_columns_in_another_order_are_caught_at_predict():
    table, _, labels = make_long_table()
    X = to_sequences(table, id="sensor_id", time="timestamp")
    clf = RNNClassifier(**TINY).fit(X, labels.loc[X.index])
    reordered = to_sequences(
        table[["f2", "sensor_id", "f1", "timestamp"]], id="sensor_id", time="timestamp"
    )
    with pytest.raises(ValueError, match="feature names should match"):
        clf.predict(reordered)


# pandas in and out of the sequence estimators ----------------------------------


def series_of_sequences(seed=0, n_samples=12):
    rng = np.random.RandomState(seed)
    sequences = [rng.normal(size=(rng.randint(3, 8), 2)) for _ in range(n_samples)]
    index = pd.Index([f"id{k}" for k in range(n_samples)], name="entity")
    return pd.Series(sequences, index=index), np.array([0, 1] * (n_samples // 2))


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
def test_pandas_transform_output_keeps_the_index_of_a_series_of_sequences(Estimator):
    X, y = series_of_sequences()
    est = Estimator(**TINY).set_output(transform="pandas")
    frame = est.fit(X, y).transform(X)
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == list(est.get_feature_names_out())
    pd.testing.assert_index_equal(frame.index, X.index)
    np.testing.assert_array_equal(
        frame.to_numpy(), est.set_output(transform="default").transform(list(X))
    )
    fitted = Estimator(**TINY).set_output(transform="pandas").fit_transform(X, y)
    pd.testing.assert_frame_equal(fitted, frame)


def test_pandas_transform_output_of_a_dataframe_of_univariate_sequences():
    rng = np.random.RandomState(0)
    index = pd.date_range("2024-01-01", periods=12, freq="D", name="day")
    X = pd.DataFrame(rng.normal(size=(12, 5)), index=index, columns=[f"t{k}" for k in range(5)])
    y = np.array([0, 1] * 6)
    clf = RNNClassifier(**TINY).set_output(transform="pandas").fit(X, y)
    frame = clf.transform(X)
    pd.testing.assert_index_equal(frame.index, X.index)
    # a 2-D table follows scikit-learn's contract: its columns are the features
    assert clf.n_features_in_ == 5
    np.testing.assert_array_equal(clf.feature_names_in_, X.columns)


def test_pandas_transform_output_of_arrays_has_a_range_index():
    X, y = series_of_sequences()
    clf = RNNClassifier(**TINY).set_output(transform="pandas").fit(list(X), y)
    pd.testing.assert_index_equal(clf.transform(list(X)).index, pd.RangeIndex(12))


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
def test_feature_names_from_a_series_of_dataframes(Estimator):
    X, y = series_of_sequences()
    frames = X.map(lambda steps: pd.DataFrame(steps, columns=["speed", "heat"]))
    est = Estimator(**TINY).fit(frames, y)
    np.testing.assert_array_equal(est.feature_names_in_, ["speed", "heat"])
    assert est.feature_names_in_.dtype == object
    np.testing.assert_array_equal(
        est.get_feature_names_out(["speed", "heat"]), est.get_feature_names_out()
    )
    with pytest.raises(ValueError, match="input_features is not equal to feature_names_in_"):
        est.get_feature_names_out(["heat", "speed"])


# RNNForecaster and time indexes -------------------------------------------------

FORECASTER = dict(lookback=12, horizon=3, **TINY)


def test_forecast_continues_a_datetime_index():
    y = load_airline()
    forecast = RNNForecaster(**FORECASTER).fit(y[:100]).forecast()
    assert isinstance(forecast, pd.Series)
    assert forecast.name == "passengers"
    expected = pd.date_range("1957-05-01", periods=3, freq="MS", name="month")
    pd.testing.assert_index_equal(forecast.index, expected)


def test_forecast_from_a_given_history_continues_its_index():
    y = load_airline()
    forecaster = RNNForecaster(**FORECASTER).fit(y[:100])
    forecast = forecaster.forecast(y[:120])
    pd.testing.assert_index_equal(
        forecast.index, pd.date_range("1959-01-01", periods=3, freq="MS", name="month")
    )


def test_forecast_of_several_targets_is_a_dataframe():
    y = load_airline()
    table = pd.DataFrame({"a": y, "b": y.to_numpy()[::-1]}, index=y.index)
    forecast = RNNForecaster(**FORECASTER).fit(table).forecast()
    assert isinstance(forecast, pd.DataFrame)
    assert list(forecast.columns) == ["a", "b"]
    pd.testing.assert_index_equal(
        forecast.index, pd.date_range("1961-01-01", periods=3, freq="MS", name="month")
    )


def test_forecast_infers_a_missing_frequency():
    y = load_airline()
    y.index = pd.DatetimeIndex(list(y.index), name="month")  # no freq set
    assert y.index.freq is None
    forecast = RNNForecaster(**FORECASTER).fit(y).forecast()
    pd.testing.assert_index_equal(
        forecast.index, pd.date_range("1961-01-01", periods=3, freq="MS", name="month")
    )


def test_forecast_of_many_series_is_a_long_dataframe():
    y = load_airline()
    long = pd.concat(
        [
            pd.DataFrame({"route": "A", "passengers": y}),
            pd.DataFrame({"route": "B", "passengers": 2 * y}),
        ]
    )
    forecast = RNNForecaster(**FORECASTER, series_id="route").fit(long).forecast()
    assert list(forecast.columns) == ["route", "month", "passengers"]
    assert forecast["route"].tolist() == ["A"] * 3 + ["B"] * 3
    months = pd.date_range("1961-01-01", periods=3, freq="MS")
    assert forecast["month"].tolist() == [*months, *months]


def test_forecaster_pandas_transform_output_keeps_the_time_index():
    y = load_airline()
    forecaster = RNNForecaster(**FORECASTER).set_output(transform="pandas").fit(y[:100])
    frame = forecaster.transform(y[100:])
    pd.testing.assert_index_equal(frame.index, y.index[100:])
    assert list(frame.columns) == list(forecaster.get_feature_names_out())


def test_forecast_continues_a_period_index_with_its_name():
    y = load_airline().to_period("M")
    assert y.index.name == "month"
    forecast = RNNForecaster(**FORECASTER).fit(y).forecast()
    pd.testing.assert_index_equal(
        forecast.index, pd.period_range("1961-01", periods=3, freq="M", name="month")
    )


def test_predict_on_pandas_is_an_array_aligned_with_the_rows():
    # predict keeps scikit-learn's contract (an ndarray, row t = forecast from row t);
    # forecast() is the method that returns pandas objects with a time index.
    y = load_airline()
    forecaster = RNNForecaster(**FORECASTER).fit(y[:100])
    predicted = forecaster.predict(y[100:])
    assert isinstance(predicted, np.ndarray)
    assert predicted.shape == (44, 3)
    np.testing.assert_allclose(
        predicted[-1], forecaster.forecast(y[100:]).to_numpy(), rtol=1e-5
    )


def test_forecaster_records_the_columns_of_a_dataframe():
    y = load_airline()
    table = pd.DataFrame({"passengers": y, "month_of_year": y.index.month}, index=y.index)
    forecaster = RNNForecaster(**FORECASTER, target="passengers").fit(table)
    np.testing.assert_array_equal(forecaster.feature_names_in_, ["passengers", "month_of_year"])
    series_fit = RNNForecaster(**FORECASTER).fit(y)
    assert not hasattr(series_fit, "feature_names_in_")  # a Series names no features
