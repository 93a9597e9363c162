"""BaseRNN: shared parameters, constraints, the one fit path, transform and tags."""

from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_consistent_length, check_is_fitted

from ._compat import Interval, StrOptions, _check_sample_weight, _get_output_config
from ._device import resolve_device
from ._modules import CELLS, POOLINGS
from ._net import OPTIMIZERS, build_net
from ._persistence import export_net, import_net
from ._sequences import (
    SequenceDataset,
    check_sequences,
    check_step_targets,
    check_token_ids,
    fill_missing,
    missing_statistics,
    pad_steps,
    restore_steps,
    token_vocabulary_size,
    validate_sequence_features,
    warn_if_channels_first,
    warn_if_feature_table,
)
from ._statistics import step_statistics
from ._training import initialize, kept_epoch, predict_outputs, split_validation, train
from ._warnings import warn

# Default training-set size from which early_stopping="auto" holds out a
# validation set (see docs/defaults.md for the measurements behind it).
AUTO_EARLY_STOPPING_MIN_SAMPLES = 1000

# batch_size="auto" uses min(AUTO_BATCH_SIZE, n_samples).
AUTO_BATCH_SIZE = 64

# embedding_dim="auto" for a vocabulary of n tokens: round(1.6 * n ** 0.56) (the rule
# of thumb of fastai's tabular embeddings), at most AUTO_EMBEDDING_MAX.
AUTO_EMBEDDING_MAX = 64

# patch_size="auto": the longest training sequence is read in at most this many
# recurrent steps.
AUTO_PATCH_STEPS = 32

# Parameters that define the network's shape: warm starts cannot change them.
ARCHITECTURE_PARAMS = (
    "cell",
    "hidden_size",
    "n_layers",
    "bidirectional",
    "pooling",
    "tbptt_steps",
)


class BaseRNN(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator, metaclass=ABCMeta):
    """Shared machinery of the recurrent estimators. Not for direct use."""

    _parameter_constraints = {
        "cell": [StrOptions(set(CELLS))],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "n_layers": [Interval(Integral, 1, None, closed="left")],
        "bidirectional": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "pooling": [StrOptions(set(POOLINGS))],
        "tbptt_steps": [Interval(Integral, 1, None, closed="left"), None],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "optimizer": [StrOptions(set(OPTIMIZERS))],
        "max_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
        "early_stopping": ["boolean", StrOptions({"auto"})],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "warm_start": ["boolean"],
        "device": [str],
        "mixed_precision": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "callbacks": [list, tuple, None],
    }

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
    ):
        self.cell = cell
        self.hidden_size = hidden_size
        self.n_layers = n_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.pooling = pooling
        self.tbptt_steps = tbptt_steps
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.alpha = alpha
        self.optimizer = optimizer
        self.max_grad_norm = max_grad_norm
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.warm_start = warm_start
        self.device = device
        self.mixed_precision = mixed_precision
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks

    # Hooks for the estimators -------------------------------------------------

    _frozen_params = ARCHITECTURE_PARAMS  # fixed once the network is fitted
    _criterion = None  # key of _modules.CRITERIA
    _score_name = None  # key of _callbacks.SCORES

    def _criterion_params(self):
        return {}

    def _output_per_step(self):
        """Whether targets and outputs are per time step (``output="sequence"``)."""
        return False

    def _embedding_size(self):
        """Size of the token embedding when the input holds token ids, else None."""
        return None

    def _vocabulary_size(self):
        """The given vocabulary size of token input; None to take it from the data."""
        return None

    def _accepts_missing(self, first_fit):
        """Whether NaN (a missing reading) may reach the network input."""
        return False

    def _fit_missing(self, sequences):
        """Record how missing readings are filled (first fit); nothing by default."""

    def _fill_missing(self, sequences):
        """The network's input: ``sequences`` with missing readings filled (none here)."""
        return sequences

    def _validated_sequences(self, X, *, first_fit=False):
        sequences = check_sequences(
            X, estimator_name=type(self).__name__, allow_nan=self._accepts_missing(first_fit)
        )
        if self._embedding_size() is not None:
            n_tokens = self._vocabulary_size() if first_fit else self.n_tokens_
            check_token_ids(sequences, n_tokens)
        return sequences

    def _training_data(self, X, y, first_fit):
        """Validated training sequences, targets and static inputs (None here)."""
        sequences = self._validated_sequences(X, first_fit=first_fit)
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None."
            )
        check_consistent_length(sequences.lengths, y)
        return sequences, y, None

    @abstractmethod
    def _encode_targets(self, y, *, first_fit, classes=None):
        """Validate y and return (training targets, n_outputs); fit target state."""

    def _target_weights(self, y_encoded):
        """Per-sample weights implied by the targets (class weights); None if none."""
        return None

    def _stratify(self, y_encoded):
        return None

    # The one fit path ----------------------------------------------------------

    def _fit(self, X, y, sample_weight=None, *, incremental, classes=None):
        """Validate, (re)build the network if needed, train, record: as MLP's ``_fit``."""
        self._check_training_params()
        first_fit = not hasattr(self, "net_") or not (incremental or self.warm_start)
        if not first_fit:
            self._check_frozen_params()
        sequences, y_encoded, weights, static, n_outputs = self._validated_training_data(
            X, y, sample_weight, first_fit=first_fit, classes=classes
        )
        if first_fit:
            n_static = 0 if static is None else static.shape[1]
            self._initialize(sequences, n_outputs, n_static)
        dataset = SequenceDataset.from_sequences(
            sequences, y_encoded, weights, static, step_targets=self._output_per_step()
        )
        self.net_.set_mixed_precision(self.mixed_precision)  # may change between fits
        train_data, valid_data = self._split(dataset, y_encoded, incremental)
        if first_fit:
            self._prepare_training(train_data)
        guard = train(
            self.net_,
            train_data,
            valid_data,
            epochs=1 if incremental else self.max_iter,
            seed=self._rng_.randint(np.iinfo(np.int32).max),
        )
        self._record_history(validated=valid_data is not None)
        self._warn_if_cut_short(guard)
        self._after_training(incremental)
        return self

    def _check_training_params(self):
        """Raise for parameter combinations that cannot train (beyond single constraints)."""
        if self.tbptt_steps is not None and self.bidirectional:
            raise ValueError(
                "tbptt_steps truncates backpropagation from the end of each sequence, which "
                "needs bidirectional=False (a backward direction reads from the end first); "
                f"got tbptt_steps={self.tbptt_steps} with bidirectional=True."
            )

    def _validated_training_data(self, X, y, sample_weight, *, first_fit, classes):
        """Network input, encoded targets, sample weights, static inputs and output width.

        The features of the input are recorded (first fit) or checked before
        missing readings are filled. Per-step targets (``output="sequence"``)
        and their weights come back padded like the sequences.
        """
        sequences, y, static = self._training_data(X, y, first_fit)
        validate_sequence_features(self, sequences, reset=first_fit)
        if first_fit:
            self._fit_missing(sequences)
        sequences = self._fill_missing(sequences)
        per_step = self._output_per_step()
        if per_step:  # targets of all real steps, flat, encoded like per-sequence ones
            y = check_step_targets(y, sequences.lengths)
        y_encoded, n_outputs = self._encode_targets(y, first_fit=first_fit, classes=classes)
        weights = self._sample_weights(sequences, y_encoded, sample_weight)
        if per_step:
            y_encoded = pad_steps(y_encoded, sequences.lengths)
            weights = None if weights is None else pad_steps(weights, sequences.lengths)
        return sequences, y_encoded, weights, static, n_outputs

    def _warn_if_cut_short(self, guard):
        """Warn when training was interrupted or diverged (the kept weights are named)."""
        kept = self.best_epoch_
        if guard.interrupted_:
            warn(
                f"Training was interrupted after {self.n_iter_} finished epoch(s); the "
                f"model keeps the weights of epoch {kept}.",
            )
        if guard.diverged_:
            warn(
                f"Training diverged: the loss or the weights became NaN or infinite in "
                f"epoch {self.n_iter_ + 1}, so training stopped; the model keeps the weights "
                f"of epoch {kept} (the initial weights if 0). Lower learning_rate_init or "
                "max_grad_norm.",
                ConvergenceWarning,
            )

    def _sample_weights(self, sequences, y_encoded, sample_weight):
        target_weights = self._target_weights(y_encoded)
        if sample_weight is None and target_weights is None:
            return None
        weights = _check_sample_weight(sample_weight, sequences.lengths, dtype=np.float64)
        if self._output_per_step():  # a sequence's weight holds for each of its steps
            weights = np.repeat(weights, sequences.lengths)
        if target_weights is not None:
            weights = weights * target_weights
        if weights.sum() <= 0:
            raise ValueError("The sum of sample_weight must be positive.")
        return weights.astype(np.float32)

    def _initialize(self, sequences, n_outputs, n_static=0):
        self.device_ = resolve_device(self.device)
        self._rng_ = check_random_state(self.random_state)
        self._frozen_ = {name: _frozen(getattr(self, name)) for name in self._frozen_params}
        self._net_config_ = dict(
            module_params=dict(
                n_features=sequences.n_features,
                n_outputs=n_outputs,
                dropout=self.dropout,
                n_static=n_static,
                step_outputs=self._output_per_step(),
                **self._input_params(sequences),
                **self._extra_module_params(),
                **{name: getattr(self, name) for name in ARCHITECTURE_PARAMS},
            ),
            criterion=self._criterion,
            criterion_params=self._criterion_params(),
            score=self._score_name,
            optimizer=self.optimizer,
            learning_rate=self.learning_rate_init,
            weight_decay=self.alpha / sequences.n_samples,
            batch_size=self._batch_size(sequences.n_samples),
            max_grad_norm=self.max_grad_norm,
            n_iter_no_change=self.n_iter_no_change,
            tol=self.tol,
            device=self.device_,
            mixed_precision=self.mixed_precision,
            verbose=self.verbose,
            callbacks=self.callbacks,
        )
        self.net_ = build_net(**self._net_config_)
        initialize(self.net_, seed=self._rng_.randint(np.iinfo(np.int32).max))

    def _extra_module_params(self):
        """Module parameters beyond the shared ones (e.g. the forecaster's linear skip)."""
        return {}

    def _prepare_training(self, train_data):
        """Adjust the initialized network to the training data before the first epoch."""

    def _after_training(self, incremental):
        """Anything fitted after the network's training (e.g. calibration); nothing here."""

    def _input_params(self, sequences):
        """How the network reads its input: token embedding, or standardized features."""
        embedding_dim = self._embedding_size()
        if embedding_dim is not None:
            self.n_tokens_ = self._vocabulary_size() or int(sequences.values.max()) + 1
            return dict(n_tokens=self.n_tokens_, embedding_dim=embedding_dim)
        if hasattr(self, "n_tokens_"):
            del self.n_tokens_
        mean, scale = step_statistics(sequences)
        return dict(input_mean=mean, input_scale=scale)

    def _check_frozen_params(self):
        """Raise if a parameter that shaped the fitted network changed since."""
        for name, fitted in self._frozen_.items():
            current = getattr(self, name)
            if _frozen(current) != fitted:
                raise ValueError(
                    f"The network was fitted with {name}={fitted!r}, which cannot change to "
                    f"{current!r} without training a new network: call fit with "
                    "warm_start=False (partial_fit and warm_start continue the fitted one)."
                )

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(AUTO_BATCH_SIZE, n_samples)
        return self.batch_size

    def _uses_early_stopping(self, n_samples):
        if self.early_stopping == "auto":
            return n_samples >= AUTO_EARLY_STOPPING_MIN_SAMPLES
        return bool(self.early_stopping)

    def _split(self, dataset, y_encoded, incremental):
        if incremental or not self._uses_early_stopping(len(dataset)):
            return dataset, None
        if len(dataset) < 2:
            raise ValueError(
                "early_stopping=True needs at least 2 samples to hold out "
                f"validation_fraction={self.validation_fraction} of them; got "
                f"{len(dataset)}."
            )
        train_idx, valid_idx = self._validation_indices(len(dataset), y_encoded)
        return dataset.subset(train_idx), dataset.subset(valid_idx)

    def _validation_indices(self, n_samples, y_encoded):
        """Train and validation indices for early stopping: a random (stratified) split."""
        return split_validation(
            n_samples,
            self.validation_fraction,
            stratify=None if self._output_per_step() else self._stratify(y_encoded),
            seed=self._rng_.randint(np.iinfo(np.int32).max),
        )

    def _record_history(self, *, validated):
        history = self.net_.history
        self.n_iter_ = len(history)
        self.loss_curve_ = [float(row["train_loss"]) for row in history]
        self.best_epoch_ = kept = kept_epoch(self.net_)
        if validated:
            # Epochs of earlier partial_fit / non-validated fits have no score.
            self.validation_scores_ = [float(row.get("valid_score", np.nan)) for row in history]
            self.best_validation_score_ = self.validation_scores_[kept - 1] if kept else None
        else:
            self.validation_scores_ = None
            self.best_validation_score_ = None

    # Prediction ----------------------------------------------------------------

    def _dataset(self, X):
        sequences = self._validated_sequences(X)
        validate_sequence_features(self, sequences, reset=False)
        return SequenceDataset.from_sequences(self._fill_missing(sequences))

    def _outputs(self, X, *, encode=False):
        """Raw network outputs (or encodings) for X, and how to shape results like X.

        Returns ``(outputs, restore)``: outputs of shape (n_samples, width), or
        (n_samples, max_length, width) per time step; ``restore`` maps an
        array of per-step results to the input's form (a list of arrays as long
        as the sequences when they differ in length), and leaves per-sequence
        results as they are.
        """
        check_is_fitted(self)
        self.net_.set_mixed_precision(self.mixed_precision)
        dataset = self._dataset(X)
        outputs = predict_outputs(self.net_, dataset, encode=encode)
        if not self._output_per_step():
            return outputs, _unchanged
        lengths = dataset.lengths.numpy()
        return outputs, lambda results: restore_steps(results, lengths)

    def transform(self, X):
        """Hidden-state features that the output layer reads.

        Parameters
        ----------
        X : array-like or list of arrays
            Input in any of the formats accepted by ``fit``.

        Returns
        -------
        X_new : ndarray of shape (n_samples, hidden_size * n_directions) or per step
            One feature vector per sequence (what ``pooling`` reads out); with
            ``output="sequence"``, one per time step: an array of shape
            (n_samples, n_timesteps, width), or a list of arrays
            (n_timesteps_i, width) for sequences of different lengths.
        """
        container = _get_output_config("transform", self)["dense"]
        if self._output_per_step() and container != "default":
            raise ValueError(
                f"set_output(transform={container!r}) makes a table of one row per sample, "
                "but with output='sequence' transform returns features per time step (an "
                "array of shape (n_samples, n_timesteps, width) or a list of arrays); use "
                "set_output(transform='default')."
            )
        outputs, restore = self._outputs(X, encode=True)
        return restore(outputs)

    def __getstate__(self):
        # The net travels as numpy arrays and plain values: pickles hold no torch
        # objects (no torch.load on loading) and skops can read them.
        state = dict(super().__getstate__())  # a copy: the estimator keeps its net
        if "net_" in state:
            state["net_"] = export_net(state["net_"])
        return state

    def __setstate__(self, state):
        if "net_" in state:
            state = dict(state, net_=import_net(state["net_"], state["_net_config_"]))
            state["device_"] = str(state["net_"].device)
        super().__setstate__(state)

    @property
    def _n_features_out(self):
        return self.net_.module_.encoder.output_size

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.target_tags.required = True
        tags.transformer_tags.preserves_dtype = ["float32"]
        tags.non_deterministic = False
        return tags


class BaseSequenceRNN(BaseRNN):
    """Base class of the estimators of sequences: RNNClassifier and RNNRegressor.

    Adds the parameters ``output``, ``embedding_dim``, ``n_tokens`` and
    ``missing`` (the estimator's ``__init__`` stores them): per-step outputs,
    token input and missing readings.
    """

    _parameter_constraints = {
        **BaseRNN._parameter_constraints,
        "output": [StrOptions({"last", "sequence"})],
        "embedding_dim": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"}), None],
        "n_tokens": [Interval(Integral, 1, None, closed="left"), None],
        "missing": [StrOptions({"error", "mask"})],
        "patch_size": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "conv_filters": [Interval(Integral, 1, None, closed="left"), None],
    }

    _frozen_params = (
        *ARCHITECTURE_PARAMS,
        "output",
        "embedding_dim",
        "n_tokens",
        "missing",
        "patch_size",
        "conv_filters",
    )

    def _output_per_step(self):
        return self.output == "sequence"

    def _check_training_params(self):
        super()._check_training_params()
        if self.output == "sequence" and self.patch_size not in (1, "auto"):
            raise ValueError(
                f"output='sequence' gives one output per time step, which patch_size="
                f"{self.patch_size} (one recurrent step per {self.patch_size} time steps) "
                "cannot; use patch_size=1 or output='last'."
            )

    def _input_params(self, sequences):
        """The shared input parameters, and the patches and convolutions that read them."""
        self.patch_size_ = self._resolved_patch_size(sequences)
        return dict(
            super()._input_params(sequences),
            patch_size=self.patch_size_,
            conv_filters=self.conv_filters,
        )

    def _resolved_patch_size(self, sequences):
        """``patch_size``, with "auto" resolved for the longest training sequence: at
        most ``AUTO_PATCH_STEPS`` recurrent steps (1 for per-step outputs)."""
        if self.patch_size != "auto":
            return self.patch_size
        if self._output_per_step():
            return 1
        return max(1, -(-int(sequences.lengths.max()) // AUTO_PATCH_STEPS))

    def _validated_sequences(self, X, *, first_fit=False):
        if first_fit:
            name = type(self).__name__
            warn_if_feature_table(X, name)
            warn_if_channels_first(X, name)
            self._resolve_embedding(token_vocabulary_size(X), name)
        return super()._validated_sequences(X, first_fit=first_fit)

    def _resolve_embedding(self, tokenizer_vocabulary, estimator_name):
        """Fix ``embedding_dim_`` at the first fit, from the parameter and the input.

        "auto" embeds the ids of a tokenizer's output (marked with its
        vocabulary size) and reads any other input as numbers.
        """
        self._tokenizer_vocabulary_ = None
        if self.embedding_dim != "auto":
            self.embedding_dim_ = self.embedding_dim
            if self.embedding_dim is None and tokenizer_vocabulary is not None:
                warn(
                    f"X holds token ids from SequenceTokenizer, but embedding_dim=None makes "
                    f"{estimator_name} read them as real numbers, which rarely learns "
                    "anything; set embedding_dim='auto' (the default) or an int."
                )
            return
        if tokenizer_vocabulary is None:
            self.embedding_dim_ = None
            return
        self._tokenizer_vocabulary_ = tokenizer_vocabulary
        n_tokens = self.n_tokens or tokenizer_vocabulary
        self.embedding_dim_ = min(AUTO_EMBEDDING_MAX, max(1, round(1.6 * n_tokens**0.56)))

    def _embedding_size(self):
        # Models pickled before embedding_dim_ existed had an int or None.
        return getattr(self, "embedding_dim_", self.embedding_dim)

    def _vocabulary_size(self):
        if self.n_tokens is not None:
            return self.n_tokens
        return getattr(self, "_tokenizer_vocabulary_", None)

    def _accepts_missing(self, first_fit):
        if first_fit:
            return self.missing == "mask"
        return getattr(self, "_fill_values_", None) is not None

    def _fit_missing(self, sequences):
        """With missing="mask" on numeric input: fill values and the indicator features."""
        if self.missing == "mask" and self._embedding_size() is None:
            self._fill_values_, self.missing_indicators_ = missing_statistics(sequences)
        else:
            self._fill_values_ = None
            self.missing_indicators_ = np.array([], dtype=np.intp)

    def _fill_missing(self, sequences):
        fill_values = getattr(self, "_fill_values_", None)
        if fill_values is None:
            return sequences
        return fill_missing(sequences, fill_values, self.missing_indicators_)

    def _score_steps(self, X, y, sample_weight, metric):
        """``metric`` over every real time step; a sequence's weight holds for its steps."""
        y_pred = self.predict(X)
        lengths = np.array([len(steps) for steps in y_pred])
        y_true = check_step_targets(y, lengths)
        if sample_weight is not None:
            sample_weight = np.repeat(_check_sample_weight(sample_weight, lengths), lengths)
        return metric(
            y_true,
            check_step_targets(y_pred, lengths, input_name="y_pred"),
            sample_weight=sample_weight,
        )


def _unchanged(results):
    return results


def _frozen(value):
    """A comparable form of a parameter value (lists and arrays become tuples)."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return tuple(np.asarray(value).ravel().tolist())
    return value
