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

from ._base import BaseRNN
from ._compat import Interval, StrOptions, _fit_context
from ._docstrings import fill_doc
from ._forecast_columns import ColumnLayout, StaticCovariates
from ._forecast_result import ForecastResult
from ._forecast_windows import WindowBuilder
from ._sequences import SequenceDataset, Sequences
from ._statistics import TargetScaler, point_quantile
from ._tables import check_table, fill_gaps, with_targets
from ._time_index import common_frequency, continue_index, frequency_name, parse_frequency
from ._training import predict_outputs
from ._warnings import warn


@fill_doc
class RNNForecaster(BaseRNN):
    """Recurrent neural network forecaster for time-ordered tables.

    Rows of ``X`` are time steps. From the last ``lookback`` rows, the network
    forecasts the ``target`` columns ``horizon`` steps ahead; the other
    columns are covariates. ``fit(X)`` needs no ``y`` (as unsupervised
    estimators), so that ``GridSearchCV(RNNForecaster(...), grid,
    cv=TimeSeriesSplit()).fit(X)`` is a backtest; ``fit(X, y)`` forecasts
    ``y`` from the covariates in X.

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

    short_series : {"error", "skip"}, default="error"
        What a series with fewer than ``lookback`` plus the forecast steps rows
        is at fit. "error": a ``ValueError`` naming it. "skip": it is left
        out of training with a warning; ``predict`` and ``forecast`` still
        work for it, from a shorter context.

    strategy : {"direct", "recursive"}, default="direct"
        "direct": one network output per horizon step. "recursive": the
        network forecasts one step, which is fed back as input for the next;
        it needs every non-target column to be a future covariate.

    normalize : {"window", "global"}, default="window"
        "window" normalizes the targets of every lookback window by its own
        mean and standard deviation and undoes it on the forecast, so that
        trends and level shifts beyond the training range are extrapolated.
        "global" standardizes with the training data's statistics only.

    quantiles : list of float or None, default=None
        Quantile levels in (0, 1) to forecast with the pinball loss, e.g.
        ``[0.1, 0.5, 0.9]``; ``predict_quantiles`` and
        ``forecast(quantiles=True)`` return them. Needs ``strategy="direct"``.

    {shared_parameters}
    Attributes
    ----------
    target_names_ : list
        Labels of the forecast columns.

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
        "strategy": [StrOptions({"direct", "recursive"})],
        "normalize": [StrOptions({"window", "global"})],
        "quantiles": ["array-like", None],
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
    )

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
        strategy="direct",
        normalize="window",
        quantiles=None,
        cell="gru",
        hidden_size=64,
        n_layers=1,
        bidirectional=True,
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
        self.strategy = strategy
        self.normalize = normalize
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
        return "mse" if self.quantiles is None else "pinball"

    def _criterion_params(self):
        return {} if self.quantiles is None else {"quantiles": list(self._quantiles_)}

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
        trained = self._trainable(table)
        windows = self._window_builder().training_windows(trained)
        self._windows_per_series_ = windows.per_series
        inputs = self._layout_.inputs
        names = table.feature_names
        sequences = Sequences(
            windows.values[:, :, inputs],
            windows.lengths,
            feature_names=None if names is None else names[inputs],
        )
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
        steps = self.horizon if self.strategy == "direct" else 1
        needed = self.lookback + steps
        segments = table.segments()
        short = [(sid, len(rows)) for sid, rows in segments if len(rows) < needed]
        if not short:
            return table
        sid, n_rows = short[0]
        which = "X" if sid is None else f"Series {sid!r}"
        shortage = (
            f"{which} has {n_rows} sample(s) (rows, i.e. time steps), but "
            f"lookback={self.lookback} plus {steps} step(s) to forecast need at least "
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
            f"{len(short)} series are shorter than lookback + {steps} = {needed} rows and "
            f"left out of training: {[s for s, _ in short]} (short_series='skip').",
        )
        return table.select([s for s, _ in segments if s not in {k for k, _ in short}])

    def _validation_indices(self, n_samples, y_encoded):
        """Hold out the latest windows of every series: validation lies after training."""
        train, valid = [], []
        start = 0
        for size in self._windows_per_series_:
            n_valid = max(1, round(self.validation_fraction * size))
            train.append(np.arange(start, start + size - n_valid))
            valid.append(np.arange(start + size - n_valid, start + size))
            start += size
        return np.concatenate(train), np.concatenate(valid)

    def _encode_targets(self, y, *, first_fit, classes=None):
        if first_fit:
            self._target_scaler_ = TargetScaler(y)
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
            self.target_names_ = self._layout_.target_names
            self.freq_ = frequency_name(common_frequency(table, self.freq))
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
        return getattr(self, "missing", "error") == "mask"

    def _check_quantiles(self):
        if self.quantiles is None:
            return None
        quantiles = np.asarray(self.quantiles, dtype=np.float64).ravel()
        if len(quantiles) == 0 or np.any((quantiles <= 0) | (quantiles >= 1)):
            raise ValueError(f"quantiles must be numbers in (0, 1); got {self.quantiles!r}.")
        if self.strategy != "direct":
            raise ValueError("quantiles need strategy='direct'.")
        return np.unique(quantiles)

    @property
    def _n_levels(self):
        """Outputs per target and step: the quantile levels, or the point forecast."""
        return 1 if self._quantiles_ is None else len(self._quantiles_)

    def _window_builder(self):
        # Fitted with y, the windows hold no target values to normalize by.
        reads_targets = self._layout_.reads_targets
        return WindowBuilder(
            self._layout_,
            lookback=self.lookback,
            horizon=self.horizon,
            strategy=self.strategy,
            normalize=self.normalize if reads_targets else "global",
        )

    def _scaled_covariates(self, covariates):
        if self._covariate_scaler_ is None:
            return None
        return self._covariate_scaler_.transform(covariates)

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
            windows.values[:, :, self._layout_.inputs],
            windows.lengths,
            static=self._scaled_covariates(covariates),
        )

    def _network_forecasts(self, windows, sid):
        """The network's forecasts of the ``steps`` rows after the windows of series ``sid``.

        Of shape (n_windows, steps, n_targets, n_levels), in the targets' units.
        """
        outputs = predict_outputs(self.net_, self._network_input(windows, sid))
        n_levels = self._n_levels
        outputs = outputs.reshape(len(outputs), -1, n_levels)
        values = (
            outputs * self._target_scaler_.scale[None, :, None]
            + self._target_scaler_.mean[None, :, None]
        )
        values = values.reshape(len(outputs), -1, len(self._layout_.targets), n_levels)
        values = values * windows.scale[:, None, :, None] + windows.loc[:, None, :, None]
        if n_levels > 1:
            values = np.sort(values, axis=-1)
        return values

    def _forecasts(self, builder, windows, sid=None):
        """Forecasts (n, horizon, n_targets, n_levels) from ``windows`` of series ``sid``;
        NaN where unknown."""
        if self.strategy == "direct":
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
