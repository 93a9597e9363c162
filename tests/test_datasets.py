"""The table generators of sklearn_rnn.datasets: shapes, dtypes, the irregularities they
promise (missing readings, gaps, a late store) and determinism."""

import numpy as np
import pandas as pd
import pytest

from sklearn_rnn import to_sequences
from sklearn_rnn.datasets import make_sensor_panel, make_store_sales

CHANNELS = ["f1", "f2", "f3", "f4", "f5"]


# make_sensor_panel ----------------------------------------------------------------


def test_sensor_panel_columns_dtypes_and_sizes():
    panel = make_sensor_panel(10, min_readings=5, max_readings=9, random_state=0)
    assert panel.columns.tolist() == ["entity_id", "timestamp", *CHANNELS, "label"]
    assert pd.api.types.is_datetime64_any_dtype(panel["timestamp"])
    assert all(panel[c].dtype == np.float64 for c in CHANNELS)
    assert pd.api.types.is_string_dtype(panel["entity_id"])
    assert set(panel["label"]) == {"normal", "faulty"}
    readings = panel.groupby("entity_id").size()
    assert len(readings) == 10
    assert readings.between(5, 9).all()
    assert readings.nunique() > 1
    assert panel["entity_id"].iloc[0] == "m01"


def test_sensor_panel_has_half_faulty_entities_with_one_label_each():
    panel = make_sensor_panel(11, min_readings=3, max_readings=4, random_state=0)
    labels = panel.groupby("entity_id")["label"]
    assert (labels.nunique() == 1).all()
    assert (labels.first() == "faulty").sum() == 5


def test_sensor_panel_is_sorted_and_sampled_irregularly():
    panel = make_sensor_panel(8, min_readings=30, max_readings=30, random_state=0)
    assert panel["entity_id"].is_monotonic_increasing
    steps = panel.groupby("entity_id")["timestamp"].diff().dropna()
    assert (steps > pd.Timedelta(0)).all()
    assert steps.nunique() > len(steps) // 2
    assert panel.groupby("entity_id")["timestamp"].min().nunique() == 8


@pytest.mark.parametrize("rate", [0.0, 0.05, 0.2])
def test_sensor_panel_missing_rate(rate):
    panel = make_sensor_panel(
        40, min_readings=100, max_readings=100, missing_rate=rate, random_state=0
    )
    found = panel[CHANNELS].isna().to_numpy().mean()
    assert found == pytest.approx(rate, abs=0.25 * rate + 1e-12)


def test_sensor_panel_misses_readings_in_bursts():
    panel = make_sensor_panel(
        20, min_readings=100, max_readings=100, missing_rate=0.1, random_state=0
    )
    missing = panel[CHANNELS].isna().to_numpy()
    runs_of_three = missing[:-2] & missing[1:-1] & missing[2:]
    # independent misses at 10 % would give runs of three at 0.1 % of positions
    assert runs_of_three.mean() > 0.01


def test_sensor_panel_reaches_to_sequences_with_kept_nan():
    panel = make_sensor_panel(6, min_readings=20, max_readings=30, random_state=0)
    X, y = to_sequences(
        panel, id="entity_id", time="timestamp", target="label", elapsed=True, missing="keep"
    )
    assert len(X) == len(y) == 6
    assert X.iloc[0].columns.tolist() == [*CHANNELS, "elapsed"]
    assert any(s.isna().to_numpy().any() for s in X)


def test_sensor_panel_is_deterministic():
    first = make_sensor_panel(5, min_readings=10, max_readings=20, random_state=3)
    pd.testing.assert_frame_equal(
        first, make_sensor_panel(5, min_readings=10, max_readings=20, random_state=3)
    )
    other = make_sensor_panel(5, min_readings=10, max_readings=20, random_state=4)
    assert not first.equals(other)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_entities": 0}, "n_entities must be an integer >= 1"),
        ({"min_readings": 1}, "min_readings must be an integer >= 2"),
        ({"min_readings": 10, "max_readings": 5}, "min_readings must not exceed max_readings"),
        ({"missing_rate": 1.0}, r"missing_rate must be a number in \[0, 1\)"),
        ({"noise": -1.0}, "noise must be a number >= 0"),
    ],
)
def test_sensor_panel_bad_parameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_sensor_panel(**kwargs)


# make_store_sales -----------------------------------------------------------------


def test_store_sales_columns_and_dtypes():
    sales, stores = make_store_sales(4, n_days=60, late_store_days=20, random_state=0)
    assert sales.columns.tolist() == ["store", "date", "sales", "promo", "holiday"]
    assert pd.api.types.is_datetime64_any_dtype(sales["date"])
    assert all(sales[c].dtype == np.int64 for c in ["sales", "promo", "holiday"])
    assert (sales["sales"] >= 0).all()
    assert set(sales["promo"]) <= {0, 1} and set(sales["holiday"]) <= {0, 1}
    assert stores.index.name == "store"
    assert stores.index.tolist() == ["S01", "S02", "S03", "S04"]
    assert stores["size"].dtype == np.float64
    assert isinstance(stores["region"].dtype, pd.CategoricalDtype)
    assert set(stores.index) == set(sales["store"])


def test_store_sales_rows_late_store_and_missing_days():
    sales, _ = make_store_sales(5, n_days=100, late_store_days=30, n_missing_days=4, random_state=0)
    assert len(sales) == 4 * 100 + 30 - 4
    first, last = sales.groupby("store")["date"].min(), sales.groupby("store")["date"].max()
    days = pd.date_range("2023-01-01", periods=100, freq="D")
    assert (first.iloc[:-1] == days[0]).all() and first.iloc[-1] == days[-30]
    assert (last == days[-1]).all()
    expected = (last - first).dt.days + 1
    assert (expected - sales.groupby("store").size()).sum() == 4
    assert not sales.duplicated(["store", "date"]).any()


def test_store_sales_without_late_store_or_missing_days():
    sales, _ = make_store_sales(
        3, n_days=50, late_store_days=None, n_missing_days=0, random_state=0
    )
    assert len(sales) == 150
    assert (sales.groupby("store")["date"].min() == pd.Timestamp("2023-01-01")).all()


def test_store_sales_holidays_are_shared_calendar_dates():
    sales, _ = make_store_sales(
        3, n_days=366, late_store_days=None, n_missing_days=0, random_state=0
    )
    holidays = sales.loc[sales["holiday"] == 1, "date"]
    assert set(holidays.dt.strftime("%m-%d")) >= {"01-01", "12-25"}
    assert holidays.value_counts().eq(3).all()


def test_store_sales_promotions_lift_and_weekend_season():
    sales, _ = make_store_sales(6, n_days=365, late_store_days=None, random_state=0)
    ordinary = sales[sales["holiday"] == 0]
    relative = ordinary["sales"] / ordinary.groupby("store")["sales"].transform("median")
    assert relative[ordinary["promo"] == 1].mean() > 1.2 * relative[ordinary["promo"] == 0].mean()
    by_day = relative.groupby(ordinary["date"].dt.day_of_week).mean()
    assert by_day.idxmax() == 5 and by_day.idxmin() == 6  # Saturday, Sunday


def test_store_sales_size_scales_the_level():
    sales, stores = make_store_sales(40, n_days=28, late_store_days=None, random_state=0)
    level = sales.groupby("store")["sales"].mean()
    assert np.corrcoef(level, stores.loc[level.index, "size"])[0, 1] > 0.8


def test_store_sales_is_deterministic():
    first = make_store_sales(3, n_days=40, late_store_days=10, random_state=1)
    second = make_store_sales(3, n_days=40, late_store_days=10, random_state=1)
    for a, b in zip(first, second, strict=True):
        pd.testing.assert_frame_equal(a, b)
    assert not first[0].equals(
        make_store_sales(3, n_days=40, late_store_days=10, random_state=2)[0]
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_stores": 0}, "n_stores must be an integer >= 1"),
        ({"n_days": 1}, "n_days must be an integer >= 2"),
        ({"n_days": 10, "late_store_days": 11}, "late_store_days must not exceed n_days"),
        ({"n_stores": 1, "late_store_days": 5}, "needs n_stores >= 2"),
        ({"n_missing_days": -1}, "n_missing_days must be an integer >= 0"),
        (
            {"n_stores": 2, "n_days": 4, "late_store_days": None, "n_missing_days": 5},
            "n_missing_days=5 exceeds the 4 rows",
        ),
    ],
)
def test_store_sales_bad_parameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_store_sales(**kwargs)
