"""RNNRegressor: sequence regression with a recurrent network."""

from numbers import Real

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils import check_array

from ._base import BaseSequenceRNN
from ._compat import Interval, StrOptions, _fit_context
from ._docstrings import fill_doc
from ._losses import LOSSES


@fill_doc
class RNNRegressor(RegressorMixin, BaseSequenceRNN):
    """Recurrent neural network regressor for sequences.

    Reads each sequence with a recurrent network (LSTM, GRU or Elman RNN),
    pools its outputs into one vector and maps it to one or more targets.
    Targets are scaled internally; predictions come back in the targets' own
    units.

    Parameters
    ----------
    {shared_parameters}
    {sequence_parameters}
    loss : {"squared_error", "absolute_error", "huber", "poisson"}, default="squared_error"
        The loss to minimize, named as in
        :class:`~sklearn.ensemble.HistGradientBoostingRegressor`:

        - "squared_error": the mean squared error; predicts the conditional
          mean. Targets are standardized (mean and standard deviation).
        - "absolute_error": the mean absolute error; predicts the conditional
          median, so that a few huge outliers in ``y`` barely move the model.
        - "huber": squared error for residuals up to ``epsilon``, absolute
          error beyond; a mean that is robust to outliers.
        - "poisson": half the Poisson deviance with a log link, for counts
          and other non-negative amounts: the network outputs the logarithm
          of the mean, ``predict`` returns the mean (always positive). ``y``
          must be non-negative with a positive sum; it is divided by its
          training mean and not centred.

        With "absolute_error" and "huber", targets are centred on their
        median and divided by their median absolute deviation (times 1.4826,
        the standard deviation of normal data), so that outliers move neither.
        ``score`` is R^2 whatever the loss. The loss cannot change between a
        fit and the ``partial_fit`` or warm-started ``fit`` that continue it.

    epsilon : float, default=1.35
        With ``loss="huber"``, the residual at which the loss turns from
        squared to absolute, in units of the targets' scale (the normalized
        median absolute deviation), as in
        :class:`~sklearn.linear_model.HuberRegressor`: 1.35 keeps 95% of the
        efficiency of the squared error on normal noise. Not used by the
        other losses.

    Attributes
    ----------
    n_outputs_ : int
        Number of targets (per time step with ``output="sequence"``).

    {sequence_attributes}
    {shared_attributes}
    See Also
    --------
    RNNClassifier : Recurrent network classifier.
    sklearn.neural_network.MLPRegressor : Feed-forward network on flat features.

    Notes
    -----
    ``X`` may be a 3-D array ``(n_samples, n_timesteps, n_features)``, a 2-D
    array ``(n_samples, n_timesteps)`` of univariate sequences, or a list of
    arrays ``(n_timesteps_i, n_features)`` of different lengths.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import RNNRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(60, 12, 2))
    >>> y = X[:, :, 0].sum(axis=1)
    >>> reg = RNNRegressor(hidden_size=8, max_iter=20, random_state=0).fit(X, y)
    >>> reg.predict(X[:3]).shape
    (3,)
    >>> ragged = [rng.normal(size=(n, 2)) for n in (5, 9, 7)]
    >>> reg.predict(ragged).shape
    (3,)
    """

    _parameter_constraints = {
        **BaseSequenceRNN._parameter_constraints,
        "loss": [StrOptions(set(LOSSES))],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
    }

    # The loss sets the targets' scaling; epsilon is fixed in the built criterion.
    _frozen_params = (*BaseSequenceRNN._frozen_params, "loss", "epsilon")
    _score_name = "r2"

    def __init__(
        self,
        *,
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
        output="last",
        embedding_dim="auto",
        n_tokens=None,
        missing="error",
        patch_size=1,
        conv_filters=None,
        loss="squared_error",
        epsilon=1.35,
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
        self.output = output
        self.embedding_dim = embedding_dim
        self.n_tokens = n_tokens
        self.missing = missing
        self.patch_size = patch_size
        self.conv_filters = conv_filters
        self.loss = loss
        self.epsilon = epsilon

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the network to sequences X and targets y.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps[, n_features]) or list of arrays
            Training sequences; a list may hold arrays of different lengths.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), or per step
            Targets; with ``output="sequence"``, targets per time step: a list
            of arrays (n_timesteps_i,) or (n_timesteps_i, n_outputs), or an
            array (n_samples, n_timesteps[, n_outputs]).
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of every sample in the loss (of each of its steps, per step).

        Returns
        -------
        self : RNNRegressor
            Fitted estimator.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Train for one epoch over X and y, continuing from the current weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps[, n_features]) or list of arrays
            Training sequences.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), or per step
            Targets (per time step with ``output="sequence"``).
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of every sample in the loss.

        Returns
        -------
        self : RNNRegressor
            Partially fitted estimator.
        """
        return self._fit(X, y, sample_weight, incremental=True)

    @property
    def _criterion(self):
        return LOSSES[self.loss].criterion

    def _criterion_params(self):
        return {"delta": self.epsilon} if self.loss == "huber" else {}

    def _fitted_loss(self):
        """The loss the network was trained with (``loss`` may have been set since)."""
        return LOSSES[self._frozen_["loss"]]

    def _encode_targets(self, y, *, first_fit, classes=None):
        y = check_array(y, ensure_2d=False, dtype=np.float64, input_name="y")
        if y.ndim > 2:
            raise ValueError(f"y must be 1-D or 2-D; got {y.ndim} dimensions.")
        targets = y.reshape(len(y), -1)
        loss = LOSSES[self.loss]
        loss.check_targets(targets)
        if first_fit:
            self._y_is_1d_ = y.ndim == 1
            self.n_outputs_ = targets.shape[1]
            self._target_scaler_ = loss.target_scaler(targets)
        elif targets.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {targets.shape[1]} outputs, but {type(self).__name__} was "
                f"fitted with {self.n_outputs_}."
            )
        return self._target_scaler_.transform(targets), self.n_outputs_

    def predict(self, X):
        """Predict the target(s) of every sequence (of every time step with output="sequence").

        Parameters
        ----------
        {X_sequences}

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs), or per step
            Predictions in the targets' units; 1-D when ``y`` was 1-D in fit.
            With ``output="sequence"``, an extra time axis after the first:
            an array, or a list of arrays for sequences of different lengths.
        """
        outputs, restore = self._outputs(X)
        flat = self._fitted_loss().decode(outputs.reshape(-1, self.n_outputs_))
        y = self._target_scaler_.inverse_transform(flat).reshape(outputs.shape)
        return restore(y[..., 0] if self._y_is_1d_ else y)

    def score(self, X, y, sample_weight=None):
        """Coefficient of determination R^2 of the predictions.

        With ``output="sequence"``, R^2 over every time step of every sequence
        (a sequence's weight holds for each of its steps).

        Parameters
        ----------
        {X_sequences}
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), or per step
            True targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            R^2 of ``self.predict(X)`` with respect to ``y``.
        """
        if self._output_per_step():
            return self._score_steps(X, y, sample_weight, r2_score)
        return super().score(X, y, sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
