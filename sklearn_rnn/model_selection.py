"""Cross-validation by time for panels: every fold cuts all series at the same time."""

import warnings
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.model_selection import BaseCrossValidator

from ._tables import _is_series_list

__all__ = ["PanelTimeSplit"]


class PanelTimeSplit(BaseCrossValidator):
    """Time-ordered folds of a panel: every series up to a cutoff, then the next block.

    ``TimeSeriesSplit`` splits by rows, so on a long table of many series
    (rows of one series after another) its folds hold whole series, not
    earlier and later rows. This splitter numbers the time steps of the
    panel instead and splits them as ``TimeSeriesSplit`` splits rows: fold
    ``i`` trains on the rows of **every** series up to its cutoff and tests on
    the rows of every series at the next ``test_size`` time steps, after
    leaving ``gap`` steps out.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds (1 or more).
    test_size : int or None, default=None
        Time steps in every test fold; None: ``n_steps // (n_splits + 1)``.
    gap : int, default=0
        Time steps left out between every training and test fold. The
        forecast scorers of ``sklearn_rnn.metrics`` need the test rows to
        follow the training rows, so they need ``gap=0``.
    max_train_size : int or None, default=None
        The most time steps in a training fold (the latest ones).
    series_id : str or None, default=None
        Column of a long DataFrame that names the series of every row (as
        ``RNNForecaster(series_id=...)``). None: X is one series.
    time : str or None, default=None
        Column of a DataFrame that holds the time stamps. None: the index
        when it is a ``DatetimeIndex`` or ``PeriodIndex``; otherwise the rows
        of every series are its time steps and the series are aligned at
        their last rows (every series ends at the same time, as in a panel
        observed up to today).

    See Also
    --------
    sklearn.model_selection.TimeSeriesSplit : Time-ordered folds of one series.
    sklearn_rnn.metrics.get_forecast_scorer : Scorers of such folds.

    Notes
    -----
    The time steps are the distinct stamps of all series, sorted; with a
    time index or column, a fold holds the rows of those stamps, so series
    need not share their start, end or length. A series shorter than the
    panel has fewer rows in the early folds, or none: a series with no row
    before a cutoff is absent from that training fold but may be in its test
    fold, which the forecast scorers refuse (a series unknown to the fitted
    forecaster); a series with fewer than ``lookback + horizon`` rows in a
    training fold makes ``RNNForecaster.fit`` raise (or skip it, with
    ``short_series="skip"``). Choose ``n_splits`` and ``test_size`` so that
    the first training fold is long enough for every series.

    Within every series the rows must be in increasing time order. A list of
    series cannot be split: scikit-learn indexes a list by its items, so a
    fold could only hold whole series; make one long DataFrame with a series
    column instead (``split`` says how).

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklearn_rnn.model_selection import PanelTimeSplit
    >>> days = pd.date_range("2024-01-01", periods=6, freq="D")
    >>> panel = pd.DataFrame(
    ...     {"store": ["a"] * 6 + ["b"] * 6, "sales": np.arange(12.0)},
    ...     index=days.append(days),
    ... )
    >>> for train, test in PanelTimeSplit(n_splits=2, series_id="store").split(panel):
    ...     print(train, test)
    [0 1 6 7] [2 3 8 9]
    [0 1 2 3 6 7 8 9] [ 4  5 10 11]
    """

    def __init__(
        self, n_splits=5, *, test_size=None, gap=0, max_train_size=None, series_id=None, time=None
    ):
        self.n_splits = n_splits
        self.test_size = test_size
        self.gap = gap
        self.max_train_size = max_train_size
        self.series_id = series_id
        self.time = time

    def get_n_splits(self, X=None, y=None, groups=None):
        """The number of folds.

        Parameters
        ----------
        X, y, groups : object
            Ignored, exist for compatibility.

        Returns
        -------
        n_splits : int
            ``n_splits``.
        """
        self._check_params()
        return self.n_splits

    def split(self, X, y=None, groups=None):
        """The row positions of every training and test fold.

        Parameters
        ----------
        X : DataFrame, Series or array-like of shape (n_rows,) or (n_rows, n_columns)
            One series, or a long DataFrame of many series with the
            ``series_id`` column. A list of series raises ``ValueError``: its
            items are what scikit-learn indexes, and positions of series
            cannot cut them by time. Stack it into a long DataFrame first,
            e.g. ``pd.concat([pd.DataFrame(s) for s in X], keys=range(len(X)),
            names=["series", None]).reset_index(level="series")``, and use
            ``series_id="series"`` here and in the forecaster.
        y : object
            Ignored.
        groups : object
            Ignored (the series come from ``series_id``).

        Yields
        ------
        train : ndarray
            Positions of the rows of every series before the cutoff, in X's order.
        test : ndarray
            Positions of the rows of every series in the test block, in X's order.
        """
        self._check_params()
        if groups is not None:
            warnings.warn(
                "The groups parameter is ignored by PanelTimeSplit; the series come from "
                "series_id.",
                UserWarning,
                stacklevel=2,
            )
        steps, n_steps = self._time_steps(X)
        for (train_start, train_end), (test_start, test_end) in self._folds(n_steps):
            yield (
                np.flatnonzero((steps >= train_start) & (steps < train_end)),
                np.flatnonzero((steps >= test_start) & (steps < test_end)),
            )

    def _check_params(self):
        _check_count("n_splits", self.n_splits, minimum=1)
        _check_count("test_size", self.test_size, minimum=1, optional=True)
        _check_count("gap", self.gap, minimum=0)
        _check_count("max_train_size", self.max_train_size, minimum=1, optional=True)
        for name in ("series_id", "time"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise TypeError(f"{name} must be a column name (str) or None; got {value!r}.")

    def _folds(self, n_steps):
        """(start, end) of the time steps of every training and test fold."""
        n_splits, gap = self.n_splits, self.gap
        test_size = self.test_size if self.test_size is not None else n_steps // (n_splits + 1)
        if test_size == 0 or n_steps - gap - n_splits * test_size <= 0:
            raise ValueError(
                f"X has {n_steps} time steps: too few for n_splits={n_splits} test folds of "
                f"test_size={test_size} step(s) after gap={gap} and a training fold; lower "
                "n_splits, test_size or gap."
            )
        folds = []
        for test_start in range(n_steps - n_splits * test_size, n_steps, test_size):
            train_end = test_start - gap
            train_start = 0
            if self.max_train_size is not None:
                train_start = max(0, train_end - self.max_train_size)
            folds.append(((train_start, train_end), (test_start, test_start + test_size)))
        return folds

    def _time_steps(self, X):
        """The time step (0, 1, ...) of every row of X, and the number of steps."""
        if _is_series_list(X):
            raise ValueError(
                f"X is a list of {len(X)} series. scikit-learn indexes a list by its items, so "
                "the folds of a list can only hold whole series, never their earlier and later "
                "rows. Stack the series into one long DataFrame with a series column, e.g. "
                "pd.concat([pd.DataFrame(s) for s in X], keys=range(len(X)), "
                "names=['series', None]).reset_index(level='series'), and pass "
                "series_id='series' to PanelTimeSplit and RNNForecaster."
            )
        series = self._series(X)
        stamps, label = self._stamps(X, series)
        unique = pd.Index(stamps).unique()
        if unique.hasnans:
            raise ValueError(f"The {label} holds missing time stamps (NaN or NaT).")
        steps = unique.sort_values().get_indexer(stamps)
        _check_order(steps, series, label)
        return steps, len(unique)

    def _series(self, X):
        if self.series_id is None:
            return None
        if not isinstance(X, pd.DataFrame) or self.series_id not in X.columns:
            raise ValueError(
                f"series_id={self.series_id!r} is not a column of X; PanelTimeSplit(series_id=) "
                "needs a long DataFrame with that column."
            )
        return X[self.series_id].to_numpy()

    def _stamps(self, X, series):
        """The time stamp of every row and what holds them (for error messages)."""
        if self.time is not None:
            if not isinstance(X, pd.DataFrame) or self.time not in X.columns:
                raise ValueError(
                    f"time={self.time!r} is not a column of X; PanelTimeSplit(time=) needs a "
                    "DataFrame with that column."
                )
            return X[self.time].to_numpy(), f"time column {self.time!r}"
        index = getattr(X, "index", None)
        if isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex)):
            return index, "time index"
        return _aligned_positions(_n_rows(X), series), "row order"


def _check_count(name, value, *, minimum, optional=False):
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        allowed = f"an integer >= {minimum}" + (" or None" if optional else "")
        raise ValueError(f"{name} must be {allowed}; got {value!r}.")


def _n_rows(X):
    if np.ndim(X) == 0:
        raise ValueError(f"X must be a table of rows (time steps); got {type(X).__name__}.")
    return len(X)


def _aligned_positions(n_rows, series):
    """Rows counted back from the last row of their series (-1 for the last)."""
    if series is None:
        return np.arange(n_rows) - n_rows
    grouped = pd.Series(series).groupby(series, sort=False)
    return (grouped.cumcount() - grouped.transform("size")).to_numpy()


def _check_order(steps, series, label):
    """Raise unless the time steps of every series increase along X's rows."""
    for sid in [None] if series is None else pd.unique(series):
        own = steps if sid is None else steps[series == sid]
        if np.any(np.diff(own) <= 0):
            which = "X" if sid is None else f"series {sid!r}"
            hint = "" if series is not None else " (many series in one table? set series_id)"
            raise ValueError(
                f"The {label} of {which} is not increasing or repeats a time stamp{hint}; "
                "sort X by series and time first."
            )
