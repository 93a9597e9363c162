"""The time index of a forecaster's tables: its order, its continuation and its storage.

A pandas index on the input (``DatetimeIndex``, ``PeriodIndex`` or integers)
must increase within every series; ``forecast`` continues it over the horizon,
inferring the frequency of a ``DatetimeIndex`` that has none; fitted
forecasters store it as numpy arrays and strings, which skops can read.
"""

import warnings

import pandas as pd
from pandas.tseries.frequencies import to_offset

TIME_INDEXES = (pd.DatetimeIndex, pd.PeriodIndex)


def check_time_index(table):
    """Raise for duplicated or decreasing time stamps within a series of ``table``.

    Only a time index (datetime, period or integer) is checked.
    """
    index = table.index
    is_integer = index is not None and pd.api.types.is_integer_dtype(index)
    if not (isinstance(index, TIME_INDEXES) or is_integer):
        return
    for sid, rows in table.segments():
        series_index = index[rows]
        where = "" if sid is None else f" of series {sid!r}"
        if series_index.has_duplicates:
            raise ValueError(f"The time index{where} has duplicated time stamps.")
        if not series_index.is_monotonic_increasing:
            raise ValueError(f"The time index{where} is not increasing; sort X by time first.")


def continue_index(index, horizon):
    """The ``horizon`` time stamps after ``index`` (a continued RangeIndex without one)."""
    if index is None:
        return pd.RangeIndex(horizon)
    if isinstance(index, pd.PeriodIndex):
        return pd.period_range(index[-1] + 1, periods=horizon, freq=index.freq, name=index.name)
    if isinstance(index, pd.DatetimeIndex):
        freq = _frequency(index)
        if freq is None:
            raise ValueError(
                "The time index has no regular frequency, so forecast cannot continue it; "
                "set one (e.g. X.asfreq('MS')) or use a RangeIndex."
            )
        return pd.date_range(index[-1], periods=horizon + 1, freq=freq)[1:].rename(index.name)
    if pd.api.types.is_integer_dtype(index) and len(index) >= 1:
        step = int(index[-1] - index[-2]) if len(index) >= 2 else 1
        return pd.RangeIndex(
            index[-1] + step, index[-1] + step * (horizon + 1), step, name=index.name
        )
    return pd.RangeIndex(horizon)


def check_continues(given, history_index, horizon):
    """Raise unless the time index ``given`` (of X_future) continues ``history_index``."""
    if not (isinstance(given, TIME_INDEXES) and isinstance(history_index, TIME_INDEXES)):
        return
    expected = continue_index(history_index, horizon)
    if not given.equals(expected):
        raise ValueError(
            "X_future's time index must continue the history: expected "
            f"{list(expected.astype(str))}, got {list(given.astype(str))}."
        )


def _frequency(index):
    if index.freq is not None:
        return index.freq
    if len(index) < 3:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas 3.1 announces a change of return type
        inferred = pd.infer_freq(index)
    return None if inferred is None else to_offset(inferred)


def encode_index(index):
    """``index`` as numpy arrays and strings (None stays None), for pickle and skops."""
    if index is None:
        return None
    if isinstance(index, pd.DatetimeIndex):
        tz = None if index.tz is None else str(index.tz)
        values = index if tz is None else index.tz_convert("UTC").tz_localize(None)
        return {
            "kind": "datetime",
            "values": values.to_numpy(),
            "tz": tz,
            "freq": index.freqstr,
            "name": index.name,
        }
    if isinstance(index, pd.PeriodIndex):
        return {"kind": "period", "values": index.asi8, "freq": index.freqstr, "name": index.name}
    return {"kind": "other", "values": index.to_numpy(), "name": index.name}


def decode_index(encoded):
    """The index that :func:`encode_index` stored."""
    if encoded is None:
        return None
    if encoded["kind"] == "datetime":
        index = pd.DatetimeIndex(encoded["values"], name=encoded["name"])
        if encoded["tz"] is not None:
            index = index.tz_localize("UTC").tz_convert(encoded["tz"])
        return pd.DatetimeIndex(index, freq=encoded["freq"])
    if encoded["kind"] == "period":
        index = pd.PeriodIndex.from_ordinals(encoded["values"], freq=encoded["freq"])
        return index.rename(encoded["name"])
    return pd.Index(encoded["values"], name=encoded["name"])
