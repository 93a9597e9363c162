"""Sequence-aware transformers for pipelines in front of the recurrent estimators.

* :class:`SequenceTokenizer` turns raw text into sequences of token ids.
* :class:`SequenceScaler` standardizes every feature over all time steps.
* :class:`StepwiseTransformer` applies any 2-D scikit-learn transformer to
  every time step of 3-D or variable-length input.

They take and return sequences in the forms the estimators accept (a 3-D
array, a 2-D array of univariate sequences, or a list of arrays of different
lengths), so that ``make_pipeline(SequenceScaler(), RNNClassifier())`` works
in ``GridSearchCV`` like any scikit-learn pipeline.
"""

import re
from collections import Counter
from dataclasses import dataclass
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    OneToOneFeatureMixin,
    TransformerMixin,
    clone,
)
from sklearn.preprocessing import StandardScaler
from sklearn.utils import get_tags
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from ._compat import HasMethods, Interval, StrOptions, _fit_context
from ._sequences import (
    TokenSequences,
    check_sequences,
    pad_steps,
    restore_steps,
    validate_sequence_features,
)

__all__ = ["SequenceScaler", "SequenceTokenizer", "StepwiseTransformer"]


class _SequencesOutMixin:
    """Transformers whose output is sequences: no table container applies."""

    def set_output(self, *, transform=None):
        """Accept an output container setting and keep returning sequences.

        The output of this transformer is sequences (arrays of shape
        (n_samples, n_timesteps[, n_features]) or lists of arrays), which no
        DataFrame can hold, so ``transform="pandas"`` or ``"polars"`` (as set
        by ``Pipeline.set_output`` on every step) leaves it unchanged; a
        recurrent estimator after it still honours the setting.

        Parameters
        ----------
        transform : {"default", "pandas", "polars"} or None, default=None
            Ignored.

        Returns
        -------
        self : estimator instance
            The transformer itself.
        """
        return self


# Sequences of token ids ------------------------------------------------------


class SequenceTokenizer(
    _SequencesOutMixin, ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator
):
    """Learn a vocabulary from raw text and turn documents into token-id sequences.

    Every document becomes a sequence of integer ids, the input that
    ``RNNClassifier`` and ``RNNRegressor`` read through a trainable embedding
    (their default ``embedding_dim="auto"`` recognises the tokenizer's
    output). Id 0 is reserved for padding and id 1 for tokens outside the
    vocabulary; the vocabulary's tokens get ids from 2 on, most frequent first.

    Parameters
    ----------
    analyzer : {"word", "char"} or callable, default="word"
        "word" splits a document with ``token_pattern``; "char" makes every
        character a token; a callable maps a document to its list of tokens.

    lowercase : bool, default=True
        Convert documents to lowercase before splitting them.

    token_pattern : str, default=r"(?u)\\w+|[^\\w\\s]"
        Regular expression of a word-level token: by default runs of word
        characters, and every punctuation mark as a token of its own.

    max_vocab : int or None, default=None
        Keep only the ``max_vocab`` most frequent tokens (ties broken
        alphabetically), not counting the padding and out-of-vocabulary ids.
        None keeps all.

    min_freq : int, default=1
        Keep only tokens seen at least this many times in the training documents.

    max_length : int or None, default=None
        Keep only the first ``max_length`` tokens of every document.

    Attributes
    ----------
    vocabulary_ : dict
        Mapping of token to id.

    tokens_ : ndarray of str of shape (`vocabulary_size_`,)
        Token of every id: ``tokens_[0]`` is ``"<pad>"``, ``tokens_[1]`` is
        ``"<oov>"``.

    vocabulary_size_ : int
        Number of ids, padding and out-of-vocabulary included: every id is
        below it.

    See Also
    --------
    sklearn.feature_extraction.text.CountVectorizer : Bag of words, order lost.

    Notes
    -----
    A document without any token (e.g. an empty string) becomes one
    out-of-vocabulary id, so that every document is a sequence of at least
    one step, as the recurrent estimators need.

    Examples
    --------
    >>> from sklearn_rnn.preprocessing import SequenceTokenizer
    >>> tokenizer = SequenceTokenizer().fit(["A good film.", "A bad, bad film."])
    >>> tokenizer.transform(["a bad plot"])
    [array([3, 4, 1])]
    >>> tokenizer.inverse_transform([[3, 4, 1]])
    [['a', 'bad', '<oov>']]
    >>> tokenizer.vocabulary_size_
    8
    """

    PADDING_ID = 0
    OOV_ID = 1
    PADDING_TOKEN = "<pad>"
    OOV_TOKEN = "<oov>"

    _parameter_constraints = {
        "analyzer": [StrOptions({"word", "char"}), callable],
        "lowercase": ["boolean"],
        "token_pattern": [str],
        "max_vocab": [Interval(Integral, 1, None, closed="left"), None],
        "min_freq": [Interval(Integral, 1, None, closed="left")],
        "max_length": [Interval(Integral, 1, None, closed="left"), None],
    }

    def __init__(
        self,
        *,
        analyzer="word",
        lowercase=True,
        token_pattern=r"(?u)\w+|[^\w\s]",
        max_vocab=None,
        min_freq=1,
        max_length=None,
    ):
        self.analyzer = analyzer
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        self.max_vocab = max_vocab
        self.min_freq = min_freq
        self.max_length = max_length

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the vocabulary of the documents in X.

        Parameters
        ----------
        X : iterable of str
            Training documents.
        y : None
            Ignored.

        Returns
        -------
        self : SequenceTokenizer
            Fitted tokenizer.
        """
        split = self._splitter()
        counts = Counter()
        for document in _check_documents(X):
            counts.update(split(document))
        kept = sorted(
            (token for token, count in counts.items() if count >= self.min_freq),
            key=lambda token: (-counts[token], token),
        )[: self.max_vocab]
        self.tokens_ = np.array([self.PADDING_TOKEN, self.OOV_TOKEN, *kept], dtype=object)
        self.vocabulary_ = {token: index for index, token in enumerate(kept, start=2)}
        self.vocabulary_size_ = len(self.tokens_)
        return self

    def transform(self, X):
        """Turn every document into its sequence of token ids.

        Parameters
        ----------
        X : iterable of str
            Documents.

        Returns
        -------
        ids : list of ndarray of int64
            One 1-D array of ids per document (at least one id each; unknown
            tokens get ``OOV_ID``). The list is marked as token ids of a
            vocabulary of ``vocabulary_size_`` ids, so that an estimator with
            ``embedding_dim="auto"`` (the default) embeds them instead of
            reading them as numbers.
        """
        check_is_fitted(self)
        split = self._splitter()
        lookup = self.vocabulary_.get
        return TokenSequences(
            (
                np.array([lookup(token, self.OOV_ID) for token in split(document)] or [self.OOV_ID])
                for document in _check_documents(X)
            ),
            vocabulary_size=self.vocabulary_size_,
        )

    def inverse_transform(self, X):
        """Tokens of id sequences; padding ids are dropped.

        Parameters
        ----------
        X : list of array-like of int, or array of shape (n_samples, n_timesteps)
            Token-id sequences, possibly padded with 0.

        Returns
        -------
        tokens : list of list of str
            The tokens of every sequence.
        """
        check_is_fitted(self)
        documents = []
        for index, ids in enumerate(X):
            ids = np.asarray(ids).ravel()
            if ids.dtype.kind not in "iu" or ids.min(initial=0) < 0:
                raise ValueError(f"X[{index}] must hold non-negative integer token ids.")
            if ids.max(initial=0) >= self.vocabulary_size_:
                raise ValueError(
                    f"X[{index}] holds token id {ids.max()}, but the vocabulary has ids "
                    f"0..{self.vocabulary_size_ - 1}."
                )
            documents.append(self.tokens_[ids[ids != self.PADDING_ID]].tolist())
        return documents

    @property
    def _n_features_out(self):
        """One feature per time step: the token id (``get_feature_names_out``)."""
        return 1

    def _splitter(self):
        """The function that maps a document to its tokens."""
        if callable(self.analyzer):
            analyze = self.analyzer
        elif self.analyzer == "char":
            analyze = list
        else:
            analyze = re.compile(self.token_pattern).findall
        lowercase, max_length = self.lowercase, self.max_length

        def split(document):
            tokens = analyze(document.lower() if lowercase else document)
            return tokens[:max_length] if max_length is not None else tokens

        return split

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.non_deterministic = False
        return tags


def _check_documents(X):
    """X as a list of documents; raise for a single string or non-string items."""
    if isinstance(X, (str, bytes)):
        raise ValueError("Iterable over raw text documents expected, string object received.")
    try:
        documents = list(X)
    except TypeError:
        raise TypeError(
            f"Iterable over raw text documents expected, got {type(X).__name__}."
        ) from None
    for index, document in enumerate(documents):
        if not isinstance(document, str):
            raise TypeError(
                f"Every document must be a str; document {index} is "
                f"{type(document).__name__} ({document!r})."
            )
    return documents


# Step-wise transformation of sequences -----------------------------------------


@dataclass(frozen=True)
class _Layout:
    """Where the stacked steps of some sequences came from, to put results back."""

    lengths: np.ndarray
    univariate: bool  # a 2-D array, or a list of 1-D arrays

    def restore(self, steps):
        """Rows of ``steps`` (one per real time step) in the input's form."""
        if sp.issparse(steps):
            steps = steps.toarray()
        steps = np.asarray(steps)
        if steps.ndim == 1:
            steps = steps[:, np.newaxis]
        padded = pad_steps(steps, self.lengths)
        if self.univariate and padded.shape[2] == 1:
            padded = padded[:, :, 0]
        return restore_steps(padded, self.lengths)


def _stack_steps(X, estimator_name):
    """All real time steps of X as rows (n_steps, n_features), their layout and names.

    NaN passes through, to the wrapped transformer (which may impute it).
    """
    sequences = check_sequences(X, estimator_name=estimator_name, allow_nan=True)
    return sequences.steps(), _Layout(sequences.lengths, sequences.univariate), sequences


class _StepwiseBase(_SequencesOutMixin, OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Fit a 2-D transformer on all time steps; apply it step by step."""

    def _fit_steps(self, X, transformer):
        steps, _, sequences = _stack_steps(X, type(self).__name__)
        validate_sequence_features(self, sequences, reset=True)
        return transformer.fit(steps)

    def _apply(self, X, method, *, check_features=True):
        """``method`` of the fitted 2-D transformer on every time step of X."""
        check_is_fitted(self)
        steps, layout, sequences = _stack_steps(X, type(self).__name__)
        if check_features:
            validate_sequence_features(self, sequences, reset=False)
        return layout.restore(getattr(self._fitted_transformer(), method)(steps))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float32"]
        tags.non_deterministic = False
        return tags


class StepwiseTransformer(_StepwiseBase):
    """Apply a 2-D scikit-learn transformer to every time step of sequences.

    ``fit`` fits a clone of ``transformer`` on all real time steps of all
    sequences, stacked as rows (padding never counts); ``transform`` applies
    it to every step and returns the sequences in the input's form: a 3-D
    array, a 2-D array for univariate sequences that stay univariate, or a
    list of arrays for sequences of different lengths. The number of features per step may
    change (e.g. ``PCA``, ``OneHotEncoder``); sparse results become dense.
    Missing values (NaN) reach the transformer, so that
    ``StepwiseTransformer(SimpleImputer())`` imputes them; infinity is refused.

    Parameters
    ----------
    transformer : estimator object
        A scikit-learn transformer for 2-D data (``fit`` and ``transform``).

    Attributes
    ----------
    transformer_ : estimator object
        The fitted clone of ``transformer``.

    n_features_in_ : int
        Number of features per time step seen in fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features per time step, when the sequences were
        DataFrames sharing string column names.

    See Also
    --------
    SequenceScaler : Standardize every feature over all time steps.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.decomposition import PCA
    >>> from sklearn_rnn.preprocessing import StepwiseTransformer
    >>> rng = np.random.RandomState(0)
    >>> X = [rng.normal(size=(n, 3)) for n in (4, 7)]
    >>> pca = StepwiseTransformer(PCA(n_components=2)).fit(X)
    >>> [steps.shape for steps in pca.transform(X)]
    [(4, 2), (7, 2)]
    """

    _parameter_constraints = {"transformer": [HasMethods(["fit", "transform"])]}

    def __init__(self, transformer):
        self.transformer = transformer

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None):
        """Fit the transformer on all time steps of X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps[, n_features]) or list of arrays
            Sequences; a list may hold arrays of different lengths.
        y : None
            Ignored.

        Returns
        -------
        self : StepwiseTransformer
            Fitted transformer.
        """
        self.transformer_ = self._fit_steps(X, clone(self.transformer))
        return self

    def transform(self, X):
        """Transform every time step of X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps[, n_features]) or list of arrays
            Sequences with the features seen in fit.

        Returns
        -------
        X_new : ndarray or list of ndarray
            The transformed sequences, in the form of X.
        """
        return self._apply(X, "transform")

    def _fitted_transformer(self):
        return self.transformer_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = get_tags(self.transformer).input_tags.allow_nan
        return tags

    @available_if(lambda self: hasattr(self.transformer, "get_feature_names_out"))
    def get_feature_names_out(self, input_features=None):
        """Names of the output features.

        For a table whose steps stay single values (a 2-D output), one name
        per column as the input's; otherwise the fitted transformer's names
        for the features of a time step.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input feature names: those of the table's columns, or of the
            features per time step; by default ``feature_names_in_`` or
            ``x0, x1, ...``.

        Returns
        -------
        feature_names_out : ndarray of str objects
            Output feature names.
        """
        names = super().get_feature_names_out(input_features)
        if self._fitted_on_table_:
            step_names = self.transformer_.get_feature_names_out(["x0"])
            return names if len(step_names) == 1 else step_names
        return self.transformer_.get_feature_names_out(names)

    @available_if(lambda self: hasattr(self.transformer, "inverse_transform"))
    def inverse_transform(self, X):
        """Undo the transformation of every time step.

        Parameters
        ----------
        X : array-like or list of arrays
            Transformed sequences.

        Returns
        -------
        X_original : ndarray or list of ndarray
            Sequences in the original feature space, in the form of X.
        """
        return self._apply(X, "inverse_transform", check_features=False)


class SequenceScaler(_StepwiseBase):
    """Standardize every feature over all time steps of all sequences.

    The mean and standard deviation of a feature are taken over every real
    time step of every training sequence (padding of variable-length input
    never counts); ``transform`` returns sequences in the input's form, as
    float32 (the precision the networks compute in). As in
    :class:`~sklearn.preprocessing.StandardScaler`, NaN is left out of the
    statistics and passes through ``transform``, for an estimator with
    ``missing="mask"`` or an imputer after it.

    Parameters
    ----------
    with_mean : bool, default=True
        Subtract the mean of every feature.

    with_std : bool, default=True
        Divide by the standard deviation of every feature.

    Attributes
    ----------
    mean_ : ndarray of shape (`n_features_in_`,) or None
        Mean of every feature over all time steps; None when both
        ``with_mean`` and ``with_std`` are False.

    scale_ : ndarray of shape (`n_features_in_`,) or None
        Standard deviation of every feature (1 where it is 0); None when
        ``with_std=False``.

    var_ : ndarray of shape (`n_features_in_`,) or None
        Variance of every feature; None when ``with_std=False``.

    n_samples_seen_ : int or ndarray of shape (`n_features_in_`,)
        Number of time steps the statistics were computed from; per feature
        (the steps where it is not NaN) when some values were missing.

    n_features_in_ : int
        Number of features per time step seen in fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features per time step, when the sequences were
        DataFrames sharing string column names.

    See Also
    --------
    sklearn.preprocessing.StandardScaler : The same, for one row per sample.
    StepwiseTransformer : Any 2-D transformer, step by step.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn.preprocessing import SequenceScaler
    >>> X = [np.array([[0.0], [2.0]]), np.array([[4.0], [6.0], [8.0]])]
    >>> scaler = SequenceScaler().fit(X)
    >>> scaler.mean_
    array([4.])
    >>> for steps in scaler.transform(X):
    ...     print(steps.ravel().round(2))
    [-1.41 -0.71]
    [0.   0.71 1.41]
    """

    _parameter_constraints = {"with_mean": ["boolean"], "with_std": ["boolean"]}

    def __init__(self, *, with_mean=True, with_std=True):
        self.with_mean = with_mean
        self.with_std = with_std

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Compute the mean and standard deviation of every feature over all time steps.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps[, n_features]) or list of arrays
            Sequences; a list may hold arrays of different lengths.
        y : None
            Ignored.

        Returns
        -------
        self : SequenceScaler
            Fitted scaler.
        """
        scaler = StandardScaler(with_mean=self.with_mean, with_std=self.with_std)
        self._scaler_ = self._fit_steps(X, scaler)
        self.mean_ = self._scaler_.mean_
        self.var_ = self._scaler_.var_
        self.scale_ = self._scaler_.scale_
        seen = self._scaler_.n_samples_seen_  # per feature when some values are missing
        self.n_samples_seen_ = int(seen) if np.ndim(seen) == 0 else seen
        return self

    def transform(self, X):
        """Standardize every time step of X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps[, n_features]) or list of arrays
            Sequences with the features seen in fit.

        Returns
        -------
        X_new : ndarray or list of ndarray
            Standardized sequences, in the form of X.
        """
        return self._apply(X, "transform")

    def inverse_transform(self, X):
        """Scale standardized sequences back to the original units.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps[, n_features]) or list of arrays
            Standardized sequences.

        Returns
        -------
        X_original : ndarray or list of ndarray
            Sequences in the original units, in the form of X.
        """
        return self._apply(X, "inverse_transform")

    def _fitted_transformer(self):
        return self._scaler_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
