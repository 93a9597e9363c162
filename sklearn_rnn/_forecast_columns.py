"""Column roles of a forecaster's tables: forecast, known in advance, read in the past only,
or constant per series (static covariates, a table of their own).

The first fit fixes the layout from the ``target`` and ``future_covariates``
parameters; every later table (``partial_fit``, ``predict``, ``forecast``'s
``X`` and ``X_future``) is checked against it. The first fit also fixes the
encoding of the static covariates (numbers as they are, categories one-hot).
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._time_index import check_continues
from ._validation import nonfinite_columns


@dataclass
class ColumnLayout:
    """The roles of a table's columns, by position.

    Attributes
    ----------
    columns : list
        Labels of the columns seen in fit (names for DataFrames, positions for arrays).
    targets : list of int
        The forecast columns.
    future : list of int
        The future covariates: known in advance, read over the horizon too.
    past : list of int
        The past covariates: read over the lookback window only.
    from_pandas : bool
        Whether the table seen in fit was pandas (then forecasts are too).
    name : object
        The name of a pandas Series seen in fit.
    reads_targets : bool
        Whether the network reads the targets' past (False when fitted with
        y: it reads the covariates only).
    """

    columns: list
    targets: list
    future: list
    past: list
    from_pandas: bool
    name: object
    reads_targets: bool = True

    @classmethod
    def from_table(cls, table, *, target, future_covariates, recursive, reads_targets=True):
        """The layout that the parameters give ``table``; raises for a role conflict."""
        future = list(future_covariates or [])
        future_positions = column_positions(table, future, "future_covariates")
        if target is None:
            targets = [c for c in table.columns if c not in future]
        else:
            targets = target if isinstance(target, list) else [target]
        target_positions = column_positions(table, targets, "target")
        if not target_positions:
            raise ValueError(
                "There is no column left to forecast: every column is a future covariate."
            )
        both = set(target_positions) & set(future_positions)
        if both:
            raise ValueError(
                f"Columns {[table.columns[i] for i in sorted(both)]} are both in target and "
                "future_covariates; a column is either forecast or known in advance."
            )
        past = [
            i
            for i in range(len(table.columns))
            if i not in target_positions and i not in future_positions
        ]
        if recursive and past:
            raise ValueError(
                "strategy='recursive' feeds forecasts back as input, so every non-target "
                "column must be a future covariate; past covariates "
                f"{[table.columns[i] for i in past]} cannot be forecast. "
                "Use strategy='direct' or list them in future_covariates."
            )
        return cls(
            columns=list(table.columns),
            targets=target_positions,
            future=future_positions,
            past=past,
            from_pandas=table.is_frame,
            name=table.name,
            reads_targets=reads_targets,
        )

    @property
    def inputs(self):
        """The columns the network reads in every window: all (a slice), or the covariates."""
        if self.reads_targets:
            return slice(None)
        return sorted(self.past + self.future)

    @property
    def target_names(self):
        return [self.columns[i] for i in self.targets]

    @property
    def future_names(self):
        return [self.columns[i] for i in self.future]

    @property
    def x_columns(self):
        """The columns of X seen in fit: all, or the covariates when fitted with y."""
        if self.reads_targets:
            return self.columns
        return [self.columns[i] for i in range(len(self.columns)) if i not in self.targets]

    def check_columns(self, table, estimator_name):
        """Raise unless ``table`` has the columns of X seen in fit (by name when both are
        pandas)."""
        expected = self.x_columns
        if table.is_frame and self.from_pandas and list(table.columns) != expected:
            raise ValueError(
                f"X has columns {list(table.columns)}, but {estimator_name} was fitted "
                f"with columns {expected}."
            )
        if len(table.columns) != len(expected):
            raise ValueError(
                f"X has {len(table.columns)} features, but {estimator_name} is "
                f"expecting {len(expected)} features as input. Reshape your data so "
                "that rows are time steps and columns are the columns seen in fit."
            )

    def check_finite(self, table, *, allow_missing=False):
        """Raise for NaN, infinity or float32 overflow, naming the first such column.

        NaN passes in the rows inserted for missing time stamps and, with
        ``allow_missing`` (``missing="mask"``), in every row; infinity never does.
        """
        values = table.values
        missing = np.isnan(values)
        if allow_missing:
            values = np.where(missing, 0.0, values)
        elif table.filled is not None:
            values = np.where(missing & table.filled[:, None], 0.0, values)
        bad = nonfinite_columns(values)
        if len(bad):
            position = bad[0]
            kind = "target" if position in self.targets else "covariate"
            if np.isnan(values[:, position]).any():
                fix = (
                    "pass missing='mask' to leave NaN targets out of the loss and mask NaN "
                    "covariates (gaps='fill' fills only missing time stamps), or fill or "
                    "drop those rows first."
                )
            else:
                fix = "infinity is never a valid value: rescale, replace or drop those rows."
            raise ValueError(
                f"Input X contains NaN, infinity or a value too large for float32 in "
                f"{kind} column {table.columns[position]!r}; {fix}"
            )

    def future_covariates(self, table, horizon):
        """The future covariates of a validated X_future table, per series."""
        names = self.future_names
        if table.is_frame:
            values = table.values[:, column_positions(table, names, "X_future")]
        else:
            values = table.values
            if values.shape[1] != len(names):
                raise ValueError(
                    f"X_future has {values.shape[1]} columns, but the future covariates are "
                    f"{names}."
                )
        if not np.all(np.isfinite(values)):
            raise ValueError("Input X_future contains NaN or infinity.")
        padded = np.zeros((len(values), len(self.columns)))
        padded[:, self.future] = values
        return FutureCovariates(padded, table.series, table.index, horizon)


@dataclass
class FutureCovariates:
    """Rows of future covariates that follow the history of every series (X_future).

    ``values`` has the table's columns, zero outside the future covariates, so
    that its rows continue a series' rows.
    """

    values: np.ndarray
    series: np.ndarray | None
    index: object
    horizon: int

    def after(self, sid, history_index):
        """The ``horizon`` rows that follow the history of series ``sid``.

        Raises when there are fewer, or when their time index does not continue
        ``history_index``; later rows are not read.
        """
        rows = np.arange(len(self.values)) if sid is None else np.flatnonzero(self.series == sid)
        if len(rows) < self.horizon:
            which = "" if sid is None else f" for series {sid!r}"
            raise ValueError(
                f"X_future has {len(rows)} rows{which}, but forecasting horizon={self.horizon} "
                "steps needs that many rows of future covariates."
            )
        rows = rows[: self.horizon]
        if self.index is not None:
            check_continues(self.index[rows], history_index, self.horizon)
        return self.values[rows]


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
class StaticCovariates:
    """Covariates of every series that do not change over time (store size, region).

    Read from a table indexed by series id: numeric columns as they are,
    other columns one-hot encoded over the categories seen in fit.

    Attributes
    ----------
    ids : list
        The series ids, one per row of ``values``.
    values : ndarray of shape (n_series, n_encoded), float64
        The encoded covariates of every series.
    columns : list
        The columns of the table seen in fit, in order.
    categories : dict
        The categories of every encoded column, in the order of their one-hot columns.
    """

    ids: list
    values: np.ndarray
    columns: list
    categories: dict

    @classmethod
    def from_frame(cls, static):
        """Fix the encoding from the table ``static`` and encode it."""
        frame = _static_frame(static)
        categories = {
            column: sorted(frame[column].unique().tolist(), key=str)
            for column in frame.columns
            if not _is_number(frame[column])
        }
        encoding = cls([], np.zeros((0, 0)), list(frame.columns), categories)
        return encoding.extended(frame)

    @property
    def names(self):
        """The names of the encoded columns: ``"<column>"`` or ``"<column>=<category>"``."""
        names = []
        for column in self.columns:
            if column in self.categories:
                names.extend(f"{column}={category}" for category in self.categories[column])
            else:
                names.append(str(column))
        return names

    def extended(self, static):
        """These covariates with the rows of ``static`` added (replacing those of its ids)."""
        frame = _static_frame(static)
        if list(frame.columns) != self.columns:
            raise ValueError(
                f"static has columns {list(frame.columns)}, but the forecaster was fitted "
                f"with static covariates {self.columns}."
            )
        encoded = np.hstack([self._encoded(frame[column]) for column in self.columns])
        kept = ~pd.Index(self.ids).isin(frame.index)
        return StaticCovariates(
            [sid for sid, keep in zip(self.ids, kept, strict=True) if keep] + list(frame.index),
            np.vstack([self.values[kept].reshape(-1, encoded.shape[1]), encoded]),
            self.columns,
            self.categories,
        )

    def _encoded(self, values):
        if values.name not in self.categories:
            if not _is_number(values):
                raise ValueError(
                    f"Static covariate {values.name!r} was numeric in fit and is not now."
                )
            return values.to_numpy(dtype=np.float64)[:, None]
        known = self.categories[values.name]
        codes = pd.Index(known).get_indexer(values)
        if np.any(codes < 0):
            unknown = values[codes < 0].iloc[0]
            raise ValueError(
                f"Static covariate {values.name!r} has the category {unknown!r}, unseen in "
                f"fit (categories {known}); refit with it, or map it to a known category."
            )
        return np.eye(len(known))[codes]

    def of(self, sid, n_rows):
        """The encoded covariates of series ``sid``, repeated ``n_rows`` times."""
        position = pd.Index(self.ids).get_indexer([sid])[0]
        if position < 0:
            raise ValueError(
                f"Series {sid!r} has no row in the static covariates table; pass static= "
                "with a row for it to fit or partial_fit."
            )
        return np.repeat(self.values[position][None, :], n_rows, axis=0)


def _static_frame(static):
    """``static`` checked as a table of covariates, one row per series id."""
    if isinstance(static, pd.Series):
        static = static.to_frame()
    if not isinstance(static, pd.DataFrame):
        raise ValueError(
            "static must be a pandas DataFrame indexed by series id (one row per series, "
            f"one column per covariate); got {type(static).__name__}."
        )
    if static.shape[1] == 0:
        raise ValueError("static has no column; pass static=None for no static covariates.")
    duplicated = static.index[static.index.duplicated()]
    if len(duplicated):
        raise ValueError(
            f"static has several rows for series {duplicated[0]!r}; it needs one row per "
            "series id (its index)."
        )
    for column in static.columns:
        values = static[column]
        if pd.api.types.is_datetime64_any_dtype(values) or pd.api.types.is_timedelta64_dtype(
            values
        ):
            raise ValueError(
                f"Static covariate {column!r} holds time stamps ({values.dtype}); turn it "
                "into numbers (e.g. the years since opening) or drop it."
            )
        if values.isna().any():
            raise ValueError(
                f"Static covariate {column!r} has missing values for series "
                f"{list(static.index[values.isna()][:3])}; fill them first."
            )
        if _is_number(values) and not np.all(np.isfinite(values.to_numpy(dtype=np.float64))):
            raise ValueError(f"Static covariate {column!r} holds infinity; replace it first.")
    return static


def _is_number(values):
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_complex_dtype(values)
