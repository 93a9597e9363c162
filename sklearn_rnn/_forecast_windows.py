"""Lookback windows of a forecaster's tables: one builder for training and prediction.

A window holds the ``lookback`` rows of a series up to a row ``t`` (fewer at
the start of the series); with it go the future covariates of the rows after
``t`` and, in training, the targets of those rows. ``normalize="window"``
normalizes the targets of every window by the window's own level and spread
(reversible instance normalization), so that a rising series is extrapolated
rather than squeezed into the range seen in training.
"""

from dataclasses import dataclass

import numpy as np

from ._statistics import nonzero_scale


@dataclass
class Windows:
    """Windows ending at given rows of one series, with what the network reads beside them."""

    values: np.ndarray  # (n_windows, lookback, n_columns), float32: targets normalized
    raw: np.ndarray  # (n_windows, lookback, n_columns): as in the table, zero after the length
    lengths: np.ndarray  # (n_windows,)
    loc: np.ndarray  # (n_windows, n_targets): level of each window's targets
    scale: np.ndarray  # (n_windows, n_targets): spread of each window's targets
    covariates: np.ndarray  # (n_windows, steps * n_future): after each window, zero if unknown
    known: np.ndarray  # (n_windows,), bool: future covariates known over the whole horizon
    ends: np.ndarray  # (n_windows,): the row each window ends at
    series: np.ndarray  # the rows the windows are cut from, then the known future rows


@dataclass
class TrainingWindows:
    """The windows of every series of a training table, with their targets."""

    values: np.ndarray  # (n_windows, lookback, n_columns), float32
    lengths: np.ndarray  # (n_windows,)
    targets: np.ndarray  # (n_windows, steps * n_targets): normalized like their window
    covariates: np.ndarray  # (n_windows, steps * n_future)
    per_series: list  # number of windows of each series, in order


class WindowBuilder:
    """Cuts tables with a given column layout into windows for the network.

    ``steps`` is the number of rows after a window that the network forecasts
    at once: ``horizon`` for the direct strategy, 1 for the recursive one.
    """

    def __init__(self, layout, *, lookback, horizon, strategy, normalize):
        self.layout = layout
        self.lookback = lookback
        self.horizon = horizon
        self.steps = horizon if strategy == "direct" else 1
        self.normalize = normalize

    def windows(self, values, ends, following=None):
        """Windows ending at rows ``ends`` of one series' ``values``.

        ``following`` holds rows of future covariates after the end of
        ``values`` (``forecast``'s ``X_future``); windows whose future
        covariates are not known over the whole horizon are marked unknown.
        """
        ends = np.asarray(ends)
        series = values if following is None else np.vstack([values, following])
        raw, lengths = _gather(series, ends, self.lookback)
        if self.layout.future:
            known = ends + self.horizon < len(series)
        else:
            known = np.ones(len(ends), dtype=bool)
        return self._windows_of(raw, lengths, series, ends, known)

    def advance(self, windows, forecasts):
        """The windows one step later (recursive strategy).

        Each window gains a row of the forecast targets ``forecasts`` (of shape
        (n_windows, n_targets)) and the future covariates known for that row.
        """
        series = windows.series
        ends = windows.ends + 1
        row = np.zeros((len(ends), series.shape[1]))
        row[:, self.layout.targets] = forecasts
        if self.layout.future:
            known_row = series[np.minimum(ends, len(series) - 1)]
            row[:, self.layout.future] = known_row[:, self.layout.future]
        raw, lengths = _append_row(windows.raw, windows.lengths, row)
        return self._windows_of(raw, lengths, series, ends, windows.known)

    def training_windows(self, table):
        """The windows of every series of ``table`` that have ``steps`` rows after them."""
        values, lengths, targets, covariates, per_series = [], [], [], [], []
        for sid, rows in table.segments():
            self._check_length(len(rows), sid)
            ends = np.arange(self.lookback - 1, len(rows) - self.steps)
            windows = self.windows(table.values[rows], ends)
            after = windows.series[:, self.layout.targets][_following(ends, self.steps)]
            normalized = (after - windows.loc[:, None, :]) / windows.scale[:, None, :]
            values.append(windows.values)
            lengths.append(windows.lengths)
            targets.append(normalized.reshape(len(ends), -1))
            covariates.append(windows.covariates)
            per_series.append(len(ends))
        return TrainingWindows(
            np.concatenate(values),
            np.concatenate(lengths),
            np.concatenate(targets),
            np.concatenate(covariates),
            per_series,
        )

    def truth(self, values):
        """The targets of the ``horizon`` rows after every row of one series; NaN past its end.

        Of shape (n_rows, horizon, n_targets), like the rolling forecasts.
        """
        targets = values[:, self.layout.targets]
        padded = np.vstack([targets, np.full((1, targets.shape[1]), np.nan)])
        rows = _following(np.arange(len(values)), self.horizon)
        return padded[np.minimum(rows, len(values))]

    def _check_length(self, n_rows, sid):
        needed = self.lookback + self.steps
        if n_rows < needed:
            which = "X" if sid is None else f"Series {sid!r}"
            raise ValueError(
                f"{which} has {n_rows} sample(s) (rows, i.e. time steps), but "
                f"lookback={self.lookback} plus {self.steps} step(s) to forecast need at "
                f"least {needed} rows to train on."
            )

    def _windows_of(self, raw, lengths, series, ends, known):
        values, loc, scale = self._normalized(raw, lengths)
        return Windows(
            values, raw, lengths, loc, scale, self._covariates(series, ends), known, ends, series
        )

    def _normalized(self, raw, lengths):
        """Windows with their targets normalized, as float32, and the statistics that undo it.

        ``normalize="window"`` subtracts each window's mean of every target
        column and divides by its standard deviation; ``"global"`` leaves them
        as they are (the network's input standardization then applies).
        """
        windows = raw.copy()
        n_windows, lookback, _ = windows.shape
        targets_at = self.layout.targets
        loc = np.zeros((n_windows, len(targets_at)))
        scale = np.ones((n_windows, len(targets_at)))
        if self.normalize == "window":
            targets = windows[:, :, targets_at]
            valid = (np.arange(lookback)[None, :] < lengths[:, None])[:, :, None]
            counts = lengths[:, None]
            loc = (targets * valid).sum(axis=1) / counts
            spread = np.sqrt((((targets - loc[:, None, :]) * valid) ** 2).sum(axis=1) / counts)
            scale = nonzero_scale(spread, loc)
            windows[:, :, targets_at] = (targets - loc[:, None, :]) / scale[:, None, :] * valid
        return windows.astype(np.float32), loc, scale

    def _covariates(self, series, ends):
        """Future covariates of the ``steps`` rows after every end; zero where one is unknown."""
        if not self.layout.future:
            return np.zeros((len(ends), 0))
        rows = _following(ends, self.steps)
        covariates = series[:, self.layout.future][np.minimum(rows, len(series) - 1)]
        covariates[rows[:, -1] >= len(series)] = 0.0
        return covariates.reshape(len(ends), -1)


def _gather(values, ends, lookback):
    """Windows (n_windows, lookback, n_columns) ending at ``ends``, left-aligned, and lengths.

    Windows with fewer than ``lookback`` rows before them are shorter and
    zero after their length.
    """
    lengths = np.minimum(ends + 1, lookback)
    rows = (ends - lengths + 1)[:, None] + np.arange(lookback)[None, :]
    padding = np.arange(lookback)[None, :] >= lengths[:, None]
    windows = values[np.where(padding, 0, rows)]
    windows[padding] = 0.0
    return windows, lengths


def _following(ends, steps):
    """Row positions (n_windows, steps) of the steps after every window end."""
    return ends[:, None] + np.arange(1, steps + 1)[None, :]


def _append_row(raw, lengths, rows):
    """Append one row to every window, dropping the oldest row of full windows."""
    raw = raw.copy()
    lookback = raw.shape[1]
    full = lengths == lookback
    raw[full] = np.roll(raw[full], -1, axis=1)
    positions = np.where(full, lookback - 1, lengths)
    raw[np.arange(len(raw)), positions] = rows
    return raw, np.minimum(lengths + 1, lookback)
