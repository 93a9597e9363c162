"""RNNForecaster: multi-step forecasting of time-ordered tables."""

import warnings
from dataclasses import dataclass, replace
from numbers import Integral

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset
from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._base import BaseRNN, fill_doc
from ._sequences import SequenceDataset, Sequences
from ._statistics import TargetScaler, point_quantile
from ._training import predict_outputs
from ._warnings import warn
from ._windows import (
    check_table,
    column_positions,
    future_rows,
    gather_windows,
    normalize_windows,
)


@dataclass
class _Contexts:
    """Windows ending at every row of a table, ready for the network."""

    dataset: SequenceDataset
    raw: np.ndarray  # unnormalized windows, for the recursive strategy
    loc: np.ndarray
    scale: np.ndarray
    available: np.ndarray  # rows whose future covariates are known


@fill_doc
class RNNForecaster(BaseRNN):
    """Recurrent neural network forecaster for time-ordered tables.

    Rows of ``X`` are time steps. From the last ``lookback`` rows, the network
    forecasts the ``target`` columns ``horizon`` steps ahead; the other
    columns are covariates. ``y`` is ignored (as in unsupervised estimators),
    so that ``GridSearchCV(RNNForecaster(...), grid, cv=TimeSeriesSplit())
    .fit(X)`` is a backtest.

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
        self.strategy = strategy
        self.normalize = normalize
        self.quantiles = quantiles

    # Fitting -------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train on a time-ordered table.

        Parameters
        ----------
        X : array-like of shape (n_rows,) or (n_rows, n_columns), Series or DataFrame
            Time-ordered table, one row per time step (per series when
            ``series_id`` is set). A pandas index is kept for ``forecast``.
        y : None
            Ignored.

        Returns
        -------
        self : RNNForecaster
            Fitted estimator.
        """
        return self._fit(X, None, incremental=False)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None):
        """Train for one epoch on a time-ordered table, continuing from the current weights.

        Parameters
        ----------
        {X_table}
        y : None
            Ignored.

        Returns
        -------
        self : RNNForecaster
            Partially fitted estimator.
        """
        return self._fit(X, None, incremental=True)

    @property
    def _criterion(self):
        return "mse" if self.quantiles is None else "pinball"

    def _criterion_params(self):
        return {} if self.quantiles is None else {"quantiles": list(self._quantiles)}

    def _training_data(self, X, y, first_fit):
        table = check_table(X, series_id=self.series_id, estimator_name=type(self).__name__)
        if first_fit:
            self._set_layout(table)
        else:
            self._check_columns(table)
        self._check_finite(table)
        steps = self.horizon if self.strategy == "direct" else 1
        windows, targets, statics = [], [], []
        for sid, rows in table.segments():
            self._check_length(len(rows), sid)
            values = table.values[rows]
            ends = np.arange(self.lookback - 1, len(rows) - steps)
            raw, lengths = gather_windows(values, ends, self.lookback)
            normalized = normalize_windows(
                raw, lengths, self._target_positions, normalize=self.normalize
            )
            future = values[future_rows(ends, steps)]
            target = (future[:, :, self._target_positions] - normalized.loc[:, None, :]) / (
                normalized.scale[:, None, :]
            )
            windows.append(normalized.values)
            targets.append(target.reshape(len(ends), -1))
            statics.append(future[:, :, self._future_positions].reshape(len(ends), -1))
        self._windows_per_series = [len(w) for w in windows]
        windows = np.concatenate(windows)
        sequences = Sequences(
            windows,
            np.full(len(windows), self.lookback, dtype=np.int64),
            feature_names=table.feature_names,
        )
        static = np.concatenate(statics)
        if first_fit:
            self._static_scaler = TargetScaler(static) if static.shape[1] else None
            self._history = _tail(table, self.lookback)
        return sequences, np.concatenate(targets), self._scale_static(static)

    def _validation_indices(self, n_samples, y_encoded):
        """Hold out the latest windows of every series: validation lies after training."""
        train, valid = [], []
        start = 0
        for size in self._windows_per_series:
            n_valid = max(1, round(self.validation_fraction * size))
            train.append(np.arange(start, start + size - n_valid))
            valid.append(np.arange(start + size - n_valid, start + size))
            start += size
        return np.concatenate(train), np.concatenate(valid)

    def _set_layout(self, table):
        future = list(self.future_covariates or [])
        self._future_positions = column_positions(table, future, "future_covariates")
        if self.target is None:
            targets = [c for c in table.columns if c not in future]
        else:
            targets = self.target if isinstance(self.target, list) else [self.target]
        self._target_positions = column_positions(table, targets, "target")
        if not self._target_positions:
            raise ValueError(
                "There is no column left to forecast: every column is a future covariate."
            )
        both = set(self._target_positions) & set(self._future_positions)
        if both:
            raise ValueError(
                f"Columns {[table.columns[i] for i in sorted(both)]} are both in target and "
                "future_covariates; a column is either forecast or known in advance."
            )
        self._past_positions = [
            i
            for i in range(len(table.columns))
            if i not in self._target_positions and i not in self._future_positions
        ]
        if self.strategy == "recursive" and self._past_positions:
            raise ValueError(
                "strategy='recursive' feeds forecasts back as input, so every non-target "
                "column must be a future covariate; past covariates "
                f"{[table.columns[i] for i in self._past_positions]} cannot be forecast. "
                "Use strategy='direct' or list them in future_covariates."
            )
        self._quantiles = self._check_quantiles()
        self.target_names_ = [table.columns[i] for i in self._target_positions]
        self._columns = list(table.columns)
        self._fitted_on_pandas = table.is_frame
        self._series_name = table.name

    def _check_quantiles(self):
        if self.quantiles is None:
            return None
        quantiles = np.asarray(self.quantiles, dtype=np.float64).ravel()
        if len(quantiles) == 0 or np.any((quantiles <= 0) | (quantiles >= 1)):
            raise ValueError(f"quantiles must be numbers in (0, 1); got {self.quantiles!r}.")
        if self.strategy != "direct":
            raise ValueError("quantiles need strategy='direct'.")
        return np.unique(quantiles)

    def _check_columns(self, table):
        if table.is_frame and self._fitted_on_pandas and list(table.columns) != self._columns:
            raise ValueError(
                f"X has columns {list(table.columns)}, but {type(self).__name__} was fitted "
                f"with columns {self._columns}."
            )
        if len(table.columns) != len(self._columns):
            raise ValueError(
                f"X has {len(table.columns)} features, but {type(self).__name__} is "
                f"expecting {len(self._columns)} features as input. Reshape your data so "
                "that rows are time steps and columns are the columns seen in fit."
            )

    def _check_finite(self, table):
        limit = np.finfo(np.float32).max
        for position in range(len(table.columns)):
            column = table.values[:, position]
            if not np.all(np.isfinite(column) & (np.abs(column) <= limit)):
                kind = "target" if position in self._target_positions else "covariate"
                raise ValueError(
                    f"Input X contains NaN, infinity or a value too large for float32 in "
                    f"{kind} column {table.columns[position]!r}; fill, drop or rescale "
                    "those rows first."
                )

    def _check_length(self, n_rows, sid):
        steps = self.horizon if self.strategy == "direct" else 1
        needed = self.lookback + steps
        if n_rows < needed:
            which = "X" if sid is None else f"Series {sid!r}"
            raise ValueError(
                f"{which} has {n_rows} sample(s) (rows, i.e. time steps), but "
                f"lookback={self.lookback} plus {steps} step(s) to forecast need at least "
                f"{needed} rows to train on."
            )

    def _scale_static(self, static):
        if self._static_scaler is None:
            return None
        return self._static_scaler.transform(static)

    def _encode_targets(self, y, *, first_fit, classes=None):
        if first_fit:
            self._target_scaler = TargetScaler(y)
        n_quantiles = 1 if self._quantiles is None else len(self._quantiles)
        return self._target_scaler.transform(y), y.shape[1] * n_quantiles

    # Prediction ----------------------------------------------------------------

    def _check_fitted(self):
        check_is_fitted(self)
        self._check_frozen_params()
        self.net_.set_mixed_precision(self.mixed_precision)

    def _predict_table(self, X):
        self._check_fitted()
        table = check_table(X, series_id=self.series_id, estimator_name=type(self).__name__)
        self._check_columns(table)
        self._check_finite(table)
        return table

    def _contexts(self, values, ends, future_values=None):
        """Windows ending at ``ends`` of one series, with the horizon's future covariates.

        ``future_values`` holds the rows after the end of ``values`` (for
        ``forecast``); rows whose future covariates are unknown are marked.
        """
        raw, lengths = gather_windows(values, ends, self.lookback)
        normalized = normalize_windows(
            raw, lengths, self._target_positions, normalize=self.normalize
        )
        steps = self.horizon if self.strategy == "direct" else 1
        static, _ = self._future_covariates(values, ends, steps, future_values)
        available = self._covariates_known(values, ends, future_values)
        dataset = SequenceDataset(normalized.values, lengths, static=static)
        return _Contexts(dataset, raw, normalized.loc, normalized.scale, available)

    def _covariates_known(self, values, ends, future_values):
        """Rows whose future covariates are known over the whole horizon (any strategy)."""
        if not self._future_positions:
            return np.ones(len(ends), dtype=bool)
        n_known = len(values) + (0 if future_values is None else len(future_values))
        return np.asarray(ends) + self.horizon < n_known

    def _future_covariates(self, values, ends, steps, future_values):
        if not self._future_positions:
            return None, np.ones(len(ends), dtype=bool)
        extended = values if future_values is None else np.vstack([values, future_values])
        rows = future_rows(ends, steps)
        available = rows[:, -1] < len(extended)
        known = extended[np.minimum(rows, len(extended) - 1)][:, :, self._future_positions]
        known[~available] = 0.0
        return self._scale_static(known.reshape(len(ends), -1)), available

    def _decode(self, outputs, loc, scale):
        """Network outputs -> forecasts of shape (n, steps, n_targets, n_quantiles)."""
        n_quantiles = 1 if self._quantiles is None else len(self._quantiles)
        n_targets = len(self._target_positions)
        outputs = outputs.reshape(len(outputs), -1, n_quantiles)
        values = (
            outputs * self._target_scaler.scale[None, :, None]
            + self._target_scaler.mean[None, :, None]
        )
        values = values.reshape(len(outputs), -1, n_targets, n_quantiles)
        values = values * scale[:, None, :, None] + loc[:, None, :, None]
        if n_quantiles > 1:
            values = np.sort(values, axis=-1)
        return values

    def _forecast_from(self, values, ends, future_values=None):
        """Forecasts (n, horizon, n_targets, n_quantiles) from the windows ending at ``ends``."""
        contexts = self._contexts(values, ends, future_values)
        if self.strategy == "direct":
            outputs = predict_outputs(self.net_, contexts.dataset)
            forecasts = self._decode(outputs, contexts.loc, contexts.scale)
        else:
            forecasts = self._recursive(values, ends, contexts, future_values)
        forecasts[~contexts.available] = np.nan
        return forecasts

    def _recursive(self, values, ends, contexts, future_values):
        """Feed one-step forecasts back, ``horizon`` times, for all windows at once."""
        extended = values if future_values is None else np.vstack([values, future_values])
        raw = contexts.raw.copy()
        lengths = contexts.dataset.lengths.numpy().copy()
        steps = []
        next_rows = None
        for step in range(self.horizon):
            if next_rows is not None:
                raw, lengths = _append_rows(raw, lengths, next_rows)
            normalized = normalize_windows(
                raw, lengths, self._target_positions, normalize=self.normalize
            )
            shifted = np.asarray(ends) + step
            static, _ = self._future_covariates(extended, shifted, 1, None)
            dataset = SequenceDataset(normalized.values, lengths, static=static)
            forecast = self._decode(
                predict_outputs(self.net_, dataset), normalized.loc, normalized.scale
            )
            steps.append(forecast[:, 0])
            next_rows = np.zeros((len(ends), values.shape[1]))
            next_rows[:, self._target_positions] = forecast[:, 0, :, 0]
            if self._future_positions:
                future = extended[np.minimum(shifted + 1, len(extended) - 1)]
                next_rows[:, self._future_positions] = future[:, self._future_positions]
        return np.stack(steps, axis=1)

    def _rolling(self, X):
        """Forecasts from every row of X: (n_rows, horizon, n_targets, n_quantiles)."""
        table = self._predict_table(X)
        n_quantiles = 1 if self._quantiles is None else len(self._quantiles)
        result = np.empty(
            (len(table.values), self.horizon, len(self._target_positions), n_quantiles)
        )
        for _, rows in table.segments():
            result[rows] = self._forecast_from(table.values[rows], np.arange(len(rows)))
        return result, table

    def _point(self, forecasts):
        return forecasts[..., point_quantile(self._quantiles)]

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
            ``t``. The median when fitted with ``quantiles`` (or the level
            nearest to 0.5). NaN where a future covariate is not in X.
        """
        forecasts, _ = self._rolling(X)
        return self._shape(self._point(forecasts))

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
        if self._quantiles is None:
            raise ValueError("predict_quantiles needs a forecaster fitted with quantiles.")
        forecasts, _ = self._rolling(X)
        return forecasts[:, :, 0] if forecasts.shape[2] == 1 else forecasts

    def score(self, X, y=None):
        """R^2 of the rolling forecasts whose future lies inside X.

        Every (row, step, target) whose true value is in X counts once; the
        baseline is each target's mean over those values.

        Parameters
        ----------
        {X_table}
        y : None
            Ignored.

        Returns
        -------
        score : float
            1 is perfect; 0 is no better than the mean of the scored values.
        """
        forecasts, table = self._rolling(X)
        predicted = self._point(forecasts)
        truth = np.full_like(predicted, np.nan)
        for _, rows in table.segments():
            values = table.values[rows][:, self._target_positions]
            future = future_rows(np.arange(len(rows)), self.horizon)
            inside = future < len(rows)
            truth[rows[:, None].repeat(self.horizon, 1)[inside], np.nonzero(inside)[1]] = values[
                future[inside]
            ]
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
        if quantiles and self._quantiles is None:
            raise ValueError("quantiles=True needs a forecaster fitted with quantiles.")
        history = self._history if X is None else _tail(self._predict_table(X), self.lookback)
        future = self._future_table(X_future, history)
        pieces = []
        for sid, rows in history.segments():
            values = history.values[rows]
            if len(values) < self.lookback:
                which = "X" if sid is None else f"Series {sid!r}"
                warn(
                    f"{which} holds {len(values)} rows of history, fewer than "
                    f"lookback={self.lookback}: the forecast reads a shorter context than "
                    "the network was trained on.",
                )
            future_values = None
            if future is not None:
                future_rows_of_series = future.rows_of(sid)
                future_values = future.values[future_rows_of_series]
                future.check_index(future_rows_of_series, _segment_index(history, sid, rows))
            forecasts = self._forecast_from(values, np.array([len(values) - 1]), future_values)[0]
            pieces.append(
                (sid, _segment_index(history, sid, rows), forecasts)
            )
        return self._format_forecast(pieces, quantiles)

    def _future_table(self, X_future, history):
        if not self._future_positions:
            return None
        names = [self._columns[i] for i in self._future_positions]
        if X_future is None:
            raise ValueError(
                f"forecast needs X_future with the future covariates {names} for the next "
                f"{self.horizon} steps."
            )
        future = check_table(X_future, series_id=self.series_id, estimator_name=type(self).__name__)
        if future.is_frame:
            positions = column_positions(future, names, "X_future")
            values = future.values[:, positions]
        else:
            values = future.values
            if values.shape[1] != len(names):
                raise ValueError(
                    f"X_future has {values.shape[1]} columns, but the future covariates are "
                    f"{names}."
                )
        padded = np.zeros((len(values), len(self._columns)))
        padded[:, self._future_positions] = values
        if not np.all(np.isfinite(values)):
            raise ValueError("Input X_future contains NaN or infinity.")
        return _FutureRows(padded, future.series, self.horizon, future.index)

    def _format_forecast(self, pieces, quantiles):
        columns = []
        for name in self.target_names_:
            if quantiles:
                columns.extend(f"{name}_q{level:g}" for level in self._quantiles)
            else:
                columns.append(name)
        frames = []
        for sid, index, forecasts in pieces:
            values = forecasts if quantiles else self._point(forecasts)[..., None]
            values = values.reshape(self.horizon, -1)
            if not self._fitted_on_pandas:
                array = forecasts if quantiles else self._point(forecasts)
                if array.ndim > 1 and array.shape[1] == 1:
                    array = array[:, 0]
                frames.append(array)
                continue
            frame = pd.DataFrame(
                values, columns=columns, index=_continue_index(index, self.horizon)
            )
            if sid is not None:
                frame.index.name = frame.index.name or "time"
                frame = frame.reset_index()
                frame.insert(0, self.series_id or "series", sid)
            frames.append(frame)
        if not self._fitted_on_pandas:
            return frames[0] if len(frames) == 1 else np.stack(frames)
        if pieces[0][0] is not None:
            return pd.concat(frames, ignore_index=True)
        frame = frames[0]
        if frame.shape[1] == 1 and not quantiles:
            return frame.iloc[:, 0].rename(
                self._series_name if self._series_name is not None else frame.columns[0]
            )
        return frame

    def _dataset(self, X):
        table = self._predict_table(X)
        datasets = [
            self._contexts(table.values[rows], np.arange(len(rows))).dataset
            for _, rows in table.segments()
        ]
        if len(datasets) == 1:
            return datasets[0]
        order = np.concatenate([rows for _, rows in table.segments()])
        merged = SequenceDataset(
            np.concatenate([d.values.numpy() for d in datasets]),
            np.concatenate([d.lengths.numpy() for d in datasets]),
            static=None
            if datasets[0].static is None
            else np.concatenate([d.static.numpy() for d in datasets]),
        )
        return merged.subset(np.argsort(order))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        tags.input_tags.three_d_array = False
        return tags


class _FutureRows:
    """Future covariate rows, per series."""

    def __init__(self, values, series, horizon, index=None):
        self.values = values
        self.series = series
        self.horizon = horizon
        self.index = index

    def check_index(self, rows, history_index):
        """A time index on X_future must continue the history's."""
        time_indexes = (pd.DatetimeIndex, pd.PeriodIndex)
        if not (isinstance(self.index, time_indexes) and isinstance(history_index, time_indexes)):
            return
        expected = _continue_index(history_index, self.horizon)
        given = self.index[rows]
        if not given.equals(expected):
            raise ValueError(
                "X_future's time index must continue the history: expected "
                f"{list(expected.astype(str))}, got {list(given.astype(str))}."
            )

    def rows_of(self, sid):
        rows = np.arange(len(self.values)) if sid is None else np.flatnonzero(self.series == sid)
        if len(rows) < self.horizon:
            which = "" if sid is None else f" for series {sid!r}"
            raise ValueError(
                f"X_future has {len(rows)} rows{which}, but forecasting horizon={self.horizon} "
                "steps needs that many rows of future covariates."
            )
        return rows[: self.horizon]  # the first horizon rows; later ones are not read


def _append_rows(raw, lengths, rows):
    """Append one row to every window, dropping the oldest row of full windows."""
    raw = raw.copy()
    lookback = raw.shape[1]
    full = lengths == lookback
    raw[full] = np.roll(raw[full], -1, axis=1)
    positions = np.where(full, lookback - 1, lengths)
    raw[np.arange(len(raw)), positions] = rows
    return raw, np.minimum(lengths + 1, lookback)


def _segment_index(table, sid, rows):
    """The time index of one series (whole, for a single series, so it keeps its freq)."""
    if table.index is None:
        return None
    return table.index if sid is None else table.index[rows]


def _tail(table, lookback):
    """The last ``lookback`` rows of every series of a table."""
    if table.series is None:
        keep = slice(max(0, len(table.values) - lookback), None)  # a slice keeps index.freq
    else:
        keep = np.concatenate([rows[-lookback:] for _, rows in table.segments()])
    return replace(
        table,
        values=table.values[keep],
        index=None if table.index is None else table.index[keep],
        series=None if table.series is None else table.series[keep],
    )


def _frequency(index):
    if index.freq is not None:
        return index.freq
    if len(index) < 3:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas 3.1 announces a change of return type
        inferred = pd.infer_freq(index)
    return None if inferred is None else to_offset(inferred)


def _continue_index(index, horizon):
    """The ``horizon`` time stamps after ``index`` (a continued RangeIndex without one)."""
    if index is None:
        return pd.RangeIndex(horizon)
    if isinstance(index, pd.PeriodIndex):
        return pd.period_range(index[-1] + 1, periods=horizon, freq=index.freq, name=index.name)
    if isinstance(index, pd.DatetimeIndex):
        freq = _frequency(index)
        if freq is None:
            raise ValueError(
                "The time index has no regular frequency, so forecast cannot continue it; "
                "set one (e.g. X.asfreq('MS')) or use a RangeIndex."
            )
        return pd.date_range(index[-1], periods=horizon + 1, freq=freq)[1:].rename(index.name)
    if pd.api.types.is_integer_dtype(index) and len(index) >= 1:
        step = int(index[-1] - index[-2]) if len(index) >= 2 else 1
        return pd.RangeIndex(
            index[-1] + step, index[-1] + step * (horizon + 1), step, name=index.name
        )
    return pd.RangeIndex(horizon)
