"""Column roles of a forecaster's tables: forecast, known in advance, or read in the past only.

The first fit fixes the layout from the ``target`` and ``future_covariates``
parameters; every later table (``partial_fit``, ``predict``, ``forecast``'s
``X`` and ``X_future``) is checked against it.
"""

from dataclasses import dataclass

import numpy as np

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
    """

    columns: list
    targets: list
    future: list
    past: list
    from_pandas: bool
    name: object

    @classmethod
    def from_table(cls, table, *, target, future_covariates, recursive):
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
        )

    @property
    def target_names(self):
        return [self.columns[i] for i in self.targets]

    @property
    def future_names(self):
        return [self.columns[i] for i in self.future]

    def check_columns(self, table, estimator_name):
        """Raise unless ``table`` has the columns seen in fit (by name when both are pandas)."""
        if table.is_frame and self.from_pandas and list(table.columns) != self.columns:
            raise ValueError(
                f"X has columns {list(table.columns)}, but {estimator_name} was fitted "
                f"with columns {self.columns}."
            )
        if len(table.columns) != len(self.columns):
            raise ValueError(
                f"X has {len(table.columns)} features, but {estimator_name} is "
                f"expecting {len(self.columns)} features as input. Reshape your data so "
                "that rows are time steps and columns are the columns seen in fit."
            )

    def check_finite(self, table):
        """Raise for NaN, infinity or float32 overflow, naming the first such column."""
        bad = nonfinite_columns(table.values)
        if len(bad):
            position = bad[0]
            kind = "target" if position in self.targets else "covariate"
            raise ValueError(
                f"Input X contains NaN, infinity or a value too large for float32 in "
                f"{kind} column {table.columns[position]!r}; fill, drop or rescale "
                "those rows first."
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
