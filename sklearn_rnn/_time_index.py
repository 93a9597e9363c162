"""The time index of a forecaster's tables: order, frequency, gaps, continuation, storage.

A pandas index on the input (``DatetimeIndex``, ``PeriodIndex`` or integers),
or the ``time`` column, must increase within every series. The stamps of
datetimes, periods and ``time`` columns have a frequency (inferred per series,
or given) whose grid every series must follow: :func:`series_gaps` finds the
stamps missing from it. ``forecast`` continues the index over the horizon;
fitted forecasters store it as numpy arrays and strings, which skops can read.
"""

import warnings
from collections import Counter

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

TIME_INDEXES = (pd.DatetimeIndex, pd.PeriodIndex)

# Runs of consecutive stamps read to infer the frequency of a series with gaps.
RUN_LENGTH = 5
MAX_RUNS = 50


def check_time_index(table):
    """Raise for duplicated or decreasing time stamps within a series of ``table``.

    Only a time index (datetime, period or integer) or a ``time`` column is checked.
    """
    index = table.index
    is_integer = index is not None and pd.api.types.is_integer_dtype(index)
    if not (isinstance(index, TIME_INDEXES) or is_integer or table.time_column is not None):
        return
    label = "time index" if table.time_column is None else f"time column {table.time_column!r}"
    for sid, rows in table.segments():
        series_index = index[rows]
        where = "" if sid is None else f" of series {sid!r}"
        if series_index.has_duplicates:
            first = series_index[series_index.duplicated()][0]
            raise ValueError(
                f"The {label}{where} has duplicated time stamps, e.g. {first}; every series "
                "needs at most one row per time stamp."
            )
        if not series_index.is_monotonic_increasing:
            raise ValueError(
                f"The {label}{where} is not increasing; sort X by time first "
                f"({_sort_advice(table)})."
            )


def _sort_advice(table):
    if table.time_column is None:
        return "X.sort_index(kind='stable')"
    keys = [key for key in (table.series_name, table.time_column) if key is not None]
    return f"X.sort_values({keys!r})"


def has_frequency(table):
    """Whether the stamps of ``table`` have a frequency to check: datetimes, periods or ``time``."""
    return isinstance(table.index, TIME_INDEXES) or table.time_column is not None


def series_frequency(index):
    """The step between the stamps of one series; None with fewer than 2 stamps.

    An offset for datetimes (pandas' ``infer_freq`` on the whole series or, when
    gaps break it, the most common result over runs of consecutive stamps, else
    the most common step), the period frequency for periods, the most common
    difference for numbers.
    """
    if isinstance(index, pd.PeriodIndex):
        return index.freq
    if len(index) < 2:
        return None
    if isinstance(index, pd.DatetimeIndex):
        return _frequency(index) or _frequency_of_runs(index)
    steps = np.diff(index.to_numpy())
    return Counter(steps.tolist()).most_common(1)[0][0]


def _frequency_of_runs(index):
    starts = np.unique(np.linspace(0, max(0, len(index) - RUN_LENGTH), MAX_RUNS).astype(int))
    found = [_frequency(index[start : start + RUN_LENGTH]) for start in starts]
    found = [freq for freq in found if freq is not None]
    if found:
        return Counter(found).most_common(1)[0][0]
    step = Counter(np.diff(index.asi8).tolist()).most_common(1)[0][0]
    return to_offset(pd.Timedelta(step, unit="ns"))


def parse_frequency(freq, index):
    """The ``freq`` parameter as a step for stamps like ``index`` (an offset or a number)."""
    if freq is None or not isinstance(index, pd.DatetimeIndex):
        return freq
    try:
        return to_offset(freq)
    except ValueError:
        raise ValueError(
            f"freq={freq!r} is not a pandas frequency (e.g. 'D', 'h', 'MS', '15min')."
        ) from None


def frequency_name(freq):
    """A frequency as stored by a fitted forecaster: an offset alias, a number or None."""
    return getattr(freq, "freqstr", freq)


def common_frequency(table, freq=None):
    """The one frequency of every series of ``table``: ``freq`` if given, else inferred.

    None when the stamps have no frequency to check (see :func:`has_frequency`)
    or no series has 2 stamps. Raises, naming two series, when series differ.
    """
    if not has_frequency(table):
        return None
    if freq is not None:
        return parse_frequency(freq, table.index)
    found = {}
    for sid, rows in table.segments():
        step = series_frequency(table.index[rows])
        if step is not None:
            found.setdefault(step, sid)
    if len(found) > 1:
        (first, a), (second, b) = list(found.items())[:2]
        raise ValueError(
            f"The series have different frequencies: {_which(a)} steps by "
            f"{frequency_name(first)!r} and {_which(b)} by {frequency_name(second)!r}. "
            "Pass freq= (e.g. freq='D') to give the one frequency of every series, or "
            "resample them first."
        )
    return next(iter(found), None)


def _which(sid):
    return "X" if sid is None else f"series {sid!r}"


def series_gaps(index, freq):
    """The stamps of one series off the grid of ``freq``, and those missing from it.

    The grid starts at the series' first stamp and steps by ``freq`` to its last.
    """
    if len(index) == 0:
        return index[:0], index[:0]
    grid = _grid(index, freq)
    return index.difference(grid), grid.difference(index)


def _grid(index, freq):
    if isinstance(index, pd.PeriodIndex):
        return pd.period_range(index[0], index[-1], freq=index.freq, name=index.name)
    if isinstance(index, pd.DatetimeIndex):
        return pd.date_range(index[0], index[-1], freq=freq, name=index.name)
    count = int(np.floor((index[-1] - index[0]) / freq + 1e-9)) + 1
    return pd.Index(index[0] + freq * np.arange(count), name=index.name)


def continue_index(index, horizon, freq=None):
    """The ``horizon`` time stamps after ``index`` (a continued RangeIndex without one).

    ``freq`` is the step found in fit; without it, a ``DatetimeIndex`` needs
    a frequency of its own (or one that pandas infers).
    """
    if index is None:
        return pd.RangeIndex(horizon)
    if isinstance(index, pd.PeriodIndex):
        return pd.period_range(index[-1] + 1, periods=horizon, freq=index.freq, name=index.name)
    if isinstance(index, pd.DatetimeIndex):
        freq = _frequency(index) if freq is None else to_offset(freq)
        if freq is None:
            raise ValueError(
                "The time index has no regular frequency, so forecast cannot continue it; "
                "pass freq= (e.g. freq='D') to fit."
            )
        return pd.date_range(index[-1], periods=horizon + 1, freq=freq)[1:].rename(index.name)
    numeric = pd.api.types.is_numeric_dtype(index) and not pd.api.types.is_bool_dtype(index)
    if numeric and len(index) >= 1:
        step = freq if freq is not None else index[-1] - index[-2] if len(index) >= 2 else 1
        stamps = index[-1] + step * np.arange(1, horizon + 1)
        if pd.api.types.is_integer_dtype(index):
            return pd.RangeIndex(stamps[0], stamps[-1] + step, step, name=index.name)
        return pd.Index(stamps, name=index.name)
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
