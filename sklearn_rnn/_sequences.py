"""Sequence input: validation, padding, lengths and batching by length.

This is the only module that knows the shapes users may pass as sequences:

* a 3-D array ``(n_samples, n_timesteps, n_features)``;
* a 2-D array ``(n_samples, n_timesteps)``, read as univariate sequences;
* a list, tuple, pandas Series or object array of 1-D ``(n_timesteps,)`` or
  2-D ``(n_timesteps, n_features)`` arrays of different lengths.

Everything becomes a :class:`SequenceDataset`: one zero-padded float32 tensor
plus the true length of every sequence. Training and inference slice whole
batches out of these tensors; no per-sample ``__getitem__`` is on the hot path.
"""

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
import torch
from sklearn.utils import assert_all_finite

# Ragged training data is shuffled, then sorted by length inside pools of this
# many batches, so that a batch holds sequences of similar length (little
# padding) while batch composition still changes from epoch to epoch.
LENGTH_POOL_BATCHES = 50


@dataclass(frozen=True)
class Sequences:
    """Validated sequences: zero-padded values and the true lengths.

    Attributes
    ----------
    values : ndarray of shape (n_samples, max_length, n_features), float32
    lengths : ndarray of shape (n_samples,), int64
    feature_names : ndarray of str or None
        Column names shared by sequences given as DataFrames.
    """

    values: np.ndarray
    lengths: np.ndarray
    feature_names: np.ndarray | None = None

    @property
    def n_samples(self):
        return self.values.shape[0]

    @property
    def n_features(self):
        return self.values.shape[2]

    @property
    def is_ragged(self):
        return bool(self.lengths.min() < self.values.shape[1])


def check_sequences(X, *, estimator_name, input_name="X"):
    """Validate sequence input and convert it to :class:`Sequences`.

    Raises ``TypeError`` for sparse input and ``ValueError`` for every other
    malformed input, in scikit-learn's wording where one exists.
    """
    if sp.issparse(X):
        raise TypeError(
            f"Sparse data was passed for {input_name}, but dense data is required. "
            "Use '.toarray()' to convert to a dense numpy array."
        )
    if isinstance(X, pd.DataFrame):
        X = X.to_numpy()
    if _is_sequence_list(X):
        sequences = _pad_ragged(list(X), estimator_name, input_name)
    else:
        sequences = _from_array(X, estimator_name, input_name)
    assert_all_finite(sequences.values, input_name=input_name)
    return sequences


def _is_sequence_list(X):
    """Whether X is a collection of separate sequences rather than one array."""
    if isinstance(X, pd.Series):
        return True
    if isinstance(X, np.ndarray):
        return X.dtype == object and X.ndim == 1 and _holds_arrays(X)
    if isinstance(X, (list, tuple)):
        named = any(isinstance(item, pd.DataFrame) for item in X)
        return _holds_arrays(X) and (named or not _is_rectangular(X))
    return False


def _holds_arrays(items):
    return len(items) > 0 and all(
        isinstance(item, (np.ndarray, list, tuple, pd.Series, pd.DataFrame))
        for item in items
    )


def _is_rectangular(items):
    shapes = {np.shape(item) for item in items}
    return len(shapes) == 1


def _to_float_array(X, input_name):
    if isinstance(X, (pd.Series, pd.DataFrame)):
        X = X.to_numpy()
    try:
        array = np.asarray(X)
    except ValueError as exc:
        raise ValueError(
            f"{input_name} could not be read as an array of numbers: {exc}"
        ) from None
    if array.dtype.kind in "USO":
        try:
            array = array.astype(np.float32)
        except ValueError:
            raise ValueError(
                f"{input_name} must hold numbers: dtype='numeric' is not compatible "
                "with arrays of bytes/strings. Convert your data to numeric values "
                "explicitly instead."
            ) from None
    if array.dtype.kind == "c":
        raise ValueError(f"Complex data not supported\n{input_name}")
    return array


def _from_array(X, estimator_name, input_name):
    array = _to_float_array(X, input_name)
    if array.ndim < 2:
        raise ValueError(
            f"Expected 2D or 3D array, got {array.ndim}D array instead: "
            f"{input_name}={array!r}.\nReshape your data using "
            f"{input_name}.reshape(1, -1) if it holds one univariate sequence, "
            f"or {input_name}.reshape(-1, 1) if every sample has one time step."
        )
    if array.ndim > 3:
        raise ValueError(
            f"Found array with dim {array.ndim}. {estimator_name} expected <= 3 "
            "(n_samples, n_timesteps, n_features)."
        )
    if array.ndim == 2:
        array = array[:, :, np.newaxis]
    n_samples, n_timesteps, n_features = array.shape
    if n_samples == 0:
        raise ValueError(
            f"Found array with 0 sample(s) (shape={array.shape}) while a minimum "
            f"of 1 is required by {estimator_name}."
        )
    if n_timesteps == 0 or n_features == 0:
        shape = np.shape(X)
        raise ValueError(
            f"Found array with 0 feature(s) (shape={shape}) while a minimum of 1 "
            f"is required by {estimator_name}: every sequence needs at least one "
            "time step with at least one feature."
        )
    values = np.ascontiguousarray(array, dtype=np.float32)
    if not values.flags.writeable:  # e.g. a read-only memory map; torch wants writable
        values = values.copy()
    lengths = np.full(n_samples, n_timesteps, dtype=np.int64)
    return Sequences(values, lengths)


def _pad_ragged(items, estimator_name, input_name):
    steps = [_as_steps(item, index, input_name) for index, item in enumerate(items)]
    n_features = steps[0].shape[1]
    for index, seq in enumerate(steps):
        if seq.shape[1] != n_features:
            raise ValueError(
                f"All sequences in {input_name} must have the same number of "
                f"features per time step: sequence 0 has {n_features} and sequence "
                f"{index} has {seq.shape[1]}."
            )
    lengths = np.array([len(seq) for seq in steps], dtype=np.int64)
    values = np.zeros((len(steps), lengths.max(), n_features), dtype=np.float32)
    for row, seq in enumerate(steps):
        values[row, : len(seq)] = seq
    return Sequences(values, lengths, _shared_column_names(items))


def _shared_column_names(items):
    """Names of the features when every sequence is a DataFrame with the same str columns."""
    if not all(isinstance(item, pd.DataFrame) for item in items):
        return None
    columns = items[0].columns
    if not all(isinstance(name, str) for name in columns):
        return None
    if any(not item.columns.equals(columns) for item in items[1:]):
        raise ValueError(
            "All sequences given as DataFrames must have the same columns in the same order."
        )
    return np.asarray(columns, dtype=object)


def _as_steps(item, index, input_name):
    """One sequence as a float array of shape (n_timesteps, n_features)."""
    seq = _to_float_array(item, f"{input_name}[{index}]")
    if seq.ndim == 1:
        seq = seq[:, np.newaxis]
    if seq.ndim != 2:
        raise ValueError(
            f"Each sequence in {input_name} must be 1-D (n_timesteps,) or 2-D "
            f"(n_timesteps, n_features); sequence {index} has {seq.ndim} dimensions."
        )
    if seq.shape[0] == 0 or seq.shape[1] == 0:
        raise ValueError(
            f"Sequence {index} in {input_name} is empty (shape={seq.shape}); every "
            "sequence needs at least one time step with at least one feature."
        )
    return seq


def check_n_features(sequences, n_features_in, estimator_name):
    """Raise if the number of features per time step changed since fit."""
    if sequences.n_features != n_features_in:
        raise ValueError(
            f"X has {sequences.n_features} features per time step, but "
            f"{estimator_name} is expecting {n_features_in} features as input."
        )


def check_feature_names(sequences, feature_names_in, estimator_name):
    """Compare feature names at predict with those seen in fit, as scikit-learn does."""
    names = sequences.feature_names
    if feature_names_in is None and names is None:
        return
    if feature_names_in is None:
        warnings.warn(
            f"X has feature names, but {estimator_name} was fitted without feature names",
            UserWarning,
            stacklevel=4,
        )
    elif names is None:
        warnings.warn(
            f"X does not have valid feature names, but {estimator_name} was fitted with "
            "feature names",
            UserWarning,
            stacklevel=4,
        )
    elif not np.array_equal(names, feature_names_in):
        raise ValueError(
            "The feature names should match those that were passed during fit.\n"
            f"Seen at fit time: {list(feature_names_in)}\nGiven now: {list(names)}"
        )


class SequenceDataset(torch.utils.data.Dataset):
    """Padded sequences, lengths and optional targets / weights as CPU tensors.

    Batches are sliced from these tensors as a whole (:meth:`batch`).
    """

    def __init__(self, values, lengths, y=None, sample_weight=None, static=None):
        self.values = torch.as_tensor(values)
        self.lengths = torch.as_tensor(lengths)
        self.y = _optional_tensor(y)
        self.sample_weight = _optional_tensor(sample_weight)
        self.static = _optional_tensor(static)

    @classmethod
    def from_sequences(cls, sequences, y=None, sample_weight=None, static=None):
        return cls(sequences.values, sequences.lengths, y, sample_weight, static)

    def __len__(self):
        return len(self.lengths)

    def __getitem__(self, index):
        return self.batch(np.atleast_1d(index))

    def subset(self, indices):
        indices = torch.as_tensor(indices)
        return SequenceDataset(
            self.values[indices],
            self.lengths[indices],
            *(_take(tensor, indices) for tensor in (self.y, self.sample_weight, self.static)),
        )

    def batch(self, indices):
        """Inputs and target of the samples at ``indices``, trimmed to their length.

        Returns ``(inputs, y)`` where ``inputs`` is a dict with ``"X"``,
        ``"lengths"`` and, when present, ``"sample_weight"`` and ``"static"``.
        """
        indices = _as_slice(indices)
        lengths = self.lengths[indices]
        max_length = int(lengths.max())
        inputs = {"X": self.values[indices, :max_length], "lengths": lengths}
        if self.sample_weight is not None:
            inputs["sample_weight"] = self.sample_weight[indices]
        if self.static is not None:
            inputs["static"] = self.static[indices]
        return inputs, _take(self.y, indices)


def _as_slice(indices):
    """A slice (a view, no copy) for consecutive indices, else an index tensor."""
    indices = np.asarray(indices)
    spans = len(indices) and indices[-1] - indices[0] == len(indices) - 1
    if spans and np.all(np.diff(indices) == 1):
        return slice(int(indices[0]), int(indices[-1]) + 1)
    return torch.as_tensor(indices)


def _optional_tensor(array):
    return None if array is None else torch.as_tensor(array)


def _take(tensor, indices):
    return None if tensor is None else tensor[indices]


def batch_indices(lengths, batch_size, *, shuffle, rng=None):
    """Split sample indices into batches, grouping sequences of similar length.

    Parameters
    ----------
    lengths : ndarray of shape (n_samples,)
    batch_size : int
    shuffle : bool
        Training order: random, and different at every call. Otherwise the
        samples are sorted by length (inference), and the caller restores order.
    rng : numpy.random.Generator, default=None
        Source of randomness when ``shuffle`` is True.
    """
    lengths = np.asarray(lengths)
    n_samples = len(lengths)
    ragged = lengths.min() < lengths.max()
    if not shuffle:
        order = np.argsort(lengths, kind="stable") if ragged else np.arange(n_samples)
        return _split(order, batch_size)
    order = rng.permutation(n_samples)
    if not ragged:
        return _split(order, batch_size)
    pool_size = batch_size * LENGTH_POOL_BATCHES
    batches = []
    for start in range(0, n_samples, pool_size):
        pool = order[start : start + pool_size]
        pool = pool[np.argsort(lengths[pool], kind="stable")]
        batches.extend(_split(pool, batch_size))
    return [batches[i] for i in rng.permutation(len(batches))]


def _split(order, batch_size):
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


class BatchIterator:
    """Iterable over the batches of a :class:`SequenceDataset`, one pass per epoch."""

    def __init__(self, dataset, batch_size, *, shuffle, rng=None, pin_memory=False):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.rng = rng
        self.pin_memory = pin_memory

    def __len__(self):
        return -(-len(self.dataset) // self.batch_size)

    def __iter__(self):
        lengths = self.dataset.lengths.numpy()
        for indices in batch_indices(
            lengths, self.batch_size, shuffle=self.shuffle, rng=self.rng
        ):
            inputs, y = self.dataset.batch(indices)
            if self.pin_memory:
                inputs = {key: value.pin_memory() for key, value in inputs.items()}
                y = None if y is None else y.pin_memory()
            yield inputs, y
