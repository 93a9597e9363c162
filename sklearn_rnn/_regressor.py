"""RNNRegressor: sequence regression with a recurrent network."""

import numpy as np
from sklearn.base import RegressorMixin, _fit_context
from sklearn.utils import check_array

from ._base import BaseRNN, TargetScaler, fill_doc


@fill_doc
class RNNRegressor(RegressorMixin, BaseRNN):
    """Recurrent neural network regressor for sequences.

    Reads each sequence with a recurrent network (LSTM, GRU or Elman RNN),
    pools its outputs into one vector and maps it to one or more targets.
    Targets are standardized internally; predictions come back in the
    targets' own units.

    Parameters
    ----------
    {shared_parameters}
    Attributes
    ----------
    n_outputs_ : int
        Number of targets.

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

    _criterion = "mse"
    _score_name = "r2"

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the network to sequences X and targets y.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps[, n_features]) or list of arrays
            Training sequences; a list may hold arrays of different lengths.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of every sample in the loss.

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
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of every sample in the loss.

        Returns
        -------
        self : RNNRegressor
            Partially fitted estimator.
        """
        return self._fit(X, y, sample_weight, incremental=True)

    def _encode_targets(self, y, *, first_fit, classes=None):
        y = check_array(y, ensure_2d=False, dtype=np.float64, input_name="y")
        if y.ndim > 2:
            raise ValueError(f"y must be 1-D or 2-D; got {y.ndim} dimensions.")
        targets = y.reshape(len(y), -1)
        if first_fit:
            self._y_is_1d = y.ndim == 1
            self.n_outputs_ = targets.shape[1]
            self._target_scaler = TargetScaler(targets)
        elif targets.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {targets.shape[1]} outputs, but {type(self).__name__} was "
                f"fitted with {self.n_outputs_}."
            )
        return self._target_scaler.transform(targets), self.n_outputs_

    def predict(self, X):
        """Predict the target(s) of every sequence.

        Parameters
        ----------
        {X_sequences}

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions in the targets' units; 1-D when ``y`` was 1-D in fit.
        """
        outputs = self._forward(X)
        y = self._target_scaler.inverse_transform(outputs)
        return y.ravel() if self._y_is_1d else y

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
