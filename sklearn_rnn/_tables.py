"""Time-ordered tables, the forecaster's input: validation and the validated record.

A table has one row per time step (per series) and one column per variable:
a 1-D or 2-D array, a pandas Series or DataFrame (a long one names the series
of every row in its ``series_id`` column and may hold its time stamps in a
``time`` column), or a list of such tables, one per series. Missing time
stamps are inserted as rows of NaN by :func:`fill_gaps`.
"""

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ._time_index import (
    TIME_INDEXES,
    check_time_index,
    decode_index,
    encode_index,
    has_frequency,
    series_gaps,
)
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
    series_name : str or None
        The ``series_id`` column the series ids came from.
    time_column : str or None
        The ``time`` column the index came from.
    filled : ndarray of shape (n_rows,), bool, or None
        Rows inserted for missing time stamps (all NaN); None when none were.
    origin : ndarray of shape (n_input_rows,) or None
        The row of every input row in this table, when rows were inserted.
    """

    values: np.ndarray
    columns: list
    index: pd.Index | None = None
    series: np.ndarray | None = None
    name: object = None
    is_frame: bool = field(default=False)
    from_dataframe: bool = field(default=False)
    series_name: str | None = None
    time_column: str | None = None
    filled: np.ndarray | None = None
    origin: np.ndarray | None = None

    @property
    def feature_names(self):
        """Column names of a DataFrame input when all are strings, else None."""
        if self.from_dataframe and all(isinstance(column, str) for column in self.columns):
            return np.asarray(self.columns, dtype=object)
        return None

    def __getstate__(self):
        # The index travels as numpy arrays and strings, so that skops can read it.
        return dict(self.__dict__, index=encode_index(self.index))

    def __setstate__(self, state):
        self.__dict__.update(state, index=decode_index(state["index"]))

    def segments(self):
        """(series id, row positions) for every series, in order of appearance."""
        if self.series is None:
            return [(None, np.arange(len(self.values)))]
        ids = pd.unique(self.series)
        return [(sid, np.flatnonzero(self.series == sid)) for sid in ids]

    def segment_index(self, sid, rows):
        """The time index of one series (whole, for a single series, so it keeps its freq)."""
        if self.index is None:
            return None
        return self.index if sid is None else self.index[rows]

    def input_rows(self):
        """The rows of the input table, in its order (inserted rows left out)."""
        return np.arange(len(self.values)) if self.origin is None else self.origin

    def tail(self, n_rows):
        """The last ``n_rows`` rows of every series."""
        if self.series is None:
            keep = slice(max(0, len(self.values) - n_rows), None)  # a slice keeps index.freq
        else:
            keep = np.concatenate([rows[-n_rows:] for _, rows in self.segments()])
        return self._rows(keep)

    def select(self, series_ids):
        """The rows of the series ``series_ids`` (all rows for a table of one series)."""
        if self.series is None:
            return self
        return self._rows(np.flatnonzero(pd.Index(series_ids).get_indexer(self.series) >= 0))

    def extended(self, newer):
        """This table's rows followed, per series, by those of ``newer`` (same columns).

        Rows of a series here that do not precede its first row in ``newer``
        (by time stamp, when both have a time index) are replaced by the newer
        ones; series new in ``newer`` come after the others.
        """
        parts = []
        newer_ids = [sid for sid, _ in newer.segments()]
        for sid, rows in self.segments():
            if sid in newer_ids and self.index is not None and newer.index is not None:
                first = newer.index[newer.segments()[newer_ids.index(sid)][1][0]]
                rows = rows[_earlier(self.index[rows], first)]
            parts.append(self._rows(rows))
        parts.append(newer)
        return _concatenated(parts)

    def _rows(self, keep):
        return replace(
            self,
            values=self.values[keep],
            index=None if self.index is None else self.index[keep],
            series=None if self.series is None else self.series[keep],
            filled=None if self.filled is None else self.filled[keep],
            origin=None,
        )


def _earlier(index, first):
    """Which stamps of ``index`` precede ``first`` (all, when they cannot be compared)."""
    try:
        return np.asarray(index < first, dtype=bool)
    except TypeError:
        return np.ones(len(index), dtype=bool)


def _concatenated(tables):
    """Tables of the same columns, one after the other."""
    tables = [table for table in tables if len(table.values)]
    first = tables[0]
    indexes = [table.index for table in tables]
    series = [table.series for table in tables]
    filled = [np.zeros(len(t.values), dtype=bool) if t.filled is None else t.filled for t in tables]
    return replace(
        first,
        values=np.vstack([table.values for table in tables]),
        index=None if any(i is None for i in indexes) else indexes[0].append(indexes[1:]),
        series=None if any(s is None for s in series) else np.concatenate(series),
        filled=np.concatenate(filled) if any(t.filled is not None for t in tables) else None,
        origin=None,
    )


def check_table(X, *, series_id=None, time=None, estimator_name):
    """Validate a time-ordered table (1-D/2-D array, Series or DataFrame).

    A list of such tables (numpy arrays or pandas objects) holds many series;
    their positions in the list are their series ids. ``time`` names the
    column of a DataFrame that holds the time stamps: it becomes the index.
    """
    check_dense(X)
    if _is_series_list(X):
        return _stack_series(X, series_id, time, estimator_name)
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
                raise ValueError(
                    f"series_id={series_id!r} is not a column of X; its columns are "
                    f"{list(frame.columns)}."
                )
            series = frame[series_id].to_numpy()
            _check_keys_present(series, "series_id", series_id)
            frame = frame.drop(columns=[series_id])
        frame = _with_time_index(frame, time, series_id)
        columns = list(frame.columns)
        index = frame.index
        values = _numeric_columns(frame)
        is_frame = True
    else:
        for parameter, value in (("series_id", series_id), ("time", time)):
            if value is not None:
                raise ValueError(
                    f"{parameter} needs X as a pandas DataFrame with that column; got "
                    f"{type(X).__name__}."
                )
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
    table = Table(values, columns, index, series, name, is_frame, from_dataframe, series_id, time)
    check_time_index(table)
    return table


def _with_time_index(frame, time, series_id):
    """``frame`` indexed by its ``time`` column (which is then no column), or as it is."""
    if time is None:
        return frame
    if time == series_id:
        raise ValueError(f"series_id and time must differ; both are {time!r}.")
    if time not in frame.columns:
        raise ValueError(
            f"time={time!r} is not a column of X; its columns are {list(frame.columns)}."
        )
    stamps = pd.Index(frame[time], name=time)
    _check_keys_present(stamps, "time", time)
    if not isinstance(stamps, TIME_INDEXES) and not pd.api.types.is_numeric_dtype(stamps):
        raise ValueError(
            f"The time column {time!r} holds {stamps.dtype} values; it needs datetimes, "
            f"periods or numbers (convert it with pd.to_datetime(X[{time!r}]) first)."
        )
    return frame.drop(columns=[time]).set_axis(stamps, axis=0)


def _check_keys_present(keys, parameter, column):
    missing = pd.isna(keys)
    if np.any(missing):
        raise ValueError(
            f"The {parameter} column {column!r} has missing values in "
            f"{np.count_nonzero(missing)} row(s); every row needs one."
        )


def _numeric_columns(frame):
    """The columns of a DataFrame as float64; a ValueError names any that is not a number."""
    parsed = {}
    for column in frame.columns:
        dtype = frame[column].dtype
        if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_timedelta64_dtype(dtype):
            continue
        if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
            raise ValueError(
                f"Column {column!r} of X holds time stamps ({dtype}); the forecaster reads "
                f"numbers only. Pass time={column!r} if it holds the time of every row, or "
                "turn it into numbers (e.g. the day of the week) or drop it first."
            )
        numbers = pd.to_numeric(frame[column], errors="coerce")
        if numbers.isna().any() and not frame[column].isna().equals(numbers.isna()):
            raise ValueError(
                f"Column {column!r} of X is not numeric ({dtype}); the forecaster reads "
                f"numbers only. Pass series_id={column!r} if it names the series of every "
                "row, encode it as numbers (e.g. one-hot), give it per series as static "
                "covariates (fit's static=), or drop it."
            )
        parsed[column] = numbers
    if parsed:
        frame = _replaced(frame, parsed)
    return as_numeric(frame, dtype=np.float64)


def _replaced(frame, columns):
    frame = frame.copy()
    for column, values in columns.items():
        frame[column] = values
    return frame


def with_targets(table, y, names=None):
    """``table`` with the targets ``y`` appended as its last columns.

    Without ``y``, ``names`` (the target columns seen in fit) are appended
    as zeros: a forecaster fitted with y reads only the covariates' past. A
    table without ``y`` or ``names`` comes back as it is.
    """
    if y is None and names is None:
        return table
    if y is None:
        values = np.zeros((len(table.values), len(names)))
    else:
        check_dense(y, "y")
        values = as_numeric(y, "y", dtype=np.float64)
        values = values[:, np.newaxis] if values.ndim == 1 else values
        if values.ndim != 2 or len(values) != len(table.values):
            raise ValueError(
                f"y has {len(values)} rows, but X has {len(table.values)}; y holds the "
                "targets of X's rows, one row each."
            )
        names = names or _target_names(y, values.shape[1], table)
    clash = [name for name in names if name in table.columns]
    if clash and y is None:
        raise ValueError(
            f"X has the target column(s) {clash}, but the forecaster was fitted with y: it "
            "reads the covariates only; drop them from X."
        )
    if clash:
        raise ValueError(
            f"y's column(s) {clash} are also columns of X; rename y, or drop y and name "
            "the column with target=."
        )
    return replace(
        table, values=np.hstack([table.values, values]), columns=[*table.columns, *names]
    )


def _target_names(y, n_targets, table):
    """Column labels for y: its own (pandas), else after X's (positions, or "y", "y1", ...)."""
    if isinstance(y, pd.DataFrame):
        return list(y.columns)
    if isinstance(y, pd.Series):
        return [y.name if y.name is not None else "y"]
    if not table.is_frame:
        return list(range(len(table.columns), len(table.columns) + n_targets))
    return ["y"] if n_targets == 1 else [f"y{i}" for i in range(n_targets)]


def fill_gaps(table, freq, *, fill):
    """Check the stamps of every series against the grid of ``freq``; insert missing ones.

    Raises for a stamp off the grid, and for a missing stamp unless ``fill``,
    naming the series and the first such stamp. Inserted rows hold NaN and are
    marked in ``filled``; ``origin`` maps the input rows into the new table.
    """
    if freq is None or not has_frequency(table):
        return table
    segments = table.segments()
    missing = {}
    for sid, rows in segments:
        off_grid, gaps = series_gaps(table.index[rows], freq)
        where = "X" if sid is None else f"Series {sid!r}"
        label = "time index" if table.time_column is None else f"time column {table.time_column!r}"
        if len(off_grid):
            raise ValueError(
                f"{where} has time stamp {off_grid[0]} off the frequency {_alias(freq)!r} "
                f"(the grid of its {label} from {table.index[rows][0]}); pass the right freq= "
                "or resample the series first."
            )
        if len(gaps) and not fill:
            raise ValueError(
                f"{where} misses {len(gaps)} time stamp(s) of its {label} at frequency "
                f"{_alias(freq)!r}, the first {gaps[0]}. Pass gaps='fill' to insert them as "
                "missing rows (NaN, masked in training), or fill them yourself first."
            )
        if len(gaps):
            missing[sid] = gaps
    if not missing:
        return table
    return _inserted(table, segments, missing)


def _alias(freq):
    return getattr(freq, "freqstr", freq)


def _inserted(table, segments, missing):
    """``table`` with the ``missing`` stamps of every series inserted, series by series."""
    values, index, series, filled = [], [], [], []
    origin = np.empty(len(table.values), dtype=np.intp)
    start = 0
    for sid, rows in segments:
        stamps = table.index[rows]
        gaps = missing.get(sid, stamps[:0])
        full = stamps.append(gaps).sort_values()
        where = full.get_indexer(stamps)
        block = np.full((len(full), table.values.shape[1]), np.nan)
        block[where] = table.values[rows]
        inserted = np.ones(len(full), dtype=bool)
        inserted[where] = False
        if table.filled is not None:
            inserted[where] = table.filled[rows]
        origin[rows] = start + where
        values.append(block)
        index.append(full)
        series.append(
            None if table.series is None else np.repeat(table.series[rows[:1]], len(full))
        )
        filled.append(inserted)
        start += len(full)
    return replace(
        table,
        values=np.vstack(values),
        index=index[0].append(index[1:]),
        series=None if table.series is None else np.concatenate(series),
        filled=np.concatenate(filled),
        origin=origin if table.origin is None else origin[table.origin],
    )


def _is_series_list(X):
    return (
        isinstance(X, (list, tuple))
        and len(X) > 0
        and all(isinstance(item, (np.ndarray, pd.Series, pd.DataFrame)) for item in X)
    )


def _stack_series(items, series_id, time, estimator_name):
    if series_id is not None:
        raise ValueError(
            "series_id names a column of one long DataFrame; a list of series needs "
            "series_id=None (the positions in the list are the series ids)."
        )
    tables = [check_table(item, time=time, estimator_name=estimator_name) for item in items]
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
        time_column=time,
    )
