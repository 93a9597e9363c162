"""Input checks shared by sequences, tables and the forecaster.

One conversion to numbers, a fast finite check and the feature bookkeeping of
``fit`` / ``predict`` (``n_features_in_``, ``feature_names_in_``), each with
scikit-learn's wording where it has one.
"""

import numpy as np
import pandas as pd
import scipy.sparse as sp
import torch

from ._warnings import warn

FLOAT32_MAX = float(np.finfo(np.float32).max)


def check_dense(X, input_name="X"):
    """Raise scikit-learn's ``TypeError`` for sparse input."""
    if sp.issparse(X):
        raise TypeError(
            f"Sparse data was passed for {input_name}, but dense data is required. "
            "Use '.toarray()' to convert to a dense numpy array."
        )


def as_numeric(X, input_name="X", *, dtype=None):
    """``X`` as a numpy array of real numbers (strings of numbers are parsed).

    ``dtype`` None keeps numeric dtypes as they are (strings become float32).
    Raises ``ValueError`` for text, complex numbers and arrays that numpy
    cannot read.
    """
    if isinstance(X, (pd.Series, pd.DataFrame)):
        X = X.to_numpy()
    try:
        array = np.asarray(X)
    except ValueError as exc:
        raise ValueError(f"{input_name} could not be read as an array of numbers: {exc}") from None
    if array.dtype.kind in "USO":
        try:
            array = array.astype(dtype or np.float32)
        except ValueError:
            raise ValueError(
                f"{input_name} must hold numbers: dtype='numeric' is not compatible "
                "with arrays of bytes/strings. Convert your data to numeric values "
                "explicitly instead (for text, sklearn_rnn.preprocessing.SequenceTokenizer "
                "turns strings into token ids)."
            ) from None
    if array.dtype.kind == "c":
        raise ValueError(f"Complex data not supported\n{input_name}")
    return array if dtype is None else array.astype(dtype, copy=False)


def finite_sum(values):
    """Whether the sum of ``values`` is finite: true when every value is finite.

    A fast first check (torch sums with all threads); when it fails, an
    element-wise check tells NaN, infinity and a mere overflow of the sum apart.
    """
    return bool(torch.isfinite(torch.from_numpy(np.ascontiguousarray(values)).sum()))


def nonfinite_columns(values, limit=FLOAT32_MAX):
    """Positions of the columns of a 2-D array holding NaN, infinity or |value| > limit."""
    bad = ~(np.isfinite(values) & (np.abs(values) <= limit))
    return np.flatnonzero(bad.any(axis=0))


def validate_features(estimator, n_features, feature_names, *, reset, table=False):
    """Record (``reset=True``) or check the input features of ``estimator``.

    Sets ``n_features_in_`` and, for named input, ``feature_names_in_``, as
    scikit-learn's ``validate_data`` does; at ``reset=False`` raises its
    errors for another count or other names, and warns when names appear or
    disappear.
    """
    name = type(estimator).__name__
    if not reset:
        check_n_features(n_features, estimator.n_features_in_, name, per_step=not table)
        check_feature_names(feature_names, getattr(estimator, "feature_names_in_", None), name)
        return
    estimator.n_features_in_ = n_features
    if feature_names is not None:
        estimator.feature_names_in_ = feature_names
    elif hasattr(estimator, "feature_names_in_"):
        del estimator.feature_names_in_


def check_n_features(n_features, n_features_in, estimator_name, *, per_step=True):
    """Raise if the number of input features changed since fit (scikit-learn's
    message, with "per time step" for the features of sequences)."""
    if n_features != n_features_in:
        unit = " per time step" if per_step else ""
        raise ValueError(
            f"X has {n_features} features{unit}, but {estimator_name} is expecting "
            f"{n_features_in} features{unit} as input."
        )


def check_feature_names(names, feature_names_in, estimator_name):
    """Compare feature names at predict with those seen in fit, as scikit-learn does."""
    if feature_names_in is None and names is None:
        return
    if feature_names_in is None:
        warn(f"X has feature names, but {estimator_name} was fitted without feature names")
    elif names is None:
        warn(
            f"X does not have valid feature names, but {estimator_name} was fitted with "
            "feature names"
        )
    elif not np.array_equal(names, feature_names_in):
        raise ValueError(
            "The feature names should match those that were passed during fit.\n"
            f"Seen at fit time: {list(feature_names_in)}\nGiven now: {list(names)}"
        )
