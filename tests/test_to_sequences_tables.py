"""Real long tables through to_sequences: labels from a column, irregular sampling, missing
readings, and the warnings against silent misuse of tables by the sequence estimators."""

import warnings

import numpy as np
import pandas as pd
import pytest
from _support import TINY

from sklearn_rnn import RNNClassifier, RNNRegressor, to_sequences


def sensor_panel(seed=0):
    """A sensor panel: entity, irregular time stamps, two readings (some missing), a label."""
    rng = np.random.RandomState(seed)
    rows = []
    for k, length in enumerate([4, 6, 3, 5, 4, 6]):
        gaps = rng.choice([60, 60, 120, 300], size=length)  # seconds between readings
        stamps = pd.Timestamp("2024-03-01") + pd.to_timedelta(np.cumsum(gaps), unit="s")
        for step, stamp in enumerate(stamps):
            rows.append(
                {
                    "entity_id": f"e{k}",
                    "timestamp": stamp,
                    "f1": rng.normal(),
                    "f2": np.nan if rng.rand() < 0.25 else rng.normal(),
                    "label": k % 2,
                    "phase": int(step >= length // 2),
                }
            )
    return pd.DataFrame(rows).sample(frac=1, random_state=seed).reset_index(drop=True)


def quiet_sequences(table, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return to_sequences(table, id="entity_id", time="timestamp", **kwargs)


# target= ------------------------------------------------------------------------------


def test_target_returns_one_label_per_entity_aligned_with_x():
    table = sensor_panel()
    X, y = quiet_sequences(table, target="label", features=["f1"], missing="keep")
    pd.testing.assert_index_equal(y.index, X.index)
    assert y.name == "label"
    expected = table.groupby("entity_id")["label"].first()
    np.testing.assert_array_equal(y.to_numpy(), expected.loc[X.index].to_numpy())
    assert all(list(steps.columns) == ["f1"] for steps in X)


def test_target_is_never_a_feature_and_the_rest_are():
    X, _ = quiet_sequences(sensor_panel().drop(columns="phase"), target="label", missing="keep")
    assert list(X.iloc[0].columns) == ["f1", "f2"]


def test_target_per_step_follows_the_time_order_of_every_entity():
    table = sensor_panel().drop(columns="label")
    X, y = quiet_sequences(table, target="phase", target_per_step=True, missing="keep")
    assert "phase" not in X.iloc[0].columns
    for entity, steps in X.items():
        rows = table[table["entity_id"] == entity].sort_values("timestamp")
        np.testing.assert_array_equal(y[entity], rows["phase"].to_numpy())
        assert len(y[entity]) == len(steps)
    tagger = RNNClassifier(**TINY, output="sequence", missing="mask").fit(X, y)
    assert [len(labels) for labels in tagger.predict(X)] == [len(steps) for steps in X]


def test_a_label_that_varies_within_an_entity_needs_target_per_step():
    with pytest.raises(
        ValueError, match=r"'phase' varies within entity_id 'e0' .*target_per_step=True"
    ):
        quiet_sequences(sensor_panel(), target="phase", features=["f1"], missing="keep")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(target="status"), r"target='status' is not a column"),
        (dict(target="label", features=["f1", "label"]), r"target='label' is also in features"),
        (dict(target="label", features="label"), r"target='label' is also in features"),
        (dict(target="entity_id"), r"is also the id or time column"),
    ],
)
def test_bad_targets_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        to_sequences(sensor_panel(), id="entity_id", time="timestamp", missing="keep", **kwargs)


def test_a_missing_label_is_an_error_naming_the_entity():
    table = sensor_panel().sort_values(["entity_id", "timestamp"]).reset_index(drop=True)
    table["label"] = table["label"].astype(float)
    table.loc[0, "label"] = np.nan
    with pytest.raises(
        ValueError, match=r"'label' is missing in 1 row\(s\), e.g. for entity_id 'e0'"
    ):
        quiet_sequences(table, target="label", missing="keep")


def test_a_column_named_like_a_label_warns_when_it_would_become_a_feature():
    table = sensor_panel().drop(columns="phase")
    with pytest.warns(UserWarning, match=r"\['label'\].*named like labels.*target='label'"):
        to_sequences(table, id="entity_id", time="timestamp", missing="keep")
    quiet_sequences(table, features=["f1", "f2"], missing="keep")  # chosen: no warning
    quiet_sequences(table, target="label", missing="keep")


# elapsed= ---------------------------------------------------------------------------


def test_elapsed_is_the_seconds_since_the_entity_s_previous_reading():
    table = sensor_panel()
    X = quiet_sequences(table, features=["f1"], elapsed=True)
    for entity, steps in X.items():
        assert list(steps.columns) == ["f1", "elapsed"]
        stamps = table[table["entity_id"] == entity]["timestamp"].sort_values()
        expected = stamps.diff().dt.total_seconds().fillna(0).to_numpy()
        np.testing.assert_array_equal(steps["elapsed"].to_numpy(), expected)
        assert steps["elapsed"].iloc[0] == 0


def test_elapsed_of_a_numeric_time_is_in_its_units():
    table = pd.DataFrame(
        {"id": ["a", "a", "a", "b", "b"], "t": [0.0, 1.5, 4.0, 2.0, 2.5], "x": np.arange(5.0)}
    )
    X = to_sequences(table, id="id", time="t", elapsed=True)
    np.testing.assert_array_equal(X["a"]["elapsed"], [0.0, 1.5, 2.5])
    np.testing.assert_array_equal(X["b"]["elapsed"], [0.0, 0.5])


@pytest.mark.parametrize(
    "table, kwargs, message",
    [
        (
            pd.DataFrame({"id": ["a", "b"], "x": [1.0, 2.0]}),
            dict(id="id"),
            "elapsed=True measures the time between readings, so it needs time=",
        ),
        (
            pd.DataFrame({"id": ["a", "a"], "t": ["mon", "tue"], "x": [1.0, 2.0]}),
            dict(id="id", time="t"),
            r"time 't' holds \w+ values.*pd.to_datetime",
        ),
        (
            pd.DataFrame({"id": ["a", "a"], "t": [1, 2], "elapsed": [1.0, 2.0]}),
            dict(id="id", time="t"),
            "already has a feature column 'elapsed'",
        ),
    ],
)
def test_bad_elapsed_requests_are_rejected(table, kwargs, message):
    with pytest.raises(ValueError, match=message):
        to_sequences(table, elapsed=True, **kwargs)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(missing="drop"), "missing must be 'error' or 'keep'"),
        (dict(elapsed="yes"), "elapsed must be True or False"),
        (dict(target_per_step=1), "target_per_step must be True or False"),
    ],
)
def test_bad_options_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        to_sequences(sensor_panel(), id="entity_id", time="timestamp", **kwargs)


# missing= ---------------------------------------------------------------------------


def test_missing_readings_are_an_error_naming_the_column_unless_kept():
    table = sensor_panel()
    with pytest.raises(
        ValueError, match=r"NaN in feature column\(s\) \['f2'\]; pass missing='keep'"
    ):
        to_sequences(table, id="entity_id", time="timestamp", features=["f1", "f2"])
    X = quiet_sequences(table, features=["f1", "f2"], missing="keep")
    assert np.isnan(np.concatenate([steps["f2"].to_numpy() for steps in X])).any()


def test_a_sensor_panel_with_gaps_fits_in_a_few_lines():
    X, y = quiet_sequences(
        sensor_panel(), target="label", features=["f1", "f2"], elapsed=True, missing="keep"
    )
    clf = RNNClassifier(**TINY, missing="mask").fit(X, y)
    np.testing.assert_array_equal(clf.feature_names_in_, ["f1", "f2", "elapsed"])
    np.testing.assert_array_equal(clf.missing_indicators_, [1])
    assert clf.predict(X).shape == (len(X),)


# A 2-D DataFrame with named columns given to a sequence estimator --------------------------


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
def test_a_table_of_named_features_warns_that_rows_are_read_as_sequences(Estimator):
    table = sensor_panel()[["f1", "phase"]].iloc[:8]
    y = np.arange(8) % 2
    with pytest.warns(UserWarning, match=r"columns \[f1, phase\].*one univariate sequence per row"):
        Estimator(**TINY).fit(table, y if Estimator is RNNClassifier else y.astype(float))


@pytest.mark.parametrize(
    "columns",
    [
        [0, 1, 2, 3],
        ["0", "1", "2", "3"],
        ["t0", "t1", "t2", "t3"],
        ["col_0", "col_1", "col_2", "col_3"],
        pd.date_range("2024-01-01", periods=4),
        ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"],
    ],
)
def test_tables_with_step_like_columns_and_arrays_do_not_warn(columns):
    rng = np.random.RandomState(0)
    values = rng.normal(size=(8, 4))
    y = np.arange(8) % 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        RNNClassifier(**TINY).fit(pd.DataFrame(values, columns=columns), y)
        RNNClassifier(**TINY).fit(values, y)
