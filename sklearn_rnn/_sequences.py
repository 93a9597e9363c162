"""Sequence input: validation, padding, lengths and batching by length.

This is the only module that knows the shapes users may pass as sequences:

* a 3-D array ``(n_samples, n_timesteps, n_features)``;
* a 2-D array or DataFrame ``(n_samples, n_timesteps)``, a table read as
  univariate sequences (scikit-learn counts its columns as features);
* a list, tuple, pandas Series or object array of 1-D ``(n_timesteps,)`` or
  2-D ``(n_timesteps, n_features)`` arrays of different lengths.

Everything becomes a :class:`SequenceDataset`: one zero-padded float32 tensor
plus the true length of every sequence. Training and inference slice whole
batches out of these tensors; no per-sample ``__getitem__`` is on the hot path.
"""

import re
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import torch

from ._validation import (
    as_numeric,
    check_dense,
    check_n_features,
    finite_sum,
    validate_features,
)
from ._warnings import warn

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
        Names of what scikit-learn counts as features: the columns of a
        table, or the column names shared by sequences given as DataFrames.
    univariate : bool
        Whether the input had no feature axis (a 2-D array, or 1-D sequences).
    table : bool
        Whether the input was a 2-D table (array or DataFrame): one row per
        sample, one column per time step.
    """

    values: np.ndarray
    lengths: np.ndarray
    feature_names: np.ndarray | None = None
    univariate: bool = False
    table: bool = False

    @property
    def n_samples(self):
        return self.values.shape[0]

    @property
    def n_features(self):
        return self.values.shape[2]

    @property
    def n_input_features(self):
        """Features as scikit-learn counts them: a table's columns, else per time step."""
        return self.values.shape[1] if self.table else self.n_features

    @property
    def is_ragged(self):
        return bool(self.lengths.min() < self.values.shape[1])

    def steps(self):
        """Every real time step as a row, (lengths.sum(), n_features); a view for equal lengths."""
        if self.is_ragged:
            return self.values[real_step_mask(self.lengths, self.values.shape[1])]
        return self.values.reshape(-1, self.n_features)


def real_step_mask(lengths, max_length):
    """Boolean mask (n_samples, max_length), True on real (non-padding) time steps."""
    return np.arange(max_length)[None, :] < np.asarray(lengths)[:, None]


def check_sequences(X, *, estimator_name, input_name="X", allow_nan=False):
    """Validate sequence input and convert it to :class:`Sequences`.

    Raises ``TypeError`` for sparse input and ``ValueError`` for every other
    malformed input, in scikit-learn's wording where one exists. Infinity is
    always an error; NaN (a missing reading) only without ``allow_nan``.
    """
    check_dense(X, input_name)
    names = None
    if isinstance(X, pd.DataFrame):
        names = _string_column_names(X)
        X = X.to_numpy()
    if _is_sequence_list(X):
        sequences = _pad_ragged(list(X), estimator_name, input_name)
    else:
        sequences = _from_array(X, estimator_name, input_name)
        if sequences.table and names is not None:
            sequences = replace(sequences, feature_names=names)
    _check_values(sequences, estimator_name, input_name, allow_nan=allow_nan)
    return sequences


def _check_values(sequences, estimator_name, input_name, *, allow_nan):
    """Raise for infinity, and for NaN unless allowed, naming the features that hold it."""
    if finite_sum(sequences.values):
        return
    infinite = np.isinf(sequences.values)
    if infinite.any():
        raise ValueError(
            f"Input {input_name} contains infinity or a value too large for float32 in "
            f"{_where(sequences, infinite)}. Replace those values (e.g. by NaN, and set "
            "missing='mask'), or rescale the feature."
        )
    missing = np.isnan(sequences.values)
    if allow_nan or not missing.any():  # NaN allowed, or the sum merely overflowed
        return
    raise ValueError(
        f"Input {input_name} contains NaN in {_where(sequences, missing)}. "
        f"{estimator_name} refuses missing values by default: set missing='mask' to fill "
        "them and give the network an indicator channel per feature with missing values, "
        "or impute them first, e.g. make_pipeline(StepwiseTransformer(SimpleImputer()), "
        f"{estimator_name}())."
    )


def _where(sequences, found):
    """Where ``found`` (a mask shaped like the values) holds: the features and first sample."""
    sample = int(np.flatnonzero(found.any(axis=(1, 2)))[0])
    if sequences.table:
        positions = np.flatnonzero(found[..., 0].any(axis=0))
        kind = "column"
    else:
        positions = np.flatnonzero(found.any(axis=(0, 1)))
        kind = "feature (per time step)"
    names = [
        repr(sequences.feature_names[i]) if sequences.feature_names is not None else str(i)
        for i in positions[:10]
    ]
    more = f" and {len(positions) - 10} more" if len(positions) > 10 else ""
    return f"{kind} {', '.join(names)}{more} (first in sample {sample})"


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
        isinstance(item, (np.ndarray, list, tuple, pd.Series, pd.DataFrame)) for item in items
    )


def _is_rectangular(items):
    shapes = {np.shape(item) for item in items}
    return len(shapes) == 1


def _from_array(X, estimator_name, input_name):
    array = as_numeric(X, input_name)
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
    univariate = array.ndim == 2
    if univariate:
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
    return Sequences(values, lengths, univariate=univariate, table=univariate)


def _pad_ragged(items, estimator_name, input_name):
    univariate = all(np.ndim(item) == 1 for item in items)
    steps = [_as_steps(item, index, input_name) for index, item in enumerate(items)]
    n_features = steps[0].shape[1]
    for index, seq in enumerate(steps):
        if seq.shape[1] != n_features:
            raise ValueError(
                f"All sequences in {input_name} must have the same number of "
                f"features per time step: sequence 0 has {n_features} and sequence "
                f"{index} has {seq.shape[1]}.{_channels_first_hint(steps, input_name)}"
            )
    lengths = np.array([len(seq) for seq in steps], dtype=np.int64)
    values = np.zeros((len(steps), lengths.max(), n_features), dtype=np.float32)
    for row, seq in enumerate(steps):
        values[row, : len(seq)] = seq
    return Sequences(values, lengths, _shared_column_names(items), univariate)


def _channels_first_hint(steps, input_name):
    """How to transpose sequences of equal steps and unequal features: the layout of
    aeon and sktime, (n_channels, n_timesteps) per sequence."""
    if len({len(seq) for seq in steps}) > 1:
        return ""
    return (
        f" Every sequence has {len(steps[0])} time steps: if each is (n_channels, "
        f"n_timesteps), as aeon and sktime hold them, pass [x.T for x in {input_name}]."
    )


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
    seq = as_numeric(item, f"{input_name}[{index}]")
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


def _string_column_names(frame):
    """A DataFrame's column names when all are strings (scikit-learn's rule), else None."""
    columns = frame.columns
    if len(columns) and all(isinstance(name, str) for name in columns):
        return np.asarray(columns, dtype=object)
    return None


def validate_sequence_features(estimator, sequences, *, reset):
    """Record (``reset=True``) or check the input features of ``estimator``.

    A 2-D table follows scikit-learn's contract: ``n_features_in_`` is its
    number of columns and ``feature_names_in_`` their names, and another
    number of columns later raises scikit-learn's error. Sequences (3-D or
    a list) count features per time step. Tables are univariate sequences:
    a model fitted on one also reads univariate sequences of any length
    given as a list, and a model fitted on univariate sequences reads tables
    of any width; what must match then is the features per time step.
    """
    if reset:
        estimator._n_step_features_ = sequences.n_features
        estimator._fitted_on_table_ = sequences.table
        validate_features(
            estimator, sequences.n_input_features, sequences.feature_names, reset=True
        )
    elif sequences.table == estimator._fitted_on_table_:
        validate_features(
            estimator,
            sequences.n_input_features,
            sequences.feature_names,
            reset=False,
            table=sequences.table,
        )
    else:
        check_n_features(
            sequences.n_features,
            estimator._n_step_features_,
            type(estimator).__name__,
            per_step=True,
        )


def missing_statistics(sequences):
    """Fill value of every feature and the features that need a missing indicator.

    Returns ``(fill_values, indicator_features)``: the mean of every feature
    over its real, non-missing time steps (float32; 0 for a feature never
    observed), so that a filled reading is 0 once standardized, and the
    positions of the features with at least one NaN.
    """
    steps = sequences.steps()
    observed = ~np.isnan(steps)
    counts = observed.sum(axis=0)
    sums = np.where(observed, steps, 0).sum(axis=0, dtype=np.float64)
    fill_values = np.where(counts > 0, sums / np.maximum(counts, 1), 0.0)
    return fill_values.astype(np.float32), np.flatnonzero(counts < len(steps))


def fill_missing(sequences, fill_values, indicator_features):
    """Sequences with NaN replaced by ``fill_values`` and indicator channels appended.

    One channel per feature in ``indicator_features``, after the features:
    1.0 where that feature was missing, else 0.0 (padding included). A NaN in
    another feature is filled without an indicator.
    """
    values = sequences.values
    missing = np.isnan(values)
    filled = np.where(missing, fill_values, values)
    indicators = missing[..., indicator_features].astype(np.float32)
    return replace(sequences, values=np.concatenate([filled, indicators], axis=2))


class TokenSequences(list):
    """Token-id sequences, one 1-D int array per document, that know their vocabulary.

    What :class:`~sklearn_rnn.preprocessing.SequenceTokenizer` returns: a
    list, marked so that an estimator with ``embedding_dim="auto"`` reads
    its items as token ids through an embedding of ``vocabulary_size`` ids.
    """

    def __init__(self, sequences, *, vocabulary_size):
        super().__init__(sequences)
        self.vocabulary_size = vocabulary_size


def token_vocabulary_size(X):
    """The vocabulary size carried by token ids from a tokenizer, else None."""
    return X.vocabulary_size if isinstance(X, TokenSequences) else None


# Column names read as time steps: a number, or a common prefix and a number (t0, col_1).
_NUMBERED = re.compile(r"(\D*?)[_ -]?(\d+)")


def warn_if_feature_table(X, estimator_name):
    """Warn when a DataFrame whose columns look like features is read as a table.

    A 2-D DataFrame is read as one univariate sequence per row, one column per
    time step. Columns named like time steps (numbers, dates, or one prefix
    with a number: ``t0``, ``col_1``) are what that reading expects; other
    names (``temperature``, ``humidity``) suggest a long table of time steps
    that ``to_sequences`` should turn into sequences first.
    """
    if not isinstance(X, pd.DataFrame) or X.shape[1] == 0 or _step_like(X.columns):
        return
    shown = [str(name) for name in X.columns[:5]] + (["..."] if X.shape[1] > 5 else [])
    warn(
        f"X is a DataFrame with the columns [{', '.join(shown)}], which {estimator_name} "
        "reads as one univariate sequence per row, one column per time step. If every row "
        "is a time step of an entity (a long table), turn the table into one sequence per "
        "entity with sklearn_rnn.to_sequences(table, id=..., time=...). If the columns "
        "are time steps, pass X.to_numpy(), or name the columns by step (0, 1, ...) to "
        "silence this warning."
    )


def _step_like(columns):
    """Whether column names read as time steps: numbers, dates, or one prefix + number."""
    if pd.api.types.is_numeric_dtype(columns) or pd.api.types.is_datetime64_any_dtype(columns):
        return True
    if _all_dates(columns):
        return True
    prefixes = set()
    for name in columns:
        if isinstance(name, (int, float, np.number, pd.Timestamp, pd.Period)):
            continue
        match = _NUMBERED.fullmatch(str(name).strip())
        if match is None:
            return False
        prefixes.add(match.group(1))
    return len(prefixes) <= 1


def _all_dates(columns):
    """Whether every column name is an ISO date or time stamp (a wide table of days)."""
    try:
        pd.to_datetime(columns.astype(str), format="ISO8601")
    except (ValueError, TypeError):
        return False
    return True


# A 3-D array is read as (n_samples, n_timesteps, n_features). aeon and sktime hold panels
# as (n_samples, n_channels, n_timesteps): read that way, a few "time steps" carry hundreds
# of "features" that follow one another like the steps of a series. The rule needs all
# three signs: at most 64 steps as read, at least 4 times as many features and at least 16,
# and features that depend on their neighbour (|lag-1 autocorrelation| >= 0.1 along the
# last axis, pooled over the first 256 samples; unordered features, such as embeddings,
# give about 0). So it never fires on data with more time steps than features.
CHANNELS_FIRST_MAX_CHANNELS = 64
CHANNELS_FIRST_MIN_RATIO = 4
CHANNELS_FIRST_MIN_STEPS = 16
CHANNELS_FIRST_MIN_AUTOCORRELATION = 0.1
CHANNELS_FIRST_SAMPLES = 256


def warn_if_channels_first(X, estimator_name):
    """Warn when a 3-D array looks like aeon/sktime's ``(n_samples, n_channels, n_timesteps)``.

    The estimators read ``(n_samples, n_timesteps, n_features)``; an array in the other
    layout would be read with time and channels swapped, silently. The rule is in the
    comment above ``CHANNELS_FIRST_MAX_CHANNELS``.
    """
    if not _looks_channels_first(X):
        return
    n_samples, n_channels, n_timesteps = X.shape
    warn(
        f"X has shape {X.shape}, which {estimator_name} reads as (n_samples, n_timesteps, "
        f"n_features): {n_samples} sequences of {n_channels} time step(s) with {n_timesteps} "
        "features each. Its last axis changes like a time series, so X is probably in the "
        "(n_samples, n_channels, n_timesteps) layout of aeon and sktime: pass "
        "X.transpose(0, 2, 1) (for a list of such arrays: [x.T for x in X])."
    )


def _looks_channels_first(X):
    """Whether X is a numeric 3-D array with all three signs of the channels-first layout."""
    if not isinstance(X, np.ndarray) or X.ndim != 3 or X.dtype.kind not in "fiu":
        return False
    n_steps, n_features = X.shape[1:]
    short = n_steps <= CHANNELS_FIRST_MAX_CHANNELS
    wide = n_features >= max(CHANNELS_FIRST_MIN_RATIO * n_steps, CHANNELS_FIRST_MIN_STEPS)
    if not (short and wide):
        return False
    autocorrelation = _lag_one_autocorrelation(X[:CHANNELS_FIRST_SAMPLES])
    return abs(autocorrelation) >= CHANNELS_FIRST_MIN_AUTOCORRELATION


def _lag_one_autocorrelation(X):
    """Lag-1 autocorrelation along the last axis, pooled over all rows; non-finite as 0."""
    rows = X.reshape(-1, X.shape[-1]).astype(np.float64)
    rows = np.where(np.isfinite(rows), rows, 0.0)
    rows -= rows.mean(axis=1, keepdims=True)
    energy = np.square(rows).sum()
    return float((rows[:, :-1] * rows[:, 1:]).sum() / energy) if energy > 0 else 0.0


class SequenceDataset(torch.utils.data.Dataset):
    """Padded sequences, lengths and optional targets / weights as CPU tensors.

    Batches are sliced from these tensors as a whole (:meth:`batch`). With
    ``step_targets``, ``y`` and ``sample_weight`` hold one row per time step
    (padded like ``values``) and are trimmed with the inputs.
    """

    def __init__(
        self, values, lengths, y=None, sample_weight=None, static=None, *, step_targets=False
    ):
        self.values = torch.as_tensor(values)
        self.lengths = torch.as_tensor(lengths)
        self.y = _optional_tensor(y)
        self.sample_weight = _optional_tensor(sample_weight)
        self.static = _optional_tensor(static)
        self.step_targets = step_targets

    @classmethod
    def from_sequences(
        cls, sequences, y=None, sample_weight=None, static=None, *, step_targets=False
    ):
        return cls(
            sequences.values,
            sequences.lengths,
            y,
            sample_weight,
            static,
            step_targets=step_targets,
        )

    def __len__(self):
        return len(self.lengths)

    def __getitem__(self, index):
        return self.batch(np.atleast_1d(index))

    def subset(self, indices):
        index = torch.from_numpy(np.arange(len(self))[indices])  # masks, negative indices
        return SequenceDataset(
            _rows(self.values, index),
            _rows(self.lengths, index),
            *(_take(tensor, index) for tensor in (self.y, self.sample_weight, self.static)),
            step_targets=self.step_targets,
        )

    def batch(self, indices):
        """Inputs and target of the samples at ``indices``, trimmed to their length.

        Returns ``(inputs, y)`` where ``inputs`` is a dict with ``"X"``,
        ``"lengths"`` and, when present, ``"sample_weight"`` and ``"static"``.
        """
        indices = np.asarray(indices)
        max_length = int(self.lengths.numpy()[indices].max())
        index = _as_index(indices)
        inputs = {
            "X": _rows(self.values[:, :max_length], index),
            "lengths": _rows(self.lengths, index),
        }
        if self.sample_weight is not None:
            inputs["sample_weight"] = self._targets(self.sample_weight, index, max_length)
        if self.static is not None:
            inputs["static"] = _rows(self.static, index)
        return inputs, self._targets(self.y, index, max_length)

    def _targets(self, tensor, index, max_length):
        if tensor is None:
            return None
        if self.step_targets:
            tensor = tensor[:, :max_length]
        return _rows(tensor, index)


def _as_index(indices):
    """A slice (a view, no copy) for consecutive indices, else an index tensor."""
    spans = len(indices) and indices[-1] - indices[0] == len(indices) - 1
    if spans and np.all(np.diff(indices) == 1):
        return slice(int(indices[0]), int(indices[-1]) + 1)
    return torch.from_numpy(indices.astype(np.int64, copy=False))


def _rows(tensor, index):
    """``tensor[index]`` along the first axis; a gather of rows (``index_select``
    costs a third of the general indexing path) unless ``index`` is a slice."""
    if isinstance(index, slice):
        return tensor[index]
    return tensor.index_select(0, index)


def _optional_tensor(array):
    return None if array is None else torch.as_tensor(array)


def _take(tensor, indices):
    return None if tensor is None else _rows(tensor, indices)


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
        for indices in batch_indices(lengths, self.batch_size, shuffle=self.shuffle, rng=self.rng):
            inputs, y = self.dataset.batch(indices)
            if self.pin_memory:
                inputs = {key: value.pin_memory() for key, value in inputs.items()}
                y = None if y is None else y.pin_memory()
            yield inputs, y


# Token ids travel as float32 values: integers are exact up to 2**24.
MAX_TOKEN_ID = 2**24 - 1


def check_token_ids(sequences, n_tokens=None, *, input_name="X"):
    """Raise unless every time step holds one non-negative integer token id.

    With ``n_tokens`` (the vocabulary size), ids must also be below it.
    """
    if sequences.n_features != 1:
        raise ValueError(
            f"embedding_dim is set, so {input_name} must hold token ids, one integer per "
            f"time step; got {sequences.n_features} features per time step."
        )
    ids = sequences.values[..., 0]
    if ids.min() < 0 or not np.array_equal(ids, np.round(ids)):
        raise ValueError(
            f"embedding_dim is set, so {input_name} must hold token ids: non-negative "
            "integers (0 is padding). Turn text into ids with "
            "sklearn_rnn.preprocessing.SequenceTokenizer."
        )
    largest = int(ids.max())
    if largest > MAX_TOKEN_ID:
        raise ValueError(f"Token ids must be at most {MAX_TOKEN_ID}; {input_name} holds {largest}.")
    if n_tokens is not None and largest >= n_tokens:
        raise ValueError(
            f"{input_name} holds token id {largest}, but the embedding covers ids "
            f"0..{n_tokens - 1}. Set n_tokens to the vocabulary size (e.g. a "
            "SequenceTokenizer's vocabulary_size_) when later data may hold ids the first "
            "fit did not see, or map unseen tokens to an out-of-vocabulary id."
        )


def check_step_targets(y, lengths, *, input_name="y"):
    """Targets given per time step, flattened over all real steps in sequence order.

    ``y`` is a collection holding one array per sequence, as long as that
    sequence, or an array of shape (n_samples, n_timesteps[, n_outputs]) when
    all sequences have ``n_timesteps`` steps. Returns an array of shape
    (lengths.sum(),) or (lengths.sum(), n_outputs).
    """
    lengths = np.asarray(lengths)
    if isinstance(y, pd.DataFrame):
        y = y.to_numpy()
    if not _is_collection(y):
        y = np.asarray(y)
        if y.ndim < 2:
            raise ValueError(
                f"output='sequence' needs one target per time step: {input_name} must hold "
                "an array per sequence (a list, for sequences of different lengths) or be "
                f"an array of shape (n_samples, n_timesteps); got shape {y.shape}."
            )
        y = list(y)
    if len(y) != len(lengths):
        raise ValueError(
            "Found input variables with inconsistent numbers of samples: "
            f"[{len(lengths)}, {len(y)}]"
        )
    steps = [np.asarray(item) for item in y]
    for index, (item, length) in enumerate(zip(steps, lengths, strict=True)):
        if item.ndim == 0 or len(item) != length or item.ndim > 2:
            shape = item.shape
            raise ValueError(
                f"output='sequence' needs one target per time step: sequence {index} has "
                f"{length} steps, but {input_name}[{index}] has shape {shape}."
            )
    if len({item.shape[1:] for item in steps}) > 1:
        raise ValueError(
            f"All per-step targets in {input_name} must have the same number of outputs."
        )
    return np.concatenate(steps)


def _is_collection(y):
    return isinstance(y, (list, tuple, pd.Series)) or (
        isinstance(y, np.ndarray) and y.dtype == object
    )


def pad_steps(flat, lengths, fill=0):
    """Flat per-step rows (lengths.sum(), ...) as a padded array (n, max_length, ...)."""
    lengths = np.asarray(lengths)
    padded = np.full((len(lengths), lengths.max(), *flat.shape[1:]), fill, dtype=flat.dtype)
    padded[real_step_mask(lengths, lengths.max())] = flat
    return padded


def restore_steps(padded, lengths):
    """Per-step results (n, max_length, ...) in the input's form.

    An array for sequences of equal length, else a list of arrays, one per
    sequence, as long as the sequence.
    """
    if lengths.min() == padded.shape[1]:
        return padded
    return [padded[row, :length] for row, length in enumerate(lengths)]
