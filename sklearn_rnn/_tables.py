"""Time-ordered tables, the forecaster's input: validation and the validated record.

A table has one row per time step (per series) and one column per variable:
a 1-D or 2-D array, a pandas Series or DataFrame (a long one names the series
of every row in its ``series_id`` column), or a list of such tables, one per
series.
"""

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ._time_index import check_time_index, decode_index, encode_index
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

    def tail(self, n_rows):
        """The last ``n_rows`` rows of every series."""
        if self.series is None:
            keep = slice(max(0, len(self.values) - n_rows), None)  # a slice keeps index.freq
        else:
            keep = np.concatenate([rows[-n_rows:] for _, rows in self.segments()])
        return replace(
            self,
            values=self.values[keep],
            index=None if self.index is None else self.index[keep],
            series=None if self.series is None else self.series[keep],
        )


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
    check_time_index(table)
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
