"""Forecast metrics, and scorers that backtest a fitted RNNForecaster on the rows after its data.

The metrics are functions of the truth and the forecasts. NaN in ``y_true``
(a missing or future value) is left out. Given ``series`` (the series of
every row), a metric is computed for every series apart and the results are
averaged, each series weighing the same, so that long or large series do not
dominate.

The scorers follow scikit-learn's protocol, ``scorer(estimator, X, y=None)``,
greater is better (losses are negated, as in scikit-learn's ``neg_*``
scorers), so that they serve as ``scoring=`` of ``GridSearchCV`` and
``cross_validate`` for an ``RNNForecaster`` fitted with ``y=None``. They read
``X`` as the rows that follow the data the forecaster was fitted on (a test
fold cut by time, e.g. by :class:`sklearn_rnn.model_selection.PanelTimeSplit`):
every series of ``X`` is forecast from the end of its stored training history
(the last ``lookback`` rows seen in fit) and from every row of ``X`` but the
last, each forecast reading the history and the rows of ``X`` before its
origin, so that no window is shortened. Every (origin, step) whose true value
is a row of ``X`` counts once; the metric is averaged over the series and
target columns, each weighing the same.
"""

import inspect
from numbers import Integral

import numpy as np
import pandas as pd

from ._backtest import continued_forecasts
from ._forecaster import RNNForecaster
from ._validation import as_numeric, check_dense

__all__ = [
    "ForecastScorer",
    "get_forecast_scorer",
    "get_forecast_scorer_names",
    "interval_coverage",
    "make_forecast_scorer",
    "mean_absolute_scaled_error",
    "pinball_loss",
    "root_mean_squared_scaled_error",
    "symmetric_mean_absolute_percentage_error",
]


# Metrics ------------------------------------------------------------------------------


def mean_absolute_scaled_error(y_true, y_pred, *, y_train, m=1, series=None, train_series=None):
    """Mean absolute scaled error (MASE, Hyndman & Koehler 2006).

    The mean absolute error of the forecasts divided by the mean absolute
    error of the seasonal naive forecast in sample: ``mean(|y_train[t] -
    y_train[t - m]|)``. Below 1, the forecasts beat the naive one-season-back
    forecast on the training data.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        True values; NaN is left out (a missing value, or one not yet known).
    y_pred : array-like of the shape of y_true
        Forecasts; finite wherever ``y_true`` is known.
    y_train : array-like of shape (n_train,)
        The series' values before the forecasts, in time order; the scale
        reads the pairs of known values ``m`` rows apart.
    m : int, default=1
        Seasonal period of the naive forecast (1: the previous value).
    series : array-like of shape (n_samples,) or None, default=None
        The series of every row of y_true (all outputs of a row belong to its
        series). The MASE of every series is averaged, each weighing the same.
    train_series : array-like of shape (n_train,) or None, default=None
        The series of every value of y_train; required with ``series``.

    Returns
    -------
    loss : float
        0 is perfect.

    Examples
    --------
    >>> from sklearn_rnn.metrics import mean_absolute_scaled_error
    >>> mean_absolute_scaled_error([3.0, 5.0], [4.0, 5.0], y_train=[1.0, 2.0, 4.0])
    0.333...
    """
    return _scaled_error(y_true, y_pred, y_train, m, series, train_series, power=1)


def root_mean_squared_scaled_error(y_true, y_pred, *, y_train, m=1, series=None, train_series=None):
    """Root mean squared scaled error (RMSSE, the point metric of the M5 competition).

    ``sqrt(mean((y_true - y_pred) ** 2) / mean((y_train[t] - y_train[t - m]) ** 2))``:
    the squared errors scaled by those of the seasonal naive forecast in
    sample. Unlike M5, the scale reads all of y_train (M5 starts it at the
    first non-zero sale) and series weigh the same (M5 weighs them by sales).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        True values; NaN is left out.
    y_pred : array-like of the shape of y_true
        Forecasts; finite wherever ``y_true`` is known.
    y_train : array-like of shape (n_train,)
        The series' values before the forecasts, in time order.
    m : int, default=1
        Seasonal period of the naive forecast.
    series : array-like of shape (n_samples,) or None, default=None
        The series of every row of y_true; the RMSSE of every series is averaged.
    train_series : array-like of shape (n_train,) or None, default=None
        The series of every value of y_train; required with ``series``.

    Returns
    -------
    loss : float
        0 is perfect.

    Examples
    --------
    >>> from sklearn_rnn.metrics import root_mean_squared_scaled_error
    >>> root_mean_squared_scaled_error([3.0, 5.0], [4.0, 5.0], y_train=[1.0, 2.0, 4.0])
    0.447...
    """
    return _scaled_error(y_true, y_pred, y_train, m, series, train_series, power=2)


def symmetric_mean_absolute_percentage_error(y_true, y_pred, *, series=None):
    """Symmetric mean absolute percentage error (sMAPE), as a fraction.

    ``mean(2 |y_true - y_pred| / (|y_true| + |y_pred|))``, between 0 and 2;
    a point where both are 0 counts as 0. As scikit-learn's
    ``mean_absolute_percentage_error``, it is not multiplied by 100.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        True values; NaN is left out.
    y_pred : array-like of the shape of y_true
        Forecasts; finite wherever ``y_true`` is known.
    series : array-like of shape (n_samples,) or None, default=None
        The series of every row of y_true; the sMAPE of every series is averaged.

    Returns
    -------
    loss : float
        0 is perfect.

    Examples
    --------
    >>> from sklearn_rnn.metrics import symmetric_mean_absolute_percentage_error
    >>> symmetric_mean_absolute_percentage_error([1.0, 2.0], [3.0, 2.0])
    0.5
    """
    truth, arrays, ids = _known(y_true, {"y_pred": (y_pred, 0)}, series)
    return float(_series_mean(_smape, ids, truth, arrays["y_pred"]))


def pinball_loss(y_true, y_quantiles, quantiles, *, series=None, per_level=False):
    """Pinball (quantile) loss of quantile forecasts.

    For a level ``q`` and its forecast ``f``: ``mean(max(q (y - f), (q - 1) (y - f)))``,
    the loss that quantile regression minimizes; then the mean over levels.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        True values; NaN is left out.
    y_quantiles : array-like of shape y_true.shape + (n_levels,)
        The forecast of every level, on a last axis.
    quantiles : array-like of shape (n_levels,)
        The levels, in (0, 1).
    series : array-like of shape (n_samples,) or None, default=None
        The series of every row of y_true; the losses of every series are averaged.
    per_level : bool, default=False
        Return the loss of every level instead of their mean.

    Returns
    -------
    loss : float or ndarray of shape (n_levels,)
        0 is perfect.

    Examples
    --------
    >>> from sklearn_rnn.metrics import pinball_loss
    >>> pinball_loss([10.0], [[8.0, 12.0]], [0.1, 0.9], per_level=True)
    array([0.2, 0.2])
    """
    levels = _check_levels(quantiles)
    truth, arrays, ids = _known(y_true, {"y_quantiles": (y_quantiles, 1)}, series)
    forecasts = arrays["y_quantiles"]
    if forecasts.shape[1] != len(levels):
        raise ValueError(
            f"y_quantiles has {forecasts.shape[1]} levels on its last axis, but quantiles "
            f"holds {len(levels)}: {levels.tolist()}."
        )
    losses = _series_mean(lambda t, f: _pinball(t, f, levels), ids, truth, forecasts)
    return losses if per_level else float(np.mean(losses))


def interval_coverage(y_true, lower, upper, *, series=None):
    """Share of the true values inside the forecast intervals ``[lower, upper]``.

    For intervals between the quantile levels ``a`` and ``b``, compare with
    the nominal coverage ``b - a`` (0.8 for the 10-90 % interval).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        True values; NaN is left out.
    lower, upper : array-like of the shape of y_true
        The bounds of every interval, ``lower <= upper``.
    series : array-like of shape (n_samples,) or None, default=None
        The series of every row of y_true; the coverage of every series is averaged.

    Returns
    -------
    coverage : float
        Between 0 and 1.

    Examples
    --------
    >>> from sklearn_rnn.metrics import interval_coverage
    >>> interval_coverage([1.0, 5.0, 3.0, 4.0], [0.0, 0.0, 3.0, 0.0], [2.0, 2.0, 4.0, 2.0])
    0.5
    """
    truth, arrays, ids = _known(y_true, {"lower": (lower, 0), "upper": (upper, 0)}, series)
    low, high = arrays["lower"], arrays["upper"]
    crossed = np.count_nonzero(low > high)
    if crossed:
        raise ValueError(
            f"lower is above upper at {crossed} known value(s); every interval needs "
            "lower <= upper."
        )
    return float(_series_mean(_coverage, ids, truth, low, high))


def _mean_absolute(errors):
    return np.mean(np.abs(errors))


def _mean_squared(errors):
    return np.mean(errors**2)


def _scaled_error(y_true, y_pred, y_train, m, series, train_series, *, power):
    """MASE (``power=1``) or RMSSE (``power=2``) of every series, averaged."""
    if isinstance(m, bool) or not isinstance(m, Integral) or m < 1:
        raise ValueError(f"m must be a positive integer (the seasonal period); got {m!r}.")
    truth, arrays, ids = _known(y_true, {"y_pred": (y_pred, 0)}, series)
    scales = _naive_scales(y_train, train_series, ids, m, power)
    mean_error = _mean_absolute if power == 1 else _mean_squared

    def scaled(truth, forecasts, scale):
        ratio = mean_error(truth - forecasts) / scale[0]
        return ratio if power == 1 else np.sqrt(ratio)

    return float(_series_mean(scaled, ids, truth, arrays["y_pred"], scales))


def _naive_scales(y_train, train_series, ids, m, power):
    """The in-sample error of the seasonal naive forecast, for every value of ``ids``."""
    train = _numbers(y_train, "y_train")
    if train.ndim != 1:
        raise ValueError(
            f"y_train must be 1-D (the values of the series in time order); got shape "
            f"{train.shape}."
        )
    if ids is None:
        if train_series is not None:
            raise ValueError("train_series needs series: the series of every row of y_true.")
        return np.full(1, _naive_scale(train, m, power, ""))
    if train_series is None:
        raise ValueError(
            "series needs train_series: the series of every value of y_train, so that each "
            "series is scaled by its own naive error."
        )
    train_ids = np.asarray(train_series)
    if train_ids.shape != train.shape:
        raise ValueError(
            f"train_series has shape {train_ids.shape}, but y_train has shape {train.shape}."
        )
    train_codes, train_uniques = pd.factorize(train_ids)
    code_of = {sid: code for code, sid in enumerate(train_uniques.tolist())}
    codes, uniques = pd.factorize(ids)
    uniques = uniques.tolist()
    scale_of = {}
    for sid in uniques:
        if sid not in code_of:
            raise ValueError(
                f"Series {sid!r} of y_true has no value in y_train (train_series): each "
                "series is scaled by the naive error of its own training values."
            )
        values = train[train_codes == code_of[sid]]
        scale_of[sid] = _naive_scale(values, m, power, f" of series {sid!r}")
    return np.array([scale_of[sid] for sid in uniques])[codes]


def _naive_scale(train, m, power, which):
    changes = train[m:] - train[:-m]
    changes = changes[~np.isnan(changes)]
    if len(changes) == 0:
        raise ValueError(
            f"y_train{which} has no two known values m={m} rows apart, so the naive error "
            f"that scales the forecast errors is unknown; it needs more than m={m} values."
        )
    scale = np.mean(np.abs(changes) ** power)
    if scale == 0:
        raise ValueError(
            f"y_train{which} is constant over every season (the naive forecast with m={m} is "
            "exact in sample), so the scaled error is undefined; use another metric for it."
        )
    return scale


def _smape(truth, forecasts):
    denominator = np.abs(truth) + np.abs(forecasts)
    error = 2 * np.abs(truth - forecasts)
    return np.mean(np.divide(error, denominator, out=np.zeros_like(error), where=denominator > 0))


def _pinball(truth, forecasts, levels):
    difference = truth[:, None] - forecasts
    return np.mean(np.maximum(levels * difference, (levels - 1) * difference), axis=0)


def _coverage(truth, low, high):
    return np.mean((truth >= low) & (truth <= high))


def _check_levels(quantiles):
    levels = _numbers(quantiles, "quantiles")
    if levels.ndim != 1 or len(levels) == 0 or np.any((levels <= 0) | (levels >= 1)):
        raise ValueError(
            f"quantiles must be a 1-D list of levels in (0, 1); got {np.asarray(quantiles)!r}."
        )
    return levels


def _numbers(values, name):
    check_dense(values, name)
    array = as_numeric(values, name, dtype=np.float64)
    if array.ndim == 0:
        raise ValueError(f"{name} must be array-like; got the scalar {values!r}.")
    if np.isinf(array).any():
        raise ValueError(f"{name} contains infinity.")
    return array


def _known(y_true, forecasts, series):
    """The known values of y_true, their forecasts and their series, flattened.

    ``forecasts`` maps names to (array-like, number of axes after those of
    y_true). Returns y_true's known values (n_known,), the forecast arrays
    (n_known, ...) by name, and the series of every value (None without).
    """
    truth = _numbers(y_true, "y_true")
    known = ~np.isnan(truth.ravel())
    if not known.any():
        raise ValueError("y_true has no known value (all NaN): there is nothing to score.")
    arrays = {}
    for name, (values, extra_axes) in forecasts.items():
        array = _numbers(values, name)
        if array.ndim != truth.ndim + extra_axes or array.shape[: truth.ndim] != truth.shape:
            expected = "y_true's shape" + (" plus a last axis" if extra_axes else "")
            raise ValueError(
                f"{name} has shape {array.shape}, but needs {expected}: y_true has shape "
                f"{truth.shape}."
            )
        array = array.reshape(truth.size, *array.shape[truth.ndim :])[known]
        unknown = np.count_nonzero(np.isnan(array).reshape(len(array), -1).any(axis=1))
        if unknown:
            raise ValueError(
                f"{name} holds NaN at {unknown} value(s) where y_true is known; forecasts "
                "must be finite wherever the truth is known (leave those values out, or set "
                "y_true to NaN there)."
            )
        arrays[name] = array
    ids = _series_of(series, truth)
    return truth.ravel()[known], arrays, None if ids is None else ids[known]


def _series_of(series, truth):
    """The series of every value of ``truth`` (flattened), from the series of its rows."""
    if series is None:
        return None
    ids = np.asarray(series)
    if ids.shape != truth.shape[:1]:
        raise ValueError(
            f"series has shape {ids.shape}, but needs one id per row of y_true: "
            f"({truth.shape[0]},)."
        )
    per_value = np.broadcast_to(ids.reshape(-1, *[1] * (truth.ndim - 1)), truth.shape)
    return per_value.ravel()


def _series_mean(score, ids, *arrays):
    """``score(*arrays)`` of every series, averaged (each series weighs the same)."""
    if ids is None:
        return score(*arrays)
    codes, uniques = pd.factorize(ids)
    order = np.argsort(codes, kind="stable")
    bounds = np.cumsum(np.bincount(codes, minlength=len(uniques)))[:-1]
    groups = zip(*(np.split(array[order], bounds) for array in arrays), strict=True)
    return np.mean([score(*group) for group in groups], axis=0)


# Scorers ------------------------------------------------------------------------------

# How each of the metrics above reads a backtest; other callables get (y_true, y_pred).
_SCALED = "scaled"
_POINT = "point"
_QUANTILES = "quantiles"
_INTERVAL = "interval"
_READS = {
    mean_absolute_scaled_error: _SCALED,
    root_mean_squared_scaled_error: _SCALED,
    symmetric_mean_absolute_percentage_error: _POINT,
    pinball_loss: _QUANTILES,
    interval_coverage: _INTERVAL,
}


def _greater_is_better(metric):
    """The default direction: this module's losses are smaller-is-better, the rest greater."""
    return metric not in _READS or metric is interval_coverage


class ForecastScorer:
    """A scorer of forecasts on the rows that follow a forecaster's training data.

    Made by :func:`make_forecast_scorer` or :func:`get_forecast_scorer`;
    called as ``scorer(estimator, X, y=None)``: see the module docstring
    for what it forecasts and scores.

    Parameters
    ----------
    metric : callable
        The metric, ``metric(y_true, y_pred, **kwargs)`` or one of this
        module's metrics.
    sign : {1, -1}
        -1 negates the metric (smaller is better).
    kwargs : dict
        Passed to the metric.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import RNNForecaster
    >>> from sklearn_rnn.metrics import get_forecast_scorer
    >>> y = np.sin(np.arange(60) / 3) + 2
    >>> fc = RNNForecaster(lookback=8, horizon=2, hidden_size=4, max_iter=2,
    ...                    random_state=0).fit(y[:48])
    >>> scorer = get_forecast_scorer("mase")
    >>> score = scorer(fc, y[48:])  # the 12 rows after the training data
    >>> bool(score <= 0)
    True
    """

    def __init__(self, metric, sign, kwargs):
        self._metric = metric
        self._sign = sign
        self._kwargs = kwargs

    def __repr__(self):
        arguments = [getattr(self._metric, "__name__", repr(self._metric))]
        if (self._sign > 0) != _greater_is_better(self._metric):
            arguments.append(f"greater_is_better={self._sign > 0}")
        arguments += [f"{key}={value!r}" for key, value in self._kwargs.items()]
        return f"make_forecast_scorer({', '.join(arguments)})"

    def __call__(self, estimator, X, y=None, **score_params):
        """The metric of ``estimator``'s forecasts of X (negated for a loss).

        Parameters
        ----------
        estimator : RNNForecaster
            A forecaster fitted on the rows before X.
        X : table
            The rows that follow the training data, in the format of fit.
        y : array-like or None, default=None
            The targets of X's rows for a forecaster fitted with y; ignored
            otherwise.

        Returns
        -------
        score : float
            Greater is better.
        """
        if score_params:
            raise TypeError(
                f"The forecast scorers take no score parameters; got {sorted(score_params)}."
            )
        _check_forecaster(estimator)
        reads = _READS.get(self._metric, _POINT)
        if reads == _SCALED:
            _check_season(estimator, self._kwargs.get("m", 1))
        if reads in (_QUANTILES, _INTERVAL):
            _check_levels_fitted(estimator, reads)
        scored = _Scored.of(estimator, X, y)
        return self._sign * float(self._value(reads, scored))

    def _value(self, reads, scored):
        metric, kwargs = self._metric, self._kwargs
        truth, ids = scored.truth, scored.ids
        if reads == _SCALED:
            return metric(
                truth,
                scored.point,
                y_train=scored.train,
                train_series=scored.train_ids,
                series=ids,
                **kwargs,
            )
        if reads == _QUANTILES:
            return metric(truth, scored.levels, scored.quantiles, series=ids, **kwargs)
        if reads == _INTERVAL:
            return metric(truth, scored.levels[:, 0], scored.levels[:, -1], series=ids, **kwargs)
        if metric in _READS:
            return metric(truth, scored.point, series=ids, **kwargs)
        truth, arrays, ids = _known(truth, {"y_pred": (scored.point, 0)}, ids)
        return _series_mean(lambda t, p: metric(t, p, **kwargs), ids, truth, arrays["y_pred"])


class _Scored:
    """A backtest of X flattened: the truth and forecasts of every scored value, with
    the (series, target) it belongs to, and the training values of each."""

    def __init__(self, truth, point, levels, quantiles, ids, train, train_ids):
        self.truth = truth
        self.point = point
        self.levels = levels
        self.quantiles = quantiles
        self.ids = ids
        self.train = train
        self.train_ids = train_ids

    @classmethod
    def of(cls, forecaster, X, y):
        results, histories = continued_forecasts(forecaster, X, y)
        names = list(forecaster.target_names_)
        parts = {key: [] for key in ("truth", "point", "levels", "ids", "train", "train_ids")}
        for result in results:
            point = forecaster._point(result.forecasts)
            truth = np.where(np.isnan(point), np.nan, result.truth)  # no forecast: not scored
            for position, name in enumerate(names):
                key = _key(result.sid, name, len(names))
                parts["truth"].append(truth[..., position].ravel())
                parts["point"].append(point[..., position].ravel())
                levels = result.forecasts[..., position, :]
                parts["levels"].append(levels.reshape(-1, levels.shape[-1]))
                parts["ids"].append(_filled(key, truth[..., position].size))
                train = histories[result.sid][:, position]
                parts["train"].append(train)
                parts["train_ids"].append(_filled(key, len(train)))
        joined = {key: np.concatenate(values) for key, values in parts.items()}
        return cls(quantiles=forecaster._quantiles_, **joined)


def _key(sid, target, n_targets):
    """The label of one (series, target) pair: the series id alone for one target."""
    sid = 0 if sid is None else sid
    return sid if n_targets == 1 else (sid, target)


def _filled(key, size):
    labels = np.empty(size, dtype=object)
    labels.fill(key)
    return labels


def _check_forecaster(estimator):
    if not isinstance(estimator, RNNForecaster):
        raise TypeError(
            f"The forecast scorers score an RNNForecaster; got {type(estimator).__name__}."
        )


def _check_season(estimator, m):
    if estimator.lookback <= m:
        raise ValueError(
            f"A scaled error with m={m} reads its scale from the stored training history, "
            f"the last lookback={estimator.lookback} rows of every series, so it needs "
            f"lookback > m."
        )


def _check_levels_fitted(estimator, reads):
    estimator._check_fitted()
    levels = estimator._quantiles_
    needed = 2 if reads == _INTERVAL else 1
    if levels is None or len(levels) < needed:
        what = "two quantile levels or more" if reads == _INTERVAL else "quantiles"
        raise ValueError(
            f"This scorer reads quantile forecasts: it needs a forecaster fitted with {what} "
            f"(quantiles={estimator.quantiles!r})."
        )


def make_forecast_scorer(metric, *, greater_is_better=None, **kwargs):
    """A scorer of forecasts for ``GridSearchCV`` and ``cross_validate``.

    The scorer reads X as the rows that follow the forecaster's training
    data (see the module docstring) and returns the metric of its forecasts,
    negated when smaller is better.

    Parameters
    ----------
    metric : callable
        One of this module's metrics (the scorer gives it what it reads: the
        training history as ``y_train``, the quantile forecasts, the outer
        levels as the interval) or any ``metric(y_true, y_pred, **kwargs)``
        of point forecasts, which is computed per series and target and
        averaged.
    greater_is_better : bool or None, default=None
        Whether a greater metric is better. None: True for
        ``interval_coverage`` and other callables (as ``make_scorer``), False
        for this module's losses.
    **kwargs
        Passed to the metric, e.g. ``m=12`` for ``mean_absolute_scaled_error``.

    Returns
    -------
    scorer : ForecastScorer
        Callable as ``scorer(estimator, X, y=None)``.

    Examples
    --------
    >>> from sklearn_rnn.metrics import make_forecast_scorer, mean_absolute_scaled_error
    >>> make_forecast_scorer(mean_absolute_scaled_error, m=12)
    make_forecast_scorer(mean_absolute_scaled_error, m=12)
    """
    if not callable(metric):
        raise TypeError(f"metric must be a callable metric function; got {metric!r}.")
    if greater_is_better is None:
        greater_is_better = _greater_is_better(metric)
    _check_kwargs(metric, kwargs)
    return ForecastScorer(metric, 1 if greater_is_better else -1, kwargs)


def _check_kwargs(metric, kwargs):
    """Raise for keyword arguments that the scorer gives the metric itself."""
    given = {"series", "train_series", "y_train", "quantiles"} & set(kwargs)
    if given and metric in _READS:
        raise ValueError(
            f"The scorer passes {sorted(given)} to {metric.__name__} itself (from the "
            "forecaster and X); leave them out."
        )
    parameters = inspect.signature(metric).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    unknown = [key for key in kwargs if key not in parameters and not takes_any]
    if unknown:
        raise TypeError(f"{metric.__name__} takes no argument {unknown}.")


_SCORERS = {
    "neg_mean_absolute_scaled_error": (mean_absolute_scaled_error, "mase"),
    "neg_root_mean_squared_scaled_error": (root_mean_squared_scaled_error, "rmsse"),
    "neg_symmetric_mean_absolute_percentage_error": (
        symmetric_mean_absolute_percentage_error,
        "smape",
    ),
    "neg_pinball_loss": (pinball_loss, "pinball"),
    "interval_coverage": (interval_coverage, "coverage"),
}
_SHORT_NAMES = {short: name for name, (_, short) in _SCORERS.items()}


def get_forecast_scorer_names():
    """The names that :func:`get_forecast_scorer` knows.

    Returns
    -------
    names : list of str
        Sorted; each also has a short name (``"mase"``, ``"rmsse"``,
        ``"smape"``, ``"pinball"``, ``"coverage"``).

    Examples
    --------
    >>> from sklearn_rnn.metrics import get_forecast_scorer_names
    >>> get_forecast_scorer_names()[0]
    'interval_coverage'
    """
    return sorted(_SCORERS)


def get_forecast_scorer(name):
    """A forecast scorer by name, with the metric's default arguments.

    ``"neg_mean_absolute_scaled_error"`` (short ``"mase"``, with ``m=1``),
    ``"neg_root_mean_squared_scaled_error"`` (``"rmsse"``),
    ``"neg_symmetric_mean_absolute_percentage_error"`` (``"smape"``),
    ``"neg_pinball_loss"`` (``"pinball"``) and ``"interval_coverage"``
    (``"coverage"``: the share of true values between the lowest and the
    highest quantile forecast; to report, not to select on, since wider
    intervals always cover more). The short names give the same scorers:
    losses are negated whatever the name. For other arguments (a seasonal
    ``m``), use :func:`make_forecast_scorer`.

    Parameters
    ----------
    name : str
        A name from :func:`get_forecast_scorer_names` or a short name.

    Returns
    -------
    scorer : ForecastScorer
        Callable as ``scorer(estimator, X, y=None)``.

    Examples
    --------
    >>> from sklearn_rnn.metrics import get_forecast_scorer
    >>> get_forecast_scorer("mase")
    make_forecast_scorer(mean_absolute_scaled_error)
    """
    full_name = _SHORT_NAMES.get(name, name)
    if full_name not in _SCORERS:
        raise ValueError(
            f"{name!r} is not a forecast scorer; the names are {get_forecast_scorer_names()} "
            f"and their short forms {sorted(_SHORT_NAMES)}."
        )
    return make_forecast_scorer(_SCORERS[full_name][0])
