"""Rolling windows over time-ordered tables, for the forecaster.

A table has one row per time step (per series) and one column per variable.
This module validates such tables, cuts them into lookback windows with the
``horizon`` rows that follow, and normalizes every window by its own level and
spread (reversible instance normalization), so that a rising series is
extrapolated rather than squeezed into the range seen in training.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._statistics import nonzero_scale
from ._validation import as_numeric, check_dense


@dataclass
class Table:
    """A validated time-ordered table.

    Attributes
    ----------
    values : ndarray of shape (n_rows, n_columns), float64
    columns : list
        Column labels (names for DataFrames, positions for arrays).
    index : pandas.Index or None
        The time index of pandas input.
    series : ndarray of shape (n_rows,) or None
        Series id of every row (long tables of many series).
    name : object
        The name of a Series input.
    is_frame : bool
        Whether the input was pandas (a Series or a DataFrame).
    from_dataframe : bool
        Whether the input was a DataFrame, whose columns name the features.
    """

    values: np.ndarray
    columns: list
    index: pd.Index | None = None
    series: np.ndarray | None = None
    name: object = None
    is_frame: bool = field(default=False)
    from_dataframe: bool = field(default=False)

    @property
    def feature_names(self):
        """Column names of a DataFrame input when all are strings, else None."""
        if self.from_dataframe and all(isinstance(column, str) for column in self.columns):
            return np.asarray(self.columns, dtype=object)
        return None

    def __getstate__(self):
        # The index travels as numpy arrays and strings, so that skops can read it.
        return dict(self.__dict__, index=_encode_index(self.index))

    def __setstate__(self, state):
        self.__dict__.update(state, index=_decode_index(state["index"]))

    def segments(self):
        """(series id, row positions) for every series, in order of appearance."""
        if self.series is None:
            return [(None, np.arange(len(self.values)))]
        ids = pd.unique(self.series)
        return [(sid, np.flatnonzero(self.series == sid)) for sid in ids]


def _encode_index(index):
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


def _decode_index(encoded):
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


def check_table(X, *, series_id=None, estimator_name):
    """Validate a time-ordered table (1-D/2-D array, Series or DataFrame).

    A list of such tables (numpy arrays or pandas objects) holds many series;
    their positions in the list are their series ids.
    """
    check_dense(X)
    if _is_series_list(X):
        return _stack_series(X, series_id, estimator_name)
    series = None
    name = None
    from_dataframe = isinstance(X, pd.DataFrame)
    if isinstance(X, pd.Series):
        name = X.name
        X = X.to_frame(name=X.name if X.name is not None else "y")
    if isinstance(X, pd.DataFrame):
        frame = X
        if series_id is not None:
            if series_id not in frame.columns:
                raise ValueError(f"series_id={series_id!r} is not a column of X.")
            series = frame[series_id].to_numpy()
            frame = frame.drop(columns=[series_id])
        columns = list(frame.columns)
        index = frame.index
        values = as_numeric(frame, dtype=np.float64)
        is_frame = True
    else:
        if series_id is not None:
            raise ValueError("series_id needs X as a pandas DataFrame with that column.")
        values = as_numeric(X, dtype=np.float64)
        if values.ndim == 1:
            values = values[:, np.newaxis]
        columns = list(range(values.shape[1])) if values.ndim == 2 else []
        index = None
        is_frame = False
    if values.ndim != 2:
        raise ValueError(
            f"Expected a 1-D or 2-D time-ordered table (rows are time steps), got "
            f"{values.ndim}D input."
        )
    if values.shape[0] == 0:
        raise ValueError(
            f"Found array with 0 sample(s) (shape={values.shape}) while a minimum of 1 "
            f"is required by {estimator_name}."
        )
    if values.shape[1] == 0:
        raise ValueError(
            f"Found array with 0 feature(s) (shape={values.shape}) while a minimum of 1 "
            f"is required by {estimator_name}."
        )
    table = Table(values, columns, index, series, name, is_frame, from_dataframe)
    _check_time_index(table)
    return table


def _is_series_list(X):
    return (
        isinstance(X, (list, tuple))
        and len(X) > 0
        and all(isinstance(item, (np.ndarray, pd.Series, pd.DataFrame)) for item in X)
    )


def _stack_series(items, series_id, estimator_name):
    if series_id is not None:
        raise ValueError(
            "series_id names a column of one long DataFrame; a list of series needs "
            "series_id=None (the positions in the list are the series ids)."
        )
    tables = [check_table(item, estimator_name=estimator_name) for item in items]
    columns = tables[0].columns
    for position, table in enumerate(tables):
        if table.columns != columns:
            raise ValueError(
                f"Every series in the list needs the same columns; series 0 has {columns} "
                f"and series {position} has {table.columns}."
            )
    indexes = [table.index for table in tables]
    index = None if any(i is None for i in indexes) else indexes[0].append(indexes[1:])
    return Table(
        np.vstack([table.values for table in tables]),
        columns,
        index,
        np.repeat(np.arange(len(tables)), [len(table.values) for table in tables]),
        tables[0].name,
        tables[0].is_frame,
        tables[0].from_dataframe,
    )


def _check_time_index(table):
    index = table.index
    is_time = isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex))
    is_integer = index is not None and pd.api.types.is_integer_dtype(index)
    if not (is_time or is_integer):
        return
    for sid, rows in table.segments():
        index = table.index[rows]
        where = "" if sid is None else f" of series {sid!r}"
        if index.has_duplicates:
            raise ValueError(f"The time index{where} has duplicated time stamps.")
        if not index.is_monotonic_increasing:
            raise ValueError(f"The time index{where} is not increasing; sort X by time first.")


def column_positions(table, names, parameter):
    """Positions of the named columns; raises naming the parameter for unknown ones."""
    positions = []
    for name in names:
        if name not in table.columns:
            raise ValueError(
                f"{parameter} names column {name!r}, which is not in X; its columns "
                f"are {table.columns}."
            )
        positions.append(table.columns.index(name))
    return positions


@dataclass
class Windows:
    """Windows ending at given rows: inputs (padded), lengths and window statistics."""

    values: np.ndarray  # (n_windows, lookback, n_columns), float32
    lengths: np.ndarray  # (n_windows,)
    loc: np.ndarray  # (n_windows, n_targets): level of each window's targets
    scale: np.ndarray  # (n_windows, n_targets): spread of each window's targets


def window_rows(ends, lookback):
    """Row positions (n_windows, lookback) of the windows ending at ``ends``, left-aligned.

    Windows with fewer than ``lookback`` rows before them are shorter; their
    positions are -1 after their length.
    """
    ends = np.asarray(ends)
    lengths = np.minimum(ends + 1, lookback)
    starts = ends - lengths + 1
    rows = starts[:, None] + np.arange(lookback)[None, :]
    rows[np.arange(lookback)[None, :] >= lengths[:, None]] = -1
    return rows, lengths


def gather_windows(values, ends, lookback):
    """Raw windows (n_windows, lookback, n_columns) ending at ``ends``, and their lengths."""
    rows, lengths = window_rows(ends, lookback)
    windows = values[np.maximum(rows, 0)]
    windows[rows < 0] = 0.0
    return windows, lengths


def normalize_windows(windows, lengths, target_positions, *, normalize):
    """Normalize the target columns of raw windows by each window's own statistics.

    ``normalize="window"`` subtracts each window's mean of every target column
    and divides by its standard deviation (reversible instance normalization);
    ``"global"`` leaves them as they are (the network's input standardization
    then applies). Returns :class:`Windows`; ``loc`` and ``scale`` undo it.
    """
    windows = windows.copy()
    n_windows, lookback, _ = windows.shape
    n_targets = len(target_positions)
    loc = np.zeros((n_windows, n_targets))
    scale = np.ones((n_windows, n_targets))
    if normalize == "window":
        targets = windows[:, :, target_positions]
        valid = (np.arange(lookback)[None, :] < lengths[:, None])[:, :, None]
        counts = lengths[:, None]
        loc = (targets * valid).sum(axis=1) / counts
        spread = np.sqrt((((targets - loc[:, None, :]) * valid) ** 2).sum(axis=1) / counts)
        scale = nonzero_scale(spread, loc)
        windows[:, :, target_positions] = (targets - loc[:, None, :]) / scale[:, None, :] * valid
    return Windows(windows.astype(np.float32), lengths, loc, scale)


def future_rows(ends, horizon):
    """Row positions (n_windows, horizon) of the steps after every window end."""
    return np.asarray(ends)[:, None] + np.arange(1, horizon + 1)[None, :]
