"""Historical forecasts: a fitted forecaster run from many origins of a table.

From an origin (a row of a series) the forecaster forecasts the ``horizon``
rows after it, reading the ``lookback`` rows up to it: what
``forecast(X up to the origin)`` reads. Origins with fewer rows before them
are skipped, never read from a shortened window. :func:`historical_forecasts`
returns the forecasts as a long DataFrame; the forecast scorers of
``sklearn_rnn.metrics`` run the same core, :func:`series_forecasts`, on a test
fold that continues the training history (:func:`continued_forecasts`).
"""

from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import pandas as pd

from ._time_index import TIME_INDEXES, continue_index, has_frequency


@dataclass
class SeriesForecasts:
    """The forecasts of one series from some of its rows (the origins).

    Attributes
    ----------
    sid : object
        The series id; None for a table of one series.
    origins : ndarray of shape (n_origins,)
        Positions of the origins among the series' rows.
    forecasts : ndarray of shape (n_origins, horizon, n_targets, n_levels)
        Every quantile level, or the point forecast alone (``n_levels=1``);
        NaN where a future covariate is unknown.
    truth : ndarray of shape (n_origins, horizon, n_targets)
        The targets of the rows forecast; NaN past the series' end or where missing.
    index : pandas.Index or None
        The time index of the series' rows.
    n_rows : int
        Rows of the series.
    """

    sid: object
    origins: np.ndarray
    forecasts: np.ndarray
    truth: np.ndarray
    index: pd.Index | None
    n_rows: int


def series_forecasts(forecaster, table, origins_of):
    """The forecasts of every series of ``table`` from its origins.

    ``origins_of(sid, n_rows, index)`` gives the candidate origins of a
    series; those with fewer than ``lookback`` rows up to them and the rows
    inserted for missing time stamps are left out. Series left without an
    origin are left out.
    """
    builder = forecaster._window_builder()
    results = []
    for sid, rows in table.segments():
        index = table.segment_index(sid, rows)
        origins = np.asarray(origins_of(sid, len(rows), index), dtype=np.intp)
        origins = origins[origins >= forecaster.lookback - 1]
        if table.filled is not None:
            origins = origins[~table.filled[rows][origins]]
        if len(origins) == 0:
            continue
        values = table.values[rows]
        windows = builder.windows(values, origins)
        forecasts = forecaster._forecasts(builder, windows, sid)
        truth = builder.truth(values)[origins]
        results.append(SeriesForecasts(sid, origins, forecasts, truth, index, len(rows)))
    return results


def checked_table(forecaster, X, y=None):
    """X (with the targets ``y`` of a forecaster fitted with y) validated as a table.

    As in ``score``, y is required by a forecaster fitted with y and ignored
    by one whose targets are columns of X.
    """
    forecaster._check_fitted()
    if forecaster._layout_.reads_targets:
        return forecaster._predict_table(X)
    if y is None:
        raise ValueError(
            "The forecaster was fitted with y, so its forecasts are compared with y: pass "
            "the true targets of X's rows as y."
        )
    return forecaster._predict_table(X, y)


# Historical forecasts ----------------------------------------------------------------


def historical_forecasts(forecaster, X, y=None, *, start=None, stride=1, quantiles=True):
    """Forecasts of a fitted forecaster from every origin of X, as a long DataFrame.

    From ``start`` on, every ``stride`` rows of every series is an origin;
    its forecast of the next ``horizon`` rows reads the ``lookback`` rows up
    to it, and origins with fewer rows before them are skipped.

    Parameters
    ----------
    forecaster : RNNForecaster
        A fitted forecaster.
    X : table
        Time-ordered table with the columns seen in fit.
    y : array-like or None, default=None
        The targets of X's rows, for a forecaster fitted with y.
    start : int, float, time stamp or None, default=None
        The first origin of every series: a position (negative from the end),
        a fraction of its rows in [0, 1) (the first origin is at
        ``int(start * n_rows)``) or a time stamp (the first row at or after
        it; needs a datetime or period index). None: the first row with
        ``lookback`` rows up to it.
    stride : int, default=1
        Rows between origins, counted from ``start``.
    quantiles : bool, default=True
        Add a column per quantile level (``"q0.1"``, ...) when the forecaster
        was fitted with quantiles.

    Returns
    -------
    forecasts : DataFrame
        One row per series, origin, step (and target, with a ``"target"``
        column when there are several): the series id (column named like
        ``series_id``, or ``"series"``; 0 for a table of one series),
        ``"cutoff"`` (the origin's time stamp, or its position in the series
        without a time index), ``"time"`` (the forecast row's), ``"y"`` (the
        truth, NaN past X's end or where missing), ``"forecast"`` (the point
        forecast) and the quantile columns.
    """
    _check_stride(stride)
    _check_start(start)
    table = checked_table(forecaster, X, y)

    def origins_of(sid, n_rows, index):
        first = forecaster.lookback - 1 if start is None else _position(start, n_rows, index)
        return np.arange(first, n_rows, stride)

    results = series_forecasts(forecaster, table, origins_of)
    if not results:
        raise ValueError(
            f"X has no origin from start={start!r} with lookback={forecaster.lookback} rows "
            "up to it in any series: give an earlier start or a longer X."
        )
    return pd.concat(
        [_series_frame(forecaster, result, quantiles=quantiles) for result in results],
        ignore_index=True,
    )


def _check_stride(stride):
    if isinstance(stride, bool) or not isinstance(stride, Integral) or stride < 1:
        raise ValueError(
            f"stride must be a positive integer (rows between origins); got {stride!r}."
        )


def _check_start(start):
    if isinstance(start, bool):
        raise TypeError(
            "start must be a position (int), a fraction (float) or a time stamp; got a bool."
        )
    if isinstance(start, Real) and not isinstance(start, Integral) and not 0 <= start < 1:
        raise ValueError(
            f"start={start!r} as a float is a fraction of every series' rows, in [0, 1); "
            "give an int for a position."
        )


def _position(start, n_rows, index):
    """The position in a series of ``n_rows`` rows (time index ``index``) of ``start``."""
    if isinstance(start, Integral):
        return start if start >= 0 else max(0, n_rows + start)
    if isinstance(start, Real):
        return int(start * n_rows)
    if not isinstance(index, TIME_INDEXES):
        raise TypeError(
            f"start={start!r} is a time stamp, but X has no datetime or period time index; "
            "give a position (int) or a fraction of the rows (float)."
        )
    try:
        if isinstance(index, pd.PeriodIndex):
            stamp = start if isinstance(start, pd.Period) else pd.Period(start, freq=index.freq)
        else:
            stamp = pd.Timestamp(start)
        return int(index.searchsorted(stamp))
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"start={start!r} cannot be compared with X's time index ({index.dtype}): {exc}"
        ) from None


def _series_frame(forecaster, result, *, quantiles):
    """The long rows of one series' forecasts: origin, step, then target, vary slowest first."""
    n_origins, horizon, n_targets, _ = result.forecasts.shape
    stamps = _stamps(result, horizon, forecaster.freq_)
    following = (result.origins[:, None] + np.arange(1, horizon + 1)[None, :]).ravel()
    columns = {
        forecaster.series_id or "series": np.full(
            n_origins * horizon * n_targets, 0 if result.sid is None else result.sid
        ),
        "cutoff": stamps.take(result.origins).repeat(horizon * n_targets),
        "time": stamps.take(following).repeat(n_targets),
    }
    if n_targets > 1:
        columns["target"] = np.tile(
            np.asarray(forecaster.target_names_, dtype=object), len(following)
        )
    columns["y"] = result.truth.ravel()
    columns["forecast"] = forecaster._point(result.forecasts).ravel()
    levels = forecaster._quantiles_
    if quantiles and levels is not None:
        for position, level in enumerate(levels):
            columns[f"q{level:g}"] = result.forecasts[..., position].ravel()
    return pd.DataFrame(columns)


def _stamps(result, horizon, freq):
    """The time stamps of a series' rows and of the ``horizon`` rows after it (positions
    without a time index)."""
    index = result.index
    numeric = index is not None and pd.api.types.is_numeric_dtype(index)
    if not (isinstance(index, TIME_INDEXES) or numeric):
        return pd.RangeIndex(result.n_rows + horizon)
    if result.origins[-1] + horizon < result.n_rows:
        return index
    return index.append(continue_index(index, horizon, freq))


# Test folds that continue the training data ------------------------------------------


def continued_forecasts(forecaster, X, y=None):
    """The forecasts of X's rows, X being the rows that follow the training data.

    Every series of X continues its stored training history (the last
    ``lookback`` rows seen in fit): the origins are the history's last row
    and every row of X but the last, each reading the history and the rows
    of X before it, so that no window is shortened.

    Returns
    -------
    results : list of SeriesForecasts
        Per series of X, positions counted from the start of its history.
    histories : dict
        The target values (n_history, n_targets) of every series' history.
    """
    table = checked_table(forecaster, X, y)
    history = forecaster._history_
    rows_of = dict(history.segments())
    ids = [sid for sid, _ in table.segments()]
    unknown = [sid for sid in ids if sid not in rows_of]
    if unknown:
        raise ValueError(
            f"X holds series {unknown} that the forecaster was not fitted on. The forecast "
            "scorers score the rows that follow each series' training rows, so every series "
            "of X needs rows in the training fold (a series that starts after the cutoff has "
            "none)."
        )
    for sid, rows in table.segments():
        _check_follows(history, rows_of[sid], table.segment_index(sid, rows), sid, forecaster)
    combined = history.select(ids).extended(table)

    def origins_of(sid, n_rows, index):
        return np.arange(len(rows_of[sid]) - 1, n_rows - 1)

    targets = forecaster._layout_.targets
    histories = {sid: history.values[rows_of[sid]][:, targets] for sid in ids}
    return series_forecasts(forecaster, combined, origins_of), histories


def _check_follows(history, rows, index, sid, forecaster):
    """Raise unless the time index ``index`` of a series in X continues its history."""
    history_index = history.segment_index(sid, rows)
    if history_index is None or index is None:
        return  # arrays: the rows are taken to follow
    last, first = history_index[-1], index[0]
    expected = _next_stamp(history, history_index, forecaster.freq_)
    if (expected is None or first == expected) and _after(first, last):
        return
    which = "X" if sid is None else f"Series {sid!r}"
    should = "after it" if expected is None else f"at {expected}"
    raise ValueError(
        f"X must hold the rows that follow the data the forecaster was fitted on: {which} "
        f"ends at {last} in training, so its rows in X should start {should}, but they start "
        f"at {first}. Score a test fold that starts right after its training fold "
        "(PanelTimeSplit or TimeSeriesSplit with gap=0)."
    )


def _next_stamp(history, history_index, freq):
    """The stamp after ``history_index`` on its frequency; None where it has none to check."""
    if not has_frequency(history):
        return None
    try:
        return continue_index(history_index, 1, freq)[0]
    except ValueError:
        return None


def _after(first, last):
    try:
        return bool(first > last)
    except TypeError:
        return False
