"""RNNClassifier: sequence classification with a recurrent network."""

import numpy as np
import torch
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d

from ._base import BaseSequenceRNN
from ._compat import StrOptions, _fit_context
from ._docstrings import fill_doc


@fill_doc
class RNNClassifier(ClassifierMixin, BaseSequenceRNN):
    """Recurrent neural network classifier for sequences.

    Reads each sequence with a recurrent network (LSTM, GRU or Elman RNN),
    pools its outputs into one vector and maps it to class probabilities.
    Sequences may have different lengths.

    Parameters
    ----------
    {shared_parameters}
    {sequence_parameters}
    class_weight : dict, "balanced" or None, default=None
        Weights associated with classes, as in :class:`~sklearn.svm.SVC`;
        multiplied with ``sample_weight``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.

    {sequence_attributes}
    {shared_attributes}
    See Also
    --------
    RNNRegressor : Recurrent network regressor.
    sklearn.neural_network.MLPClassifier : Feed-forward network on flat features.

    Notes
    -----
    ``X`` may be a 3-D array ``(n_samples, n_timesteps, n_features)``, a 2-D
    array ``(n_samples, n_timesteps)`` of univariate sequences, or a list of
    arrays ``(n_timesteps_i, n_features)`` of different lengths. Inputs are
    standardized per feature inside the estimator.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import RNNClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(60, 12, 2))
    >>> y = (X[:, :, 0].mean(axis=1) > 0).astype(int)
    >>> clf = RNNClassifier(hidden_size=8, max_iter=20, random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    >>> clf.predict_proba(X[:3]).shape
    (3, 2)
    >>> clf.transform(X[:3]).shape  # bidirectional: 2 x hidden_size
    (3, 16)

    One label per time step, for sequences of different lengths:

    >>> X = [rng.normal(size=(n, 1)) for n in (8, 5, 12)] * 10
    >>> y = [(seq[:, 0] > 0).astype(int) for seq in X]
    >>> tagger = RNNClassifier(output="sequence", hidden_size=8, max_iter=20,
    ...                        random_state=0).fit(X, y)
    >>> [labels.shape for labels in tagger.predict(X[:3])]
    [(8,), (5,), (12,)]
    """

    _parameter_constraints = {
        **BaseSequenceRNN._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    _documented_defaults = {"patch_size": '"auto"'}
    _criterion = "cross_entropy"
    _score_name = "accuracy"

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
        patch_size="auto",
        conv_filters=None,
        class_weight=None,
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
        self.class_weight = class_weight

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the network to sequences X and labels y.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps[, n_features]) or list of arrays
            Training sequences; a list may hold arrays of different lengths.
        y : array-like of shape (n_samples,), or per time step
            Class labels of any type (ints, strings, ...); with
            ``output="sequence"``, one label per time step: a list of arrays
            as long as the sequences, or an array (n_samples, n_timesteps).
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of every sample in the loss (of each of its steps, per step).

        Returns
        -------
        self : RNNClassifier
            Fitted estimator.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for one epoch over X and y, continuing from the current weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps[, n_features]) or list of arrays
            Training sequences.
        y : array-like of shape (n_samples,), or per time step
            Class labels (per time step with ``output="sequence"``).
        classes : array-like of shape (n_classes,), default=None
            All classes that may appear across calls. Required on the first
            call, ignored afterwards.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of every sample in the loss.

        Returns
        -------
        self : RNNClassifier
            Partially fitted estimator.
        """
        if not hasattr(self, "classes_") and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def _encode_targets(self, y, *, first_fit, classes=None):
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if first_fit:
            self.classes_ = np.unique(y if classes is None else classes)
            if len(self.classes_) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes in "
                    f"the data, but the data contains only one class: "
                    f"{self.classes_[0]!r}."
                )
        unknown = np.setdiff1d(y, self.classes_)
        if len(unknown):
            raise ValueError(
                f"y contains labels {unknown.tolist()} that are not in classes_ "
                f"{self.classes_.tolist()}."
            )
        return np.searchsorted(self.classes_, y).astype(np.int64), len(self.classes_)

    def _target_weights(self, y_encoded):
        if self.class_weight is None:
            return None
        present = self.classes_[np.unique(y_encoded)]
        weights = np.ones(len(self.classes_))
        weights[np.searchsorted(self.classes_, present)] = compute_class_weight(
            self.class_weight, classes=present, y=self.classes_[y_encoded]
        )
        return weights[y_encoded]

    def _stratify(self, y_encoded):
        return y_encoded

    def predict(self, X):
        """Predict the class of every sequence (of every time step with output="sequence").

        Parameters
        ----------
        {X_sequences}

        Returns
        -------
        y : ndarray of shape (n_samples,), or per time step
            Predicted labels, of the type seen in fit. With
            ``output="sequence"``: an array (n_samples, n_timesteps), or a list
            of arrays (n_timesteps_i,) for sequences of different lengths.
        """
        logits, restore = self._outputs(X)
        return restore(self.classes_[logits.argmax(axis=-1)])

    def predict_proba(self, X):
        """Probability of every class for every sequence (or time step).

        Parameters
        ----------
        {X_sequences}

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes), or per time step
            Class probabilities, columns ordered as ``classes_``. With
            ``output="sequence"``: shape (n_samples, n_timesteps, n_classes),
            or a list of arrays (n_timesteps_i, n_classes) for sequences of different lengths.
        """
        logits, restore = self._outputs(X)
        return restore(_normalized(logits, torch.softmax))

    def predict_log_proba(self, X):
        """Logarithm of the class probabilities.

        Parameters
        ----------
        {X_sequences}

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes), or per time step
            Log-probabilities, columns ordered as ``classes_``; per time step
            as in ``predict_proba``.
        """
        logits, restore = self._outputs(X)
        return restore(_normalized(logits, torch.log_softmax))

    def score(self, X, y, sample_weight=None):
        """Mean accuracy on the given sequences and labels.

        With ``output="sequence"``, the accuracy over every time step of every
        sequence (a sequence's weight holds for each of its steps).

        Parameters
        ----------
        {X_sequences}
        y : array-like of shape (n_samples,), or per time step
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            Mean accuracy of ``self.predict(X)`` with respect to ``y``.
        """
        if self._output_per_step():
            return self._score_steps(X, y, sample_weight, accuracy_score)
        return super().score(X, y, sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = True
        tags.classifier_tags.multi_label = False
        return tags


def _normalized(logits, function):
    """``torch.softmax`` or ``torch.log_softmax`` of float32 logits, in float64, over classes."""
    return function(torch.from_numpy(logits).double(), dim=-1).numpy()
