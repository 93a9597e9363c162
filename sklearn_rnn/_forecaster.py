"""RNNForecaster: multi-step forecasting of time-ordered tables.

The estimator's surface: parameters, fit, the prediction methods and the
decoding of network outputs. The work lies beside it: ``_tables`` validates
the input, ``_forecast_columns`` holds the roles of its columns,
``_forecast_windows`` cuts it into the network's windows, ``_time_index``
continues its time index and ``_forecast_result`` shapes what ``forecast``
returns.
"""

from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from ._backtest import historical_forecasts
from ._base import BaseRNN
from ._calendar import season_length
from ._calibration import quantile_shifts
from ._compat import Interval, StrOptions, _fit_context
from ._docstrings import fill_doc
from ._forecast_columns import ColumnLayout, StaticCovariates
from ._forecast_result import ForecastResult
from ._forecast_windows import WindowBuilder
from ._losses import LOSSES
from ._sequences import SequenceDataset, Sequences
from ._statistics import TargetScaler, point_quantile
from ._tables import check_table, fill_gaps, with_targets
from ._time_index import common_frequency, continue_index, frequency_name, parse_frequency
from ._training import fit_linear_skip, predict_outputs
from ._warnings import warn


@fill_doc
class RNNForecaster(BaseRNN):
    """Recurrent neural network forecaster for time-ordered tables.

    Rows of ``X`` are time steps. From the last ``lookback`` rows, the network
    forecasts the ``target`` columns ``horizon`` steps ahead; the other
    columns are covariates. ``fit(X)`` needs no ``y`` (as unsupervised
    estimators); ``GridSearchCV(RNNForecaster(...), grid,
    cv=PanelTimeSplit(...), scoring=get_forecast_scorer("mase")).fit(X)``
    is a backtest (see :mod:`sklearn_rnn.model_selection` and
    :mod:`sklearn_rnn.metrics`); ``fit(X, y)`` forecasts ``y`` from the
    covariates in X.

    Parameters
    ----------
    lookback : int, default=24
        Rows of context the network reads before each forecast.

    horizon : int, default=1
        Number of steps forecast.

    target : str, int, list or None, default=None
        Column(s) to forecast (names for DataFrames, positions for arrays).
        None forecasts every column that is not a future covariate.

    future_covariates : list or None, default=None
        Columns known in advance (calendar, holidays, prices). The network
        also reads their values over the forecast horizon; ``forecast`` then
        needs them in ``X_future``. Other non-target columns are past
        covariates: read over the lookback window only.

    series_id : str or None, default=None
        Column of a long DataFrame that names the series of every row. One
        global model is trained on all series; forecasts come back per series.
        A list of tables (arrays, Series or DataFrames) also holds many
        series, identified by their positions in the list.

    time : str or None, default=None
        Column of a DataFrame that holds the time stamp of every row
        (datetimes, periods or numbers), as in ``to_sequences(time=)``. It is
        not a feature; forecasts are indexed by it. None takes the time from
        the index. Within every series, rows must be in increasing time order
        (``ValueError`` otherwise, with the ``sort_values`` call that sorts them).

    freq : str, int or None, default=None
        The step between time stamps: a pandas frequency (``"D"``, ``"h"``,
        ``"MS"``) for datetimes, a number for a numeric ``time`` column. None
        infers it at fit from every series (``pandas.infer_freq``, or the most
        common step when gaps break it) and requires one for all series.
        Checked for datetime and period indexes and ``time`` columns only.

    gaps : {"error", "fill"}, default="error"
        What a time stamp missing from the frequency's grid of a series is.
        "error": a ``ValueError`` naming the series and the first missing
        stamp. "fill": a row of NaN is inserted for it, which training
        leaves out of the loss and which the windows read as missing.

    missing : {"error", "mask"}, default="error"
        What a NaN (a missing reading) in the table does. "error" raises,
        naming the column. "mask": a missing target is left out of the loss
        and of the scores, and of the window statistics; in the network's
        input a missing value reads as its window's mean, and every input
        column with missing values in the first fit gets an indicator
        channel (1 where missing); a missing future or static covariate
        reads as its training mean. Rows inserted by ``gaps="fill"`` are
        masked this way whatever ``missing`` is. Infinity is always an error.

    short_series : {"error", "skip"}, default="error"
        What a series with fewer than ``lookback`` plus the forecast steps rows
        is at fit. "error": a ``ValueError`` naming it. "skip": it is left
        out of training with a warning; ``predict`` and ``forecast`` still
        work for it, from a shorter context.

    strategy : {"auto", "direct", "recursive"}, default="auto"
        "direct": one network output per horizon step. "recursive": the
        network forecasts one step, which is fed back as input for the next;
        it needs every non-target column to be a future covariate. "auto":
        "recursive" where it applies (no past covariates, no ``quantiles``,
        targets read from X), else "direct"; ``strategy_`` holds the choice.
        It was chosen on the validation spans of the forecasting benchmark,
        where the recursive model forecast best (see the forecasting guide).

    normalize : {"auto", "seasonal_naive", "window", "global"}, default="auto"
        How targets are scaled for the network, per lookback window, so that
        trends and level shifts beyond the training range are extrapolated.
        "auto": "seasonal_naive" when the season (``season_length_``) is
        longer than one step and fits in the lookback, else "window" (where
        the anchor would be the last value); ``normalize_`` holds the choice.
        It was chosen on the validation spans of the forecasting benchmark.
        "seasonal_naive": the window is centred on its mean and scaled by its
        mean absolute change over one season (MASE's scale), and the network
        forecasts corrections to the seasonal naive forecast (each step's
        value one season earlier; the last value when the season is 1 or
        does not fit in the lookback) in that unit. "window": centred and
        scaled by the window's mean and standard deviation; the network
        forecasts the deviation from the window's mean. "global": the
        training data's statistics only.

    season_length : int or "auto", default="auto"
        Steps per seasonal cycle, for ``normalize="seasonal_naive"``. "auto"
        takes it from the time index's frequency (monthly 12, quarterly 4,
        weekly 52, daily 7, hourly 24, yearly 1; see ``season_length_``) and
        1 for tables without a calendar (arrays, ``RangeIndex``).

    autoregressive : bool, default=True
        Add a linear map of the lookback window to the network's outputs
        (the autoregressive "highway" of LSTNet), started at the ridge
        regression of the training targets on the windows before the first
        epoch, so that the recurrent layers learn what a linear
        autoregression leaves. Small training sets then stay close to the
        linear fit instead of overfitting it.

    loss : {"squared_error", "absolute_error", "huber", "poisson"}, \
            default="squared_error"
        The training loss of point forecasts, as ``RNNRegressor``'s:
        "absolute_error" and "huber" (``epsilon``, in units of the
        standardized corrections) for series with outliers; "poisson" (half
        the Poisson deviance with a log link) for counts: targets must be
        non-negative, every window is divided by its mean (not centred, no
        seasonal naive anchor; a window of zeros by 1) and the network
        forecasts the logarithm of the rate. With ``quantiles`` the pinball
        loss trains instead and ``loss`` must stay "squared_error".

    epsilon : float, default=1.35
        The threshold of ``loss="huber"``.

    quantiles : list of float or None, default=None
        Quantile levels in (0, 1) to forecast with the pinball loss, e.g.
        ``[0.1, 0.5, 0.9]``; ``predict_quantiles`` and
        ``forecast(quantiles=True)`` return them. Needs ``strategy="direct"``
        (or "auto", which is then direct).

    {shared_parameters}
    Attributes
    ----------
    target_names_ : list
        Labels of the forecast columns.

    strategy_ : {"direct", "recursive"}
        The strategy used (``strategy``, or the one "auto" chose).

    season_length_ : int
        The season length used (``season_length``, or the one of ``freq_``).

    normalize_ : {"seasonal_naive", "window", "global"}
        The normalization used (``normalize``, or the one "auto" chose).

    freq_ : str, int or None
        The step between time stamps found (or given) at fit: a pandas
        frequency alias or a number; None without time stamps to check.

    static_names_ : list
        The static covariates the network reads (categories one-hot encoded
        as ``"<column>=<category>"``); empty without ``static``.

    {shared_attributes}
    See Also
    --------
    RNNRegressor : Recurrent network regressor for sequences.

    Notes
    -----
    A forecaster validates on its latest windows whatever its size:
    ``early_stopping="auto"`` holds out the last ``validation_fraction`` of
    every series' windows (after leaving out the ``horizon - 1`` windows
    before them, whose targets they forecast), stops when their loss stops
    improving and keeps the best epoch's weights. Where fewer than half of
    the windows would be left to train on (short series, long horizons), it
    trains ``max_iter`` epochs on all of them instead.

    ``predict(X)`` is a rolling-origin backtest in one call: for every row
    ``t`` of ``X``, the forecast of rows ``t+1 .. t+horizon`` made from the
    rows up to ``t`` (fewer than ``lookback`` at the start of ``X``).

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklearn_rnn import RNNForecaster
    >>> index = pd.date_range("2000-01", periods=60, freq="MS")
    >>> sales = pd.Series(np.sin(np.arange(60) / 2) + np.arange(60) / 10, index=index)
    >>> fc = RNNForecaster(lookback=12, horizon=3, hidden_size=8, max_iter=20,
    ...                    random_state=0).fit(sales)
    >>> fc.forecast().index.strftime("%Y-%m").tolist()
    ['2005-01', '2005-02', '2005-03']
    >>> fc.predict(sales).shape
    (60, 3)
    """

    _parameter_constraints = {
        **BaseRNN._parameter_constraints,
        "lookback": [Interval(Integral, 1, None, closed="left")],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "target": [str, Integral, list, None],
        "future_covariates": [list, None],
        "series_id": [str, None],
        "time": [str, None],
        "freq": [str, Interval(Real, 0, None, closed="neither"), None],
        "gaps": [StrOptions({"error", "fill"})],
        "short_series": [StrOptions({"error", "skip"})],
        "missing": [StrOptions({"error", "mask"})],
        "strategy": [StrOptions({"auto", "direct", "recursive"})],
        "normalize": [StrOptions({"auto", "seasonal_naive", "window", "global"})],
        "season_length": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "autoregressive": ["boolean"],
        "quantiles": ["array-like", None],
        "loss": [StrOptions(set(LOSSES))],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
    }

    _score_name = "r2"
    _frozen_params = (
        *BaseRNN._frozen_params,
        "horizon",
        "strategy",
        "target",
        "future_covariates",
        "series_id",
        "time",
        "quantiles",
        "normalize",
        "season_length",
        "autoregressive",
        "loss",
        "epsilon",
    )
    _documented_defaults = {"bidirectional": "False"}

    def __init__(
        self,
        *,
        lookback=24,
        horizon=1,
        target=None,
        future_covariates=None,
        series_id=None,
        time=None,
        freq=None,
        gaps="error",
        short_series="error",
        missing="error",
        strategy="auto",
        normalize="auto",
        season_length="auto",
        autoregressive=True,
        loss="squared_error",
        epsilon=1.35,
        quantiles=None,
        cell="gru",
        hidden_size=64,
        n_layers=1,
        bidirectional=False,
        dropout=0.0,
        pooling="last",
        tbptt_steps=None,
        max_iter=200,
        batch_size="auto",
        learning_rate_init=3e-3,
        alpha=1e-4,
        optimizer="adam",
        max_grad_norm=1.0,
        early_stopping="auto",
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        warm_start=False,
        device="auto",
        mixed_precision=False,
        random_state=None,
        verbose=0,
        callbacks=None,
    ):
        super().__init__(
            cell=cell,
            hidden_size=hidden_size,
            n_layers=n_layers,
            bidirectional=bidirectional,
            dropout=dropout,
            pooling=pooling,
            tbptt_steps=tbptt_steps,
            max_iter=max_iter,
            batch_size=batch_size,
            learning_rate_init=learning_rate_init,
            alpha=alpha,
            optimizer=optimizer,
            max_grad_norm=max_grad_norm,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            tol=tol,
            warm_start=warm_start,
            device=device,
            mixed_precision=mixed_precision,
            random_state=random_state,
            verbose=verbose,
            callbacks=callbacks,
        )
        self.lookback = lookback
        self.horizon = horizon
        self.target = target
        self.future_covariates = future_covariates
        self.series_id = series_id
        self.time = time
        self.freq = freq
        self.gaps = gaps
        self.short_series = short_series
        self.missing = missing
        self.strategy = strategy
        self.normalize = normalize
        self.season_length = season_length
        self.autoregressive = autoregressive
        self.loss = loss
        self.epsilon = epsilon
        self.quantiles = quantiles

    # Fitting -------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, *, static=None):
        """Train on a time-ordered table.

        Parameters
        ----------
        X : array-like of shape (n_rows,) or (n_rows, n_columns), Series or DataFrame
            Time-ordered table, one row per time step (per series when
            ``series_id`` is set). A pandas index is kept for ``forecast``.
        y : array-like of shape (n_rows,) or (n_rows, n_targets), Series or DataFrame, \
                default=None
            None: the targets are columns of X (``target``). Given: the values
            to forecast, row by row with X, whose columns are then covariates
            only; the network reads the covariates' past (not the target's),
            so ``predict(X)`` and ``forecast`` need only covariates and
            ``score(X, y)`` compares with ``y``. ``target`` must then be None.
        static : DataFrame or None, default=None
            Static covariates: one row per series id (the index), one column
            per covariate (numbers, or categories, one-hot encoded). Every
            window of a series reads its row. Needs many series.

        Returns
        -------
        self : RNNForecaster
            Fitted estimator.
        """
        self._static_table = static
        return self._fit(X, y, incremental=False)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None, *, static=None):
        """Train for one epoch on a time-ordered table, continuing from the current weights.

        The rows of X extend the stored history that ``forecast()`` starts
        from (per series; a new series is added).

        Parameters
        ----------
        {X_table}
        y : array-like, Series, DataFrame or None, default=None
            The targets, when the forecaster was fitted with ``y``.
        static : DataFrame or None, default=None
            Rows of static covariates for new (or changed) series.

        Returns
        -------
        self : RNNForecaster
            Partially fitted estimator.
        """
        self._static_table = static
        return self._fit(X, y, incremental=True)

    @property
    def _criterion(self):
        return LOSSES[self.loss].criterion if self.quantiles is None else "pinball"

    def _criterion_params(self):
        if self.quantiles is not None:
            return {"quantiles": list(self._quantiles_)}
        return {"delta": self.epsilon} if self.loss == "huber" else {}

    @property
    def _loss(self):
        """The point loss (frozen once fitted: predict checks it has not changed)."""
        return LOSSES[self.loss]

    def _training_data(self, X, y, first_fit):
        static = self.__dict__.pop("_static_table", None)
        if not first_fit and y is None and not self._layout_.reads_targets:
            raise ValueError(
                "The forecaster was fitted with y (X holds covariates only), so training "
                "needs y too: pass the targets of X's rows as y."
            )
        table = self._checked_table(X, reset=first_fit, y=y)
        self._fit_static(static, table, first_fit=first_fit)
        self._history_ = self._extended_history(table, first_fit=first_fit)
        if first_fit:  # the input columns with missing readings get indicator channels
            inputs = np.arange(table.values.shape[1])[self._layout_.inputs]
            missing = np.isnan(table.values[:, inputs]).any(axis=0)
            self._indicated_ = [int(c) for c in inputs[missing]]
        trained = self._trainable(table)
        windows = self._window_builder().training_windows(trained)
        self._windows_per_series_ = windows.per_series
        inputs = self._layout_.inputs
        names = table.feature_names
        if names is not None:
            indicators = [f"{names[c]}_missing" for c in self._indicated_]
            names = np.concatenate([names[inputs], indicators])
        sequences = Sequences(windows.inputs(inputs), windows.lengths, feature_names=names)
        static_rows = [
            self._static_inputs(sid, n)
            for (sid, _), n in zip(trained.segments(), windows.per_series, strict=True)
        ]
        covariates = np.hstack([windows.covariates, np.vstack(static_rows)])
        if first_fit:
            self._covariate_scaler_ = TargetScaler(covariates) if covariates.shape[1] else None
        return sequences, windows.targets, self._scaled_covariates(covariates)

    def _extended_history(self, table, *, first_fit):
        """The last ``lookback`` rows of every series: of ``table``, or of the stored history
        followed by ``table`` (partial_fit, warm_start), whose gaps are checked again."""
        if first_fit:
            return table.tail(self.lookback)
        history = self._history_.extended(table)
        history = fill_gaps(history, self._frequency(history), fill=self.gaps == "fill")
        return history.tail(self.lookback)

    def _fit_static(self, static, table, *, first_fit):
        """Fix (first fit) or extend the static covariates; every series of table needs a row."""
        if first_fit:
            self._static_ = None if static is None else StaticCovariates.from_frame(static)
        elif static is not None:
            if self._static_ is None:
                raise ValueError(
                    "static was given, but the forecaster was fitted without static "
                    "covariates; fit it again with static= to add them."
                )
            self._static_ = self._static_.extended(static)
        self.static_names_ = [] if self._static_ is None else self._static_.names
        if self._static_ is None:
            return
        if table.series is None:
            raise ValueError(
                "static covariates are per series: they need many series (series_id= or "
                "a list of tables)."
            )
        for sid, _ in table.segments():
            self._static_.of(sid, 0)

    def _static_inputs(self, sid, n_windows):
        """The static covariates of series ``sid`` for each of its ``n_windows`` windows."""
        if self._static_ is None:
            return np.zeros((n_windows, 0))
        return self._static_.of(sid, n_windows)

    def _trainable(self, table):
        """The series of ``table`` long enough to train on; short ones raise or are skipped."""
        needed = self.lookback + self._steps
        segments = table.segments()
        short = [(sid, len(rows)) for sid, rows in segments if len(rows) < needed]
        if not short:
            return table
        sid, n_rows = short[0]
        which = "X" if sid is None else f"Series {sid!r}"
        shortage = (
            f"{which} has {n_rows} sample(s) (rows, i.e. time steps), but "
            f"lookback={self.lookback} plus {self._steps} step(s) to forecast need at least "
            f"{needed} rows to train on"
        )
        if sid is None or len(short) == len(segments):
            advice = "" if sid is None else f" (all {len(short)} series are that short)"
            raise ValueError(f"{shortage}{advice}; lower lookback or horizon, or add rows.")
        if self.short_series == "error":
            raise ValueError(
                f"{shortage}; pass short_series='skip' to train without the {len(short)} "
                "short series (forecast still works for them), or lower lookback."
            )
        warn(
            f"{len(short)} series are shorter than lookback + {self._steps} = {needed} rows and "
            f"left out of training: {[s for s, _ in short]} (short_series='skip').",
        )
        return table.select([s for s, _ in segments if s not in {k for k, _ in short}])

    def _uses_early_stopping(self, n_samples):
        """``early_stopping="auto"`` is on for a forecaster, whatever the data's size."""
        return self.early_stopping == "auto" or bool(self.early_stopping)

    def _split(self, dataset, y_encoded, incremental):
        """Training windows, and the latest ones of every series held out.

        The held-out windows serve early stopping and, with quantiles, the
        calibration of the bands (see ``_calibration``); quantiles hold them
        out even without early stopping. When fewer than half of the windows
        would be left to train on, ``early_stopping="auto"`` does not stop early.
        """
        self._calibration_data = None
        stopping = self._uses_early_stopping(len(dataset))
        if incremental or not (stopping or self._quantiles_ is not None):
            return dataset, None
        train_idx, held_out = self._validation_indices(len(dataset), y_encoded)
        if self.early_stopping == "auto" and len(train_idx) < len(dataset) / 2:
            # Short series and long horizons: the held-out and purged windows would take
            # most of the data; early stopping is then not worth it (quantiles still hold
            # the windows out, for calibration).
            stopping = False
            if self._quantiles_ is None:
                return dataset, None
        if len(train_idx) == 0:
            if self.early_stopping is True:
                raise ValueError(
                    f"early_stopping=True holds out the latest windows of every series, but "
                    f"the {len(dataset)} training window(s) leave none to train on; set "
                    "early_stopping=False or give longer series."
                )
            return dataset, None
        train_data, valid_data = dataset.subset(train_idx), dataset.subset(held_out)
        if self._quantiles_ is not None:
            self._calibration_data = valid_data
        return train_data, valid_data if stopping else None

    def _after_training(self, incremental):
        """Calibrate the quantile levels on the held-out windows (first fit only)."""
        held_out = self.__dict__.pop("_calibration_data", None)
        if incremental or self._quantiles_ is None:
            return
        self.__dict__.pop("_quantile_shifts_", None)  # a refit calibrates the raw outputs
        shape = (-1, self._steps, len(self._layout_.targets))
        if held_out is None:
            self._quantile_shifts_ = np.zeros((*shape[1:], self._n_levels))
            return
        outputs = self._destandardized(predict_outputs(self.net_, held_out))
        truth = self._target_scaler_.inverse_transform(held_out.y.numpy()).reshape(shape)
        self._quantile_shifts_ = quantile_shifts(outputs, truth, self._quantiles_)

    @property
    def _steps(self):
        return self.horizon if self.strategy_ == "direct" else 1

    def _destandardized(self, outputs):
        """Network outputs in window-normalized units: (n, steps, n_targets, n_levels)."""
        n_levels = self._n_levels
        outputs = self._loss.decode(outputs.reshape(len(outputs), -1, n_levels))
        values = (
            outputs * self._target_scaler_.scale[None, :, None]
            + self._target_scaler_.mean[None, :, None]
        )
        values = values.reshape(len(outputs), -1, len(self._layout_.targets), n_levels)
        if self._quantiles_ is not None and hasattr(self, "_quantile_shifts_"):
            values = values + self._quantile_shifts_[: values.shape[1]]
        return values

    def _validation_indices(self, n_samples, y_encoded):
        """Hold out the latest windows of every series: validation lies after training.

        The ``steps - 1`` windows before the held-out ones are left out of
        training too (purged): their targets are rows that the held-out
        windows forecast, so training on them would make the held-out error
        look smaller than it is.
        """
        train, valid = [], []
        start = 0
        purge = self._steps - 1
        for size in self._windows_per_series_:
            n_valid = max(1, round(self.validation_fraction * size))
            first_valid = start + size - n_valid
            train.append(np.arange(start, max(start, first_valid - purge)))
            valid.append(np.arange(first_valid, start + size))
            start += size
        return np.concatenate(train), np.concatenate(valid)

    def _encode_targets(self, y, *, first_fit, classes=None):
        if first_fit:
            scaling = LOSSES[self.loss] if self.loss == "poisson" else LOSSES["squared_error"]
            self._target_scaler_ = scaling.target_scaler(y)
        return self._target_scaler_.transform(y), y.shape[1] * self._n_levels

    def _checked_table(self, X, *, reset, y=None):
        """X validated as a table, with the targets ``y`` appended (fitted with y).

        ``reset`` fixes the column layout, the quantile levels and the
        frequency (first fit); otherwise X must have the columns seen in fit.
        Missing time stamps raise or are inserted as NaN rows (``gaps``).
        """
        name = type(self).__name__
        table = check_table(X, series_id=self.series_id, time=self.time, estimator_name=name)
        if reset:
            if y is not None and self.target is not None:
                raise ValueError(
                    f"fit got y and target={self.target!r}: the targets come either from y "
                    "(then X holds covariates only) or from the target columns of X; pass "
                    "y=None or target=None."
                )
            n_covariates = len(table.columns)
            table = with_targets(table, y)
            self._layout_ = ColumnLayout.from_table(
                table,
                target=self.target if y is None else table.columns[n_covariates:],
                future_covariates=self.future_covariates,
                recursive=self.strategy == "recursive",
                reads_targets=y is None,
            )
            self._quantiles_ = self._check_quantiles()
            self.strategy_ = self._resolved_strategy()
            self._check_loss(table)
            self.target_names_ = self._layout_.target_names
            self.freq_ = frequency_name(common_frequency(table, self.freq))
            self.season_length_ = (
                season_length(self.freq_) if self.season_length == "auto" else self.season_length
            )
            self.normalize_ = self._resolved_normalization()
        else:
            self._layout_.check_columns(table, name)
            table = self._with_fitted_targets(table, y)
        table = fill_gaps(table, self._frequency(table), fill=self.gaps == "fill")
        self._layout_.check_finite(table, allow_missing=self._allows_missing())
        return table

    def _with_fitted_targets(self, table, y):
        """``table`` with the target columns of a forecaster fitted with y (zeros without y)."""
        if self._layout_.reads_targets:
            if y is not None:
                raise ValueError(
                    "The forecaster was fitted without y (its targets are columns of X), so "
                    "partial_fit cannot take y; pass the targets as columns of X."
                )
            return table
        return with_targets(table, y, names=self.target_names_)

    def _frequency(self, table):
        return parse_frequency(self.freq_, table.index)

    def _allows_missing(self):
        """Whether NaN may stand anywhere in the tables (``missing="mask"``)."""
        return self.missing == "mask"

    def _check_loss(self, table):
        """Raise for a loss that cannot train on the table (or with quantiles)."""
        if self.loss != "squared_error" and self.quantiles is not None:
            raise ValueError(
                f"quantiles are trained with the pinball loss, so loss={self.loss!r} cannot "
                "apply; leave loss='squared_error' with quantiles."
            )
        if LOSSES[self.loss].non_negative:
            targets = table.values[:, self._layout_.targets]
            LOSSES[self.loss].check_targets(targets[~np.isnan(targets)])

    def _check_quantiles(self):
        if self.quantiles is None:
            return None
        quantiles = np.asarray(self.quantiles, dtype=np.float64).ravel()
        if len(quantiles) == 0 or np.any((quantiles <= 0) | (quantiles >= 1)):
            raise ValueError(f"quantiles must be numbers in (0, 1); got {self.quantiles!r}.")
        if self.strategy == "recursive":
            raise ValueError("quantiles need strategy='direct' (or 'auto').")
        return np.unique(quantiles)

    def _resolved_strategy(self):
        """``strategy``, with "auto" resolved for the layout and quantiles found in fit."""
        if self.strategy != "auto":
            return self.strategy
        layout = self._layout_
        recursive = self._quantiles_ is None and layout.reads_targets and not layout.past
        return "recursive" if recursive else "direct"

    def _resolved_normalization(self):
        """``normalize``, with "auto" resolved for the season found in fit."""
        if self.normalize != "auto":
            return self.normalize
        seasonal = 1 < self.season_length_ <= self.lookback
        return "seasonal_naive" if seasonal else "window"

    @property
    def _n_levels(self):
        """Outputs per target and step: the quantile levels, or the point forecast."""
        return 1 if self._quantiles_ is None else len(self._quantiles_)

    def _window_builder(self):
        reads_targets = self._layout_.reads_targets
        return WindowBuilder(
            self._layout_,
            lookback=self.lookback,
            horizon=self.horizon,
            strategy=self.strategy_,
            normalize=self._window_normalization(reads_targets),
            season=self.season_length_,
            indicated=self.__dict__.get("_indicated_", ()),
        )

    def _extra_module_params(self):
        return {"skip_window": self.lookback} if self.autoregressive else {}

    def _window_normalization(self, reads_targets):
        if not reads_targets:  # fitted with y, the windows hold no target values
            return "global"
        return "mean" if self._loss.link == "log" else self.normalize_

    def _prepare_training(self, train_data):
        # Under a log link the outputs are no linear function of the targets: the
        # skip then starts at zero like the head.
        if self.autoregressive and self._loss.link == "identity":
            fit_linear_skip(self.net_.module_, train_data)

    def _scaled_covariates(self, covariates):
        """Standardized future and static covariates; a missing one reads as its mean (0)."""
        if self._covariate_scaler_ is None:
            return None
        return np.nan_to_num(self._covariate_scaler_.transform(covariates), nan=0.0)

    # Prediction ----------------------------------------------------------------

    def _check_fitted(self):
        check_is_fitted(self)
        self._check_frozen_params()
        self.net_.set_mixed_precision(self.mixed_precision)

    def _predict_table(self, X, y=None):
        self._check_fitted()
        return self._checked_table(X, reset=False, y=y)

    def _network_input(self, windows, sid):
        """What the network reads of the windows of series ``sid``: their input columns,
        and their future and static covariates."""
        n_windows = len(windows.lengths)
        covariates = np.hstack([windows.covariates, self._static_inputs(sid, n_windows)])
        return SequenceDataset(
            windows.inputs(self._layout_.inputs),
            windows.lengths,
            static=self._scaled_covariates(covariates),
        )

    def _network_forecasts(self, windows, sid):
        """The network's forecasts of the ``steps`` rows after the windows of series ``sid``.

        Of shape (n_windows, steps, n_targets, n_levels), in the targets' units.
        """
        outputs = predict_outputs(self.net_, self._network_input(windows, sid))
        values = self._destandardized(outputs)
        values = values * windows.scale[:, None, :, None] + windows.anchors[..., None]
        if self._n_levels > 1:
            values = np.sort(values, axis=-1)
        return values

    def _forecasts(self, builder, windows, sid=None):
        """Forecasts (n, horizon, n_targets, n_levels) from ``windows`` of series ``sid``;
        NaN where unknown."""
        if self.strategy_ == "direct":
            forecasts = self._network_forecasts(windows, sid)
        else:
            forecasts = self._recursive(builder, windows, sid)
        forecasts[~windows.known] = np.nan
        return forecasts

    def _recursive(self, builder, windows, sid):
        """Feed one-step forecasts back, ``horizon`` times, for all windows at once."""
        forecasts = []
        for step in range(self.horizon):
            if step:
                windows = builder.advance(windows, forecasts[-1][:, :, 0])
            forecasts.append(self._network_forecasts(windows, sid)[:, 0])
        return np.stack(forecasts, axis=1)

    def _rolling(self, X, y=None):
        """Forecasts from every row of the table of X: (n_rows, horizon, n_targets, n_levels).

        The table holds the rows inserted for missing time stamps too; its
        ``input_rows()`` are those of X.
        """
        table = self._predict_table(X, y)
        builder = self._window_builder()
        result = np.empty(
            (len(table.values), self.horizon, len(self._layout_.targets), self._n_levels)
        )
        for sid, rows in table.segments():
            windows = builder.windows(table.values[rows], np.arange(len(rows)))
            result[rows] = self._forecasts(builder, windows, sid)
        return result, table

    def _point(self, forecasts):
        return forecasts[..., point_quantile(self._quantiles_)]

    def _shape(self, forecasts):
        """Drop the target axis for a single target."""
        return forecasts[:, :, 0] if forecasts.shape[2] == 1 else forecasts

    def predict(self, X):
        """Rolling forecasts: from every row ``t`` of X, the next ``horizon`` steps.

        Parameters
        ----------
        X : array-like of shape (n_rows,) or (n_rows, n_columns), Series or DataFrame
            Time-ordered table with the columns seen in fit.

        Returns
        -------
        forecasts : ndarray of shape (n_rows, horizon) or (n_rows, horizon, n_targets)
            ``forecasts[t, k]`` forecasts row ``t + k + 1`` from the rows up to
            ``t`` (with ``gaps="fill"``: the time stamp ``k + 1`` steps after
            row ``t``'s, inserted rows counted). The median when fitted with
            ``quantiles`` (or the level nearest to 0.5). NaN where a future
            covariate is not in X.
        """
        forecasts, table = self._rolling(X)
        return self._shape(self._point(forecasts[table.input_rows()]))

    def predict_quantiles(self, X):
        """Rolling quantile forecasts, as ``predict`` with a last axis of quantiles.

        Parameters
        ----------
        {X_table}

        Returns
        -------
        forecasts : ndarray of shape (n_rows, horizon[, n_targets], n_quantiles)
            Increasing along the last axis, levels as in ``quantiles``.
        """
        self._check_fitted()
        if self._quantiles_ is None:
            raise ValueError("predict_quantiles needs a forecaster fitted with quantiles.")
        forecasts, table = self._rolling(X)
        return self._shape(forecasts[table.input_rows()])

    def score(self, X, y=None):
        """R^2 of the rolling forecasts whose future lies inside X.

        Every (row, step, target) whose true value is in X counts once; the
        baseline is each target's mean over those values.

        Parameters
        ----------
        {X_table}
        y : array-like, Series, DataFrame or None, default=None
            The true targets of X's rows for a forecaster fitted with y
            (required then); ignored otherwise.

        Returns
        -------
        score : float
            1 is perfect; 0 is no better than the mean of the scored values.
        """
        self._check_fitted()
        if not self._layout_.reads_targets and y is None:
            raise ValueError(
                "The forecaster was fitted with y, so score needs y: the true targets of X's rows."
            )
        forecasts, table = self._rolling(X, y if not self._layout_.reads_targets else None)
        builder = self._window_builder()
        truth = np.empty(forecasts.shape[:-1])
        for _, rows in table.segments():
            truth[rows] = builder.truth(table.values[rows])
        origins = table.input_rows()
        predicted, truth = self._point(forecasts)[origins], truth[origins]
        mask = np.isfinite(truth) & np.isfinite(predicted)
        if not mask.any():
            raise ValueError(
                "X has no row whose next step is inside X: score compares forecasts with "
                "the rows that follow, so it needs at least 2 rows."
            )
        residual = ((truth - predicted) ** 2)[mask].sum()
        means = np.nanmean(np.where(mask, truth, np.nan), axis=(0, 1))
        total = ((truth - means) ** 2)[mask].sum()
        return 1.0 - residual / total if total > 0 else 0.0

    def forecast(self, X=None, X_future=None, *, quantiles=False):
        """Forecast the ``horizon`` steps after the end of the history.

        Parameters
        ----------
        X : table or None, default=None
            History to forecast from (its last ``lookback`` rows per series);
            None uses the end of the training data.
        X_future : table or None, default=None
            The next ``horizon`` rows of the future covariates (per series,
            with ``series_id``); required when ``future_covariates`` is set.
        quantiles : bool, default=False
            Return every quantile level (needs a forecaster fitted with
            ``quantiles``) instead of the point forecast.

        Returns
        -------
        forecast : Series, DataFrame or ndarray
            Fitted on pandas: indexed by the continued time index (a Series for
            one target, a DataFrame otherwise; quantiles as columns
            ``"<target>_q<level>"``); with ``series_id``: one long DataFrame with
            the series id, time and forecast columns. Fitted on arrays: an
            ndarray of shape (horizon[, n_targets][, n_quantiles]).
        """
        self._check_fitted()
        if quantiles and self._quantiles_ is None:
            raise ValueError("quantiles=True needs a forecaster fitted with quantiles.")
        return self._forecast_result(X, X_future).format(
            quantiles=quantiles,
            series_column=self.series_id or "series",
            name=self._layout_.name,
        )

    def _forecast_result(self, X=None, X_future=None):
        """The forecast after the history of every series in X (or of training), as arrays."""
        self._check_fitted()
        history = self._history_ if X is None else self._predict_table(X).tail(self.lookback)
        future = self._future_covariates(X_future)
        builder = self._window_builder()
        forecasts, series_ids, indexes = [], [], []
        pandas = self._layout_.from_pandas  # forecasts of arrays have no time index
        for sid, rows in history.segments():
            values = history.values[rows]
            if len(values) < self.lookback:
                which = "X" if sid is None else f"Series {sid!r}"
                warn(
                    f"{which} holds {len(values)} rows of history, fewer than "
                    f"lookback={self.lookback}: the forecast reads a shorter context than "
                    "the network was trained on.",
                )
            index = history.segment_index(sid, rows)
            following = None if future is None else future.after(sid, index)
            windows = builder.windows(values, [len(values) - 1], following)
            forecasts.append(self._forecasts(builder, windows, sid)[0])
            series_ids.append(sid)
            if pandas:
                indexes.append(continue_index(index, self.horizon, self.freq_))
        return ForecastResult(
            np.stack(forecasts),
            self._quantiles_,
            list(self.target_names_),
            series_ids,
            indexes if pandas else None,
        )

    def historical_forecasts(self, X, y=None, *, start=None, stride=1):
        """Forecasts from many origins of X, each reading the full history before it.

        From ``start`` on, every ``stride`` rows of every series is an origin.
        Its forecast of the next ``horizon`` rows reads the ``lookback`` rows
        up to it, as ``forecast(X up to the origin)`` does; origins with fewer
        rows before them are skipped, so no window is shortened (unlike the
        first rows of ``predict``). The model is not refitted.

        Parameters
        ----------
        {X_table}
        y : array-like, Series, DataFrame or None, default=None
            The true targets of X's rows for a forecaster fitted with y
            (required then); ignored otherwise.
        start : int, float, time stamp or None, default=None
            The first origin of every series: a position (negative counts
            from the end), a fraction of its rows in [0, 1) (the origin at
            ``int(start * n_rows)``) or a time stamp (the first row at or
            after it; needs a datetime or period index). None: the first
            row with ``lookback`` rows up to it.
        stride : int, default=1
            Rows between origins, counted from ``start``.

        Returns
        -------
        forecasts : DataFrame
            One row per series, origin and step (and target, in a
            ``"target"`` column when there are several): the series id
            (column named ``series_id``, or ``"series"``; 0 for one series),
            ``"cutoff"`` (the origin's time stamp, or its position in its
            series without a time index), ``"time"`` (the forecast row's),
            ``"y"`` (the truth; NaN past X's end or where missing),
            ``"forecast"`` (the point forecast) and, fitted with
            ``quantiles``, one column per level (``"q0.1"``, ...).

        Examples
        --------
        >>> import numpy as np
        >>> import pandas as pd
        >>> from sklearn_rnn import RNNForecaster
        >>> index = pd.date_range("2000-01", periods=48, freq="MS")
        >>> sales = pd.Series(np.sin(np.arange(48) / 2) + 5, index=index, name="sales")
        >>> fc = RNNForecaster(lookback=12, horizon=3, hidden_size=4, max_iter=2,
        ...                    random_state=0).fit(sales[:"2002-12"])
        >>> backtest = fc.historical_forecasts(sales, start="2003-01", stride=3)
        >>> backtest.columns.tolist()
        ['series', 'cutoff', 'time', 'y', 'forecast']
        >>> backtest["cutoff"].dt.strftime("%Y-%m").unique().tolist()
        ['2003-01', '2003-04', '2003-07', '2003-10']
        """
        return historical_forecasts(self, X, y, start=start, stride=stride)

    def _future_covariates(self, X_future):
        """X_future validated against the future covariates; None without any."""
        if not self._layout_.future:
            return None
        if X_future is None:
            raise ValueError(
                f"forecast needs X_future with the future covariates "
                f"{self._layout_.future_names} for the next {self.horizon} steps."
            )
        has_time = isinstance(X_future, pd.DataFrame) and self.time in X_future.columns
        table = check_table(
            X_future,
            series_id=self.series_id,
            time=self.time if has_time else None,
            estimator_name=type(self).__name__,
        )
        return self._layout_.future_covariates(table, self.horizon)

    def _dataset(self, X):
        table = self._predict_table(X)
        builder = self._window_builder()
        datasets = [
            self._network_input(builder.windows(table.values[rows], np.arange(len(rows))), sid)
            for sid, rows in table.segments()
        ]
        if len(datasets) == 1 and table.origin is None:
            return datasets[0]
        order = np.concatenate([rows for _, rows in table.segments()])
        merged = SequenceDataset(
            np.concatenate([d.values.numpy() for d in datasets]),
            np.concatenate([d.lengths.numpy() for d in datasets]),
            static=None
            if datasets[0].static is None
            else np.concatenate([d.static.numpy() for d in datasets]),
        )
        return merged.subset(np.argsort(order)[table.input_rows()])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        tags.input_tags.three_d_array = False
        return tags
