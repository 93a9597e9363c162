"""Lookback windows of a forecaster's tables: one builder for training and prediction.

A window holds the ``lookback`` rows of a series up to a row ``t`` (fewer at
the start of the series); with it go the future covariates of the rows after
``t`` and, in training, the targets of those rows. ``normalize="window"``
normalizes the targets of every window by the window's own level and spread
(reversible instance normalization), so that a rising series is extrapolated
rather than squeezed into the range seen in training. ``"seasonal_naive"``
centres the window the same way but scales it by its mean absolute seasonal
change (the scale of MASE, Hyndman & Koehler 2006), and the network forecasts
corrections to the seasonal naive forecast (the value one season before each
step) in that unit: with no correction it is the seasonal naive forecast.

Missing readings (NaN: ``missing="mask"``, or the rows ``gaps="fill"``
inserts) are left out of every window statistic; in the network's input and
in the seasonal naive anchors they read as the latest known value of their
column in the window (its mean before the first known one), and each column
that had missing readings in fit gets an indicator channel (1 where
missing). Missing targets after a window stay NaN: no loss term.
"""

from dataclasses import dataclass

import numpy as np

from ._statistics import nonzero_scale


def network_inputs(windows, columns):
    """What the network reads of ``windows``: the given columns, then the missing-value
    indicators."""
    return np.concatenate([windows.values[:, :, columns], windows.indicators], axis=2)


@dataclass
class Windows:
    """Windows ending at given rows of one series, with what the network reads beside them."""

    values: np.ndarray  # (n_windows, lookback, n_columns), float32: targets normalized, filled
    raw: np.ndarray  # (n_windows, lookback, n_columns): as in the table, zero after the length
    lengths: np.ndarray  # (n_windows,)
    loc: np.ndarray  # (n_windows, n_targets): level of each window's targets
    scale: np.ndarray  # (n_windows, n_targets): spread of each window's targets
    anchors: np.ndarray  # (n_windows, steps, n_targets): what the outputs correct, per step
    indicators: np.ndarray  # (n_windows, lookback, n_indicated), float32: 1 where missing
    covariates: np.ndarray  # (n_windows, steps * n_future): after each window, zero if unknown
    known: np.ndarray  # (n_windows,), bool: future covariates known over the whole horizon
    ends: np.ndarray  # (n_windows,): the row each window ends at
    series: np.ndarray  # the rows the windows are cut from, then the known future rows

    inputs = network_inputs


@dataclass
class TrainingWindows:
    """The windows of every series of a training table, with their targets."""

    values: np.ndarray  # (n_windows, lookback, n_columns), float32
    lengths: np.ndarray  # (n_windows,)
    targets: np.ndarray  # (n_windows, steps * n_targets): normalized like their window
    covariates: np.ndarray  # (n_windows, steps * n_future)
    per_series: list  # number of windows of each series, in order
    indicators: np.ndarray  # (n_windows, lookback, n_indicated), float32

    inputs = network_inputs


class WindowBuilder:
    """Cuts tables with a given column layout into windows for the network.

    ``steps`` is the number of rows after a window that the network forecasts
    at once: ``horizon`` for the direct strategy, 1 for the recursive one.
    ``season`` is the seasonal period of ``normalize="seasonal_naive"``; a
    season as long as the lookback or longer cannot be read in a window, and
    the naive forecast (the last value) is corrected instead.
    """

    def __init__(
        self, layout, *, lookback, horizon, strategy, normalize, season=1, indicated=()
    ):
        self.indicated = list(indicated)  # columns with a missing-value indicator channel
        self.layout = layout
        self.lookback = lookback
        self.horizon = horizon
        self.steps = horizon if strategy == "direct" else 1
        self.normalize = normalize
        self.season = season if season < lookback else 1

    def windows(self, values, ends, following=None):
        """Windows ending at rows ``ends`` of one series' ``values``.

        ``following`` holds rows of future covariates after the end of
        ``values`` (``forecast``'s ``X_future``); windows whose future
        covariates are not known over the whole horizon are marked unknown,
        and so are windows without any known target value.
        """
        ends = np.asarray(ends)
        series = values if following is None else np.vstack([values, following])
        raw, lengths = _gather(series, ends, self.lookback)
        known = _has_known_target(raw, lengths, self.layout.targets)
        if self.layout.future:
            known &= ends + self.horizon < len(series)
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
        values, lengths, targets, covariates, per_series, indicators = [], [], [], [], [], []
        for sid, rows in table.segments():
            self._check_length(len(rows), sid)
            ends = np.arange(self.lookback - 1, len(rows) - self.steps)
            windows = self.windows(table.values[rows], ends)
            after = windows.series[:, self.layout.targets][_following(ends, self.steps)]
            normalized = (after - windows.anchors) / windows.scale[:, None, :]
            blank = ~_has_known_target(windows.raw, windows.lengths, self.layout.targets)
            normalized[blank] = np.nan  # nothing to forecast from: no loss term
            values.append(windows.values)
            lengths.append(windows.lengths)
            targets.append(normalized.reshape(len(ends), -1))
            covariates.append(windows.covariates)
            per_series.append(len(ends))
            indicators.append(windows.indicators)
        return TrainingWindows(
            np.concatenate(values),
            np.concatenate(lengths),
            np.concatenate(targets),
            np.concatenate(covariates),
            per_series,
            np.concatenate(indicators),
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
        in_length = np.arange(raw.shape[1])[None, :] < lengths[:, None]
        indicators = np.isnan(raw[:, :, self.indicated]) & in_length[:, :, None]
        return Windows(
            values,
            raw,
            lengths,
            loc,
            scale,
            self._anchors(raw, lengths, loc),
            indicators.astype(np.float32),
            self._covariates(series, ends),
            known,
            ends,
            series,
        )

    def _anchors(self, raw, lengths, loc):
        """What the network's outputs correct at each of the ``steps`` rows after a window.

        The window's level for ``normalize="window"`` and ``"global"`` (zero);
        for ``"seasonal_naive"``, the value one season before each step (the
        latest row in that season's phase), or the window's last value when the
        window is shorter than that.
        """
        if self.normalize != "seasonal_naive":
            return np.repeat(loc[:, None, :], self.steps, axis=1)
        steps = np.arange(1, self.steps + 1)
        back = self.season * -(-steps // self.season) - steps  # rows before the window's end
        last = (lengths - 1)[:, None]
        rows = last - back[None, :]
        rows = np.where(rows < 0, last, rows)
        targets = _forward_filled(raw[:, :, self.layout.targets])  # missing: the latest known
        anchors = targets[np.arange(len(raw))[:, None], rows]
        return np.where(np.isnan(anchors), loc[:, None, :], anchors)  # none known: the level

    def _normalized(self, raw, lengths):
        """Windows with their targets normalized, as float32, and the statistics that undo it.

        ``normalize="window"`` subtracts each window's mean of every target
        column and divides by its standard deviation; ``"global"`` leaves them
        as they are (the network's input standardization then applies).
        """
        windows = raw.copy()
        n_windows, lookback, _ = windows.shape
        in_length = (np.arange(lookback)[None, :] < lengths[:, None])[:, :, None]
        known = in_length & ~np.isnan(windows)
        windows = _forward_filled(np.where(known, windows, np.nan))
        windows = np.where(np.isnan(windows), _column_means(raw, known)[:, None, :], windows)
        windows = np.where(in_length, windows, 0.0)
        targets_at = self.layout.targets
        loc = np.zeros((n_windows, len(targets_at)))
        scale = np.ones((n_windows, len(targets_at)))
        if self.normalize == "mean":  # a log link: scaled by the window's mean, not centred
            targets = windows[:, :, targets_at]
            valid = known[:, :, targets_at]
            mean = (targets * valid).sum(axis=1) / np.maximum(valid.sum(axis=1), 1)
            scale = np.where(mean > 0, mean, 1.0)
            windows[:, :, targets_at] = targets / scale[:, None, :] * in_length
        elif self.normalize != "global":
            targets = windows[:, :, targets_at]
            valid = known[:, :, targets_at]
            counts = np.maximum(valid.sum(axis=1), 1)
            loc = (targets * valid).sum(axis=1) / counts
            spread = np.sqrt((((targets - loc[:, None, :]) * valid) ** 2).sum(axis=1) / counts)
            if self.normalize == "seasonal_naive":
                spread = _seasonal_change(
                    np.where(valid, raw[:, :, targets_at], np.nan), self.season, fallback=spread
                )
            scale = nonzero_scale(spread, loc)
            windows[:, :, targets_at] = (targets - loc[:, None, :]) / scale[:, None, :] * in_length
        return windows.astype(np.float32), loc, scale

    def _covariates(self, series, ends):
        """Future covariates of the ``steps`` rows after every end; zero where one is unknown."""
        if not self.layout.future:
            return np.zeros((len(ends), 0))
        rows = _following(ends, self.steps)
        covariates = series[:, self.layout.future][np.minimum(rows, len(series) - 1)]
        covariates[rows[:, -1] >= len(series)] = 0.0
        return covariates.reshape(len(ends), -1)


def _seasonal_change(targets, season, *, fallback):
    """Mean absolute change over one season within every window: MASE's scale.

    ``targets`` holds NaN where a value is missing or past the window's
    length; ``fallback`` (n_windows, n_targets) stands for windows without two
    known rows a season apart.
    """
    changes = np.abs(targets[:, season:] - targets[:, :-season])
    real = ~np.isnan(changes)
    n_changes = real.sum(axis=1)
    mean = np.where(real, changes, 0.0).sum(axis=1) / np.maximum(n_changes, 1)
    return np.where(n_changes > 0, mean, fallback)


def _has_known_target(raw, lengths, targets):
    """Whether each window holds a known (non-NaN) target value within its length."""
    in_length = np.arange(raw.shape[1])[None, :] < lengths[:, None]
    return ((~np.isnan(raw[:, :, targets])).any(axis=2) & in_length).any(axis=1)


def _forward_filled(windows):
    """``windows`` (n_windows, steps, n_columns) with every NaN replaced by the latest
    non-NaN value before it in its window and column (NaN if there is none)."""
    steps = np.arange(windows.shape[1])[None, :, None]
    latest = np.maximum.accumulate(np.where(np.isnan(windows), -1, steps), axis=1)
    filled = np.take_along_axis(windows, np.maximum(latest, 0), axis=1)
    return np.where(latest >= 0, filled, np.nan)


def _column_means(windows, known):
    """Mean of every column's known values in every window; 0 where none is known."""
    counts = known.sum(axis=1)
    sums = np.where(known, windows, 0.0).sum(axis=1)
    return np.where(counts > 0, sums / np.maximum(counts, 1), 0.0)


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
