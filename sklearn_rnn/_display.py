"""Displays in the style of scikit-learn's: training histories and forecasts.

matplotlib is an optional dependency: it is imported when a display draws, and
its absence raises an ImportError that says how to install it.
"""

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ._compat import check_matplotlib_support
from ._tables import check_table


def _axes(ax):
    """``ax``, or the axes of a new figure."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    return ax


def _prefixed(name, label):
    return label if name is None else f"{name} {label}"


class TrainingHistoryDisplay:
    """Training history: the loss at every epoch and the epoch that was kept.

    Plots the training loss per epoch, the validation loss when a validation
    set was held out (``early_stopping``), and a vertical line at the epoch
    whose weights the model kept. Create it with :meth:`from_estimator`, or
    from stored losses with the constructor followed by :meth:`plot`. All
    parameters are stored as attributes.

    Parameters
    ----------
    train_loss : array-like of shape (n_epochs,)
        Training loss at the end of every epoch (``loss_curve_``).

    valid_loss : array-like of shape (n_epochs,) or None, default=None
        Validation loss at the end of every epoch; NaN for epochs without a
        validation set. None when there was no validation set.

    best_epoch : int or None, default=None
        The epoch (counted from 1) whose weights were kept; 0 means the
        initial weights. None draws no marker.

    estimator_name : str or None, default=None
        Name of the estimator, used in the legend labels.

    Attributes
    ----------
    train_line_ : matplotlib Line2D
        The training loss curve.

    valid_line_ : matplotlib Line2D or None
        The validation loss curve; None without validation losses.

    best_epoch_line_ : matplotlib Line2D or None
        Vertical line at ``best_epoch``; None when ``best_epoch`` is None.

    ax_ : matplotlib Axes
        Axes with the curves.

    figure_ : matplotlib Figure
        Figure containing the curves.

    See Also
    --------
    ForecastDisplay : Forecast of an ``RNNForecaster`` next to its history.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import RNNClassifier, TrainingHistoryDisplay
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(40, 6, 2))
    >>> y = (X[:, :, 0].mean(axis=1) > 0).astype(int)
    >>> clf = RNNClassifier(hidden_size=4, max_iter=3, random_state=0).fit(X, y)
    >>> display = TrainingHistoryDisplay.from_estimator(clf)
    >>> display.train_line_.get_xdata().tolist()
    [1, 2, 3]
    >>> display.valid_line_ is None  # no early stopping: no validation loss
    True
    >>> display.ax_.get_xlabel(), display.ax_.get_ylabel()
    ('Epoch', 'Loss')
    """

    def __init__(self, train_loss, valid_loss=None, best_epoch=None, estimator_name=None):
        self.train_loss = train_loss
        self.valid_loss = valid_loss
        self.best_epoch = best_epoch
        self.estimator_name = estimator_name

    def plot(
        self,
        ax=None,
        *,
        name=None,
        train_kwargs=None,
        valid_kwargs=None,
        best_epoch_kwargs=None,
    ):
        """Plot the loss curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to plot on; None creates a figure and axes.

        name : str, default=None
            Name used in the legend labels; None uses ``estimator_name``.

        train_kwargs : dict, default=None
            Keyword arguments of ``ax.plot`` for the training loss.

        valid_kwargs : dict, default=None
            Keyword arguments of ``ax.plot`` for the validation loss.

        best_epoch_kwargs : dict, default=None
            Keyword arguments of ``ax.axvline`` for the kept epoch.

        Returns
        -------
        display : TrainingHistoryDisplay
            Object that stores the computed values and the artists.
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        ax = _axes(ax)
        name = self.estimator_name if name is None else name
        train_loss = np.asarray(self.train_loss, dtype=np.float64)
        epochs = np.arange(1, len(train_loss) + 1)

        train_kwargs = {"label": _prefixed(name, "training loss"), **(train_kwargs or {})}
        (self.train_line_,) = ax.plot(epochs, train_loss, **train_kwargs)

        self.valid_line_ = None
        if self.valid_loss is not None:
            valid_kwargs = {"label": _prefixed(name, "validation loss"), **(valid_kwargs or {})}
            valid_loss = np.asarray(self.valid_loss, dtype=np.float64)
            (self.valid_line_,) = ax.plot(epochs, valid_loss, **valid_kwargs)

        self.best_epoch_line_ = None
        if self.best_epoch is not None:
            best_epoch_kwargs = {
                "color": "gray",
                "linestyle": "--",
                "linewidth": 1,
                "label": f"kept epoch ({self.best_epoch})",
                **(best_epoch_kwargs or {}),
            }
            self.best_epoch_line_ = ax.axvline(self.best_epoch, **best_epoch_kwargs)

        ax.set_xlabel("Epoch")
        ax.set_ylabel("Loss")
        ax.legend()
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_estimator(
        cls,
        estimator,
        *,
        ax=None,
        name=None,
        train_kwargs=None,
        valid_kwargs=None,
        best_epoch_kwargs=None,
    ):
        """Plot the training history of a fitted estimator.

        Parameters
        ----------
        estimator : RNNClassifier, RNNRegressor, RNNForecaster or Pipeline
            Fitted estimator, or a fitted Pipeline whose last step is one.

        ax : matplotlib Axes, default=None
            Axes to plot on; None creates a figure and axes.

        name : str, default=None
            Name used in the legend labels; None uses no name.

        train_kwargs : dict, default=None
            Keyword arguments of ``ax.plot`` for the training loss.

        valid_kwargs : dict, default=None
            Keyword arguments of ``ax.plot`` for the validation loss.

        best_epoch_kwargs : dict, default=None
            Keyword arguments of ``ax.axvline`` for the kept epoch.

        Returns
        -------
        display : TrainingHistoryDisplay
            Object that stores the computed values and the artists.
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        if isinstance(estimator, Pipeline):
            estimator = estimator[-1]
        check_is_fitted(estimator)
        if not hasattr(estimator, "net_"):
            raise TypeError(
                f"{cls.__name__}.from_estimator needs a fitted RNNClassifier, RNNRegressor "
                f"or RNNForecaster; got {type(estimator).__name__}."
            )
        valid_loss = [float(row.get("valid_loss", np.nan)) for row in estimator.net_.history]
        display = cls(
            train_loss=estimator.loss_curve_,
            valid_loss=None if np.all(np.isnan(valid_loss)) else valid_loss,
            best_epoch=estimator.best_epoch_,
            estimator_name=name,
        )
        return display.plot(
            ax=ax,
            train_kwargs=train_kwargs,
            valid_kwargs=valid_kwargs,
            best_epoch_kwargs=best_epoch_kwargs,
        )


class ForecastDisplay:
    """Forecast of a time series next to its history, with a prediction interval.

    Plots the history, the point forecast that follows it and, when given,
    the band between a lower and an upper quantile forecast. Create it with
    :meth:`from_estimator`, or from stored values with the constructor
    followed by :meth:`plot`. All parameters are stored as attributes.

    Parameters
    ----------
    history_index : array-like of shape (n_history,)
        Time stamps (or positions) of the history.

    history : array-like of shape (n_history,)
        Observed values of the forecast column.

    forecast_index : array-like of shape (horizon,)
        Time stamps (or positions) of the forecast steps.

    forecast : array-like of shape (horizon,)
        Point forecast.

    lower : array-like of shape (horizon,) or None, default=None
        Lower edge of the prediction interval; None draws no band.

    upper : array-like of shape (horizon,) or None, default=None
        Upper edge of the prediction interval; None draws no band.

    interval_levels : tuple of float or None, default=None
        Quantile levels of ``lower`` and ``upper``, for the band's label.

    target_name : str or None, default=None
        Name of the forecast column, used as the y-axis label.

    estimator_name : str or None, default=None
        Name of the forecaster, used in the legend labels.

    Attributes
    ----------
    history_line_ : matplotlib Line2D
        The history.

    forecast_line_ : matplotlib Line2D
        The point forecast.

    interval_ : matplotlib PolyCollection or None
        The prediction-interval band; None without ``lower`` and ``upper``.

    ax_ : matplotlib Axes
        Axes with the history and the forecast.

    figure_ : matplotlib Figure
        Figure containing the history and the forecast.

    See Also
    --------
    TrainingHistoryDisplay : Loss curves of a fitted estimator.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklearn_rnn import ForecastDisplay, RNNForecaster
    >>> index = pd.date_range("2000-01", periods=48, freq="MS")
    >>> sales = pd.Series(np.sin(np.arange(48) / 2) + np.arange(48) / 10,
    ...                   index=index, name="sales")
    >>> fc = RNNForecaster(lookback=12, horizon=6, quantiles=[0.1, 0.5, 0.9],
    ...                    hidden_size=4, max_iter=3, random_state=0).fit(sales)
    >>> display = ForecastDisplay.from_estimator(fc, sales)
    >>> display.forecast_index.strftime("%Y-%m").tolist()
    ['2004-01', '2004-02', '2004-03', '2004-04', '2004-05', '2004-06']
    >>> display.interval_levels
    (0.1, 0.9)
    >>> [text.get_text() for text in display.ax_.get_legend().get_texts()]
    ['history', 'forecast', '10-90% interval']
    """

    def __init__(
        self,
        history_index,
        history,
        forecast_index,
        forecast,
        lower=None,
        upper=None,
        *,
        interval_levels=None,
        target_name=None,
        estimator_name=None,
    ):
        self.history_index = history_index
        self.history = history
        self.forecast_index = forecast_index
        self.forecast = forecast
        self.lower = lower
        self.upper = upper
        self.interval_levels = interval_levels
        self.target_name = target_name
        self.estimator_name = estimator_name

    def plot(
        self,
        ax=None,
        *,
        name=None,
        history_kwargs=None,
        forecast_kwargs=None,
        interval_kwargs=None,
    ):
        """Plot the history, the forecast and the prediction interval.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to plot on; None creates a figure and axes.

        name : str, default=None
            Name used in the forecast's legend labels; None uses
            ``estimator_name``.

        history_kwargs : dict, default=None
            Keyword arguments of ``ax.plot`` for the history.

        forecast_kwargs : dict, default=None
            Keyword arguments of ``ax.plot`` for the point forecast.

        interval_kwargs : dict, default=None
            Keyword arguments of ``ax.fill_between`` for the interval band.

        Returns
        -------
        display : ForecastDisplay
            Object that stores the computed values and the artists.
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        ax = _axes(ax)
        name = self.estimator_name if name is None else name

        history_kwargs = {"color": "black", "label": "history", **(history_kwargs or {})}
        (self.history_line_,) = ax.plot(self.history_index, self.history, **history_kwargs)

        forecast_kwargs = {
            "marker": "o",
            "markersize": 3,
            "label": _prefixed(name, "forecast"),
            **(forecast_kwargs or {}),
        }
        (self.forecast_line_,) = ax.plot(self.forecast_index, self.forecast, **forecast_kwargs)

        self.interval_ = None
        if self.lower is not None and self.upper is not None:
            interval_kwargs = {
                "color": self.forecast_line_.get_color(),
                "alpha": 0.25,
                "linewidth": 0,
                "label": _prefixed(name, self._interval_label()),
                **(interval_kwargs or {}),
            }
            self.interval_ = ax.fill_between(
                self.forecast_index, self.lower, self.upper, **interval_kwargs
            )

        time_name = getattr(self.history_index, "name", None)
        ax.set_xlabel("Time" if time_name is None else str(time_name))
        if self.target_name is not None:
            ax.set_ylabel(str(self.target_name))
        ax.legend()
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    def _interval_label(self):
        if self.interval_levels is None:
            return "prediction interval"
        low, high = self.interval_levels
        return f"{100 * low:g}-{100 * high:g}% interval"

    @classmethod
    def from_estimator(
        cls,
        forecaster,
        X,
        *,
        X_future=None,
        target=None,
        series=None,
        interval=None,
        ax=None,
        name=None,
        history_kwargs=None,
        forecast_kwargs=None,
        interval_kwargs=None,
    ):
        """Plot the forecast of a fitted forecaster from the end of a history.

        The forecast is ``forecaster.forecast(X, X_future)``: the ``horizon``
        steps after the end of ``X``. A forecaster fitted with ``quantiles``
        adds the band between two of its quantile levels.

        Parameters
        ----------
        forecaster : RNNForecaster
            Fitted forecaster.

        X : array-like, Series, DataFrame or list of tables
            History with the columns seen in fit, plotted in full; the
            forecast reads its last ``lookback`` rows. A pandas time index is
            kept; without one, rows are numbered from 0.

        X_future : table or None, default=None
            The next ``horizon`` rows of the future covariates, when the
            forecaster has ``future_covariates``.

        target : str, int or None, default=None
            The forecast column to plot, one of ``forecaster.target_names_``;
            required when the forecaster forecasts several columns.

        series : object or None, default=None
            The series to plot when ``X`` holds many: a value of the
            ``series_id`` column, or a position in a list of tables. Required
            then, unless ``X`` holds one series only.

        interval : tuple of (float, float) or None, default=None
            Quantile levels, among the fitted ``quantiles``, of the band's
            lower and upper edges; None takes the lowest and the highest.
            Without fitted quantiles there is no band.

        ax : matplotlib Axes, default=None
            Axes to plot on; None creates a figure and axes.

        name : str, default=None
            Name used in the forecast's legend labels; None uses no name.

        history_kwargs : dict, default=None
            Keyword arguments of ``ax.plot`` for the history.

        forecast_kwargs : dict, default=None
            Keyword arguments of ``ax.plot`` for the point forecast.

        interval_kwargs : dict, default=None
            Keyword arguments of ``ax.fill_between`` for the interval band.

        Returns
        -------
        display : ForecastDisplay
            Object that stores the computed values and the artists.
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        check_is_fitted(forecaster)
        targets = list(forecaster.target_names_)
        column = _target_column(targets, target)
        X, X_future, table = _one_series(forecaster, X, X_future, series)
        history = table.values[:, _history_position(table, targets[column])]

        result = forecaster._forecast_result(X, X_future)
        forecast = result.point[0, :, column]
        forecast_index = None if result.indexes is None else result.indexes[0]
        lower = upper = levels = None
        if result.levels is not None:
            edges = _interval_edges(result.levels, interval)
            if edges is not None:
                lower, upper = (result.values[0, :, column, edge] for edge in edges)
                levels = tuple(float(result.levels[edge]) for edge in edges)
        elif interval is not None:
            raise ValueError(
                f"interval={interval!r} needs a forecaster fitted with quantiles; this one "
                "forecasts a point only."
            )

        if table.index is None or forecast_index is None:
            # Without a time index on both, number the rows: the forecast follows the history.
            history_index = np.arange(len(history))
            forecast_index = np.arange(len(history), len(history) + len(forecast))
        else:
            history_index = table.index
        display = cls(
            history_index,
            history,
            forecast_index,
            forecast,
            lower,
            upper,
            interval_levels=levels,
            target_name=targets[column],
            estimator_name=name,
        )
        return display.plot(
            ax=ax,
            history_kwargs=history_kwargs,
            forecast_kwargs=forecast_kwargs,
            interval_kwargs=interval_kwargs,
        )


def _target_column(targets, target):
    """Position of ``target`` among the forecaster's target names."""
    if target is None:
        if len(targets) > 1:
            raise ValueError(
                f"The forecaster forecasts {len(targets)} columns {targets}; choose the one "
                "to plot with target=."
            )
        return 0
    if target not in targets:
        raise ValueError(f"target={target!r} is not a forecast column; those are {targets}.")
    return targets.index(target)


def _one_series(forecaster, X, X_future, series):
    """X (and X_future) cut to the series to plot, and the validated history table."""
    name = type(forecaster).__name__
    series_id = forecaster.series_id
    table = check_table(X, series_id=series_id, time=forecaster.time, estimator_name=name)
    if table.series is None:
        if series is not None:
            raise ValueError(
                f"series={series!r} was given, but X holds a single series; leave series=None."
            )
        return X, X_future, table
    ids = pd.unique(table.series).tolist()
    if series is None:
        if len(ids) > 1:
            shown = ids if len(ids) <= 10 else [*ids[:10], "..."]
            raise ValueError(
                f"X holds {len(ids)} series; choose the one to plot with series=, one of {shown}."
            )
        series = ids[0]
    elif series not in ids:
        raise ValueError(f"series={series!r} is not in X; its series are {ids}.")
    if series_id is not None:  # one long DataFrame; forecast matches X_future by id
        X = X[X[series_id] == series]
    else:  # a list of tables, identified by their positions
        X = X[series]
        if isinstance(X_future, (list, tuple)):
            X_future = X_future[series]
    table = check_table(X, series_id=series_id, time=forecaster.time, estimator_name=name)
    return X, X_future, table


def _history_position(table, label):
    """Column of the history table that holds the forecast column ``label``."""
    if label in table.columns:
        return table.columns.index(label)
    if len(table.columns) == 1:
        return 0
    raise ValueError(
        f"X has columns {table.columns}, without the forecast column {label!r}; pass X with "
        "the columns seen in fit."
    )


def _interval_edges(levels, interval):
    """Positions among the fitted quantile ``levels`` of the band's edges (None: no band)."""
    if interval is None:
        return None if len(levels) < 2 else (0, len(levels) - 1)
    edges = []
    for level in interval:
        matches = np.flatnonzero(np.isclose(levels, level))
        if len(interval) != 2 or not len(matches):
            raise ValueError(
                f"interval must be two of the fitted quantile levels {levels.tolist()}; "
                f"got {interval!r}."
            )
        edges.append(int(matches[0]))
    if edges[0] >= edges[1]:
        raise ValueError(
            f"interval must list a lower then a higher quantile level; got {interval!r}."
        )
    return tuple(edges)
