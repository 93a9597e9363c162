"""SequenceTokenizer, SequenceScaler and StepwiseTransformer."""

import pickle

import numpy as np
import pandas as pd
import pytest
from _support import FAST, make_ragged, make_sequences
from sklearn.base import clone
from sklearn.decomposition import PCA
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, StandardScaler
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.estimator_checks import (
    check_estimator_cloneable,
    check_estimator_repr,
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
)

from sklearn_rnn import RNNClassifier
from sklearn_rnn.preprocessing import SequenceScaler, SequenceTokenizer, StepwiseTransformer

# SequenceTokenizer --------------------------------------------------------------

DOCUMENTS = ["The cat sat.", "The dog sat!", "A cat, a dog, the cat."]


def test_tokenizer_ids_follow_frequency_then_alphabet():
    tokenizer = SequenceTokenizer().fit(DOCUMENTS)
    # counts: cat 3, the 3, "," 2, "." 2, a 2, dog 2, sat 2, "!" 1
    assert list(tokenizer.tokens_) == [
        "<pad>", "<oov>", "cat", "the", ",", ".", "a", "dog", "sat", "!",
    ]
    assert tokenizer.vocabulary_["the"] == 3
    assert tokenizer.vocabulary_size_ == 10
    ids = tokenizer.transform(["the cat sat ."])
    np.testing.assert_array_equal(ids[0], [3, 2, 8, 5])


def test_tokenizer_unknown_tokens_get_the_oov_id_and_empty_documents_one_oov():
    tokenizer = SequenceTokenizer().fit(DOCUMENTS)
    ids = tokenizer.transform(["the zebra", "", "   "])
    np.testing.assert_array_equal(ids[0], [3, SequenceTokenizer.OOV_ID])
    np.testing.assert_array_equal(ids[1], [SequenceTokenizer.OOV_ID])
    np.testing.assert_array_equal(ids[2], [SequenceTokenizer.OOV_ID])


def test_tokenizer_vocabulary_limits():
    assert set(SequenceTokenizer(min_freq=3).fit(DOCUMENTS).vocabulary_) == {"the", "cat"}
    limited = SequenceTokenizer(max_vocab=3).fit(DOCUMENTS)
    assert list(limited.tokens_[2:]) == ["cat", "the", ","]
    assert limited.transform(["dog"])[0].tolist() == [SequenceTokenizer.OOV_ID]


def test_tokenizer_options():
    cased = SequenceTokenizer(lowercase=False).fit(DOCUMENTS)
    assert "The" in cased.vocabulary_ and "the" in cased.vocabulary_
    chars = SequenceTokenizer(analyzer="char").fit(["abca"])
    assert list(chars.tokens_[2:]) == ["a", "b", "c"]
    assert chars.transform(["cab"])[0].tolist() == [4, 2, 3]
    custom = SequenceTokenizer(analyzer=str.split, lowercase=False).fit(["x y", "y"])
    assert list(custom.tokens_[2:]) == ["y", "x"]
    short = SequenceTokenizer(max_length=2).fit(DOCUMENTS)
    assert [len(ids) for ids in short.transform(DOCUMENTS)] == [2, 2, 2]
    words = SequenceTokenizer(token_pattern=r"\w+").fit(DOCUMENTS)
    assert "." not in words.vocabulary_


def test_tokenizer_inverse_transform_round_trip_and_padding():
    tokenizer = SequenceTokenizer().fit(DOCUMENTS)
    ids = tokenizer.transform(["the dog sat", "a cat"])
    assert tokenizer.inverse_transform(ids) == [["the", "dog", "sat"], ["a", "cat"]]
    padded = np.array([[3, 7, 0, 0], [6, 2, 1, 0]])
    assert tokenizer.inverse_transform(padded) == [["the", "dog"], ["a", "cat", "<oov>"]]


@pytest.mark.parametrize(
    "X, error, match",
    [
        ("one string", ValueError, "string object received"),
        (["ok", 3.0], TypeError, "document 1 is float"),
        (["ok", None], TypeError, "document 1 is NoneType"),
        (42, TypeError, "Iterable over raw text documents expected"),
    ],
)
def test_tokenizer_rejects_what_is_not_text(X, error, match):
    with pytest.raises(error, match=match):
        SequenceTokenizer().fit(X)


def test_tokenizer_errors():
    with pytest.raises(NotFittedError):
        SequenceTokenizer().transform(DOCUMENTS)
    tokenizer = SequenceTokenizer().fit(DOCUMENTS)
    with pytest.raises(ValueError, match=r"vocabulary has ids 0\.\.9"):
        tokenizer.inverse_transform([[2, 10]])
    with pytest.raises(ValueError, match="non-negative integer"):
        tokenizer.inverse_transform([[2.5]])
    with pytest.raises(InvalidParameterError, match="max_vocab"):
        SequenceTokenizer(max_vocab=0).fit(DOCUMENTS)


@pytest.mark.parametrize(
    "check",
    [
        check_estimator_cloneable,
        check_estimator_repr,
        check_no_attributes_set_in_init,
        check_parameters_default_constructible,
        check_get_params_invariance,
        check_set_params,
    ],
)
def test_tokenizer_api_checks(check):
    # scikit-learn's other checks feed 2-D numbers, which a text transformer does not take.
    check("SequenceTokenizer", SequenceTokenizer())


def test_tokenizer_accepts_a_pandas_series_of_text():
    tokenizer = SequenceTokenizer().fit(pd.Series(DOCUMENTS))
    assert len(tokenizer.transform(pd.Series(DOCUMENTS[:2]))) == 2


# SequenceScaler -----------------------------------------------------------------


def test_scaler_statistics_cover_real_steps_only():
    X, _ = make_ragged(n_samples=30, min_length=2, max_length=20)
    steps = np.concatenate(X)
    scaler = SequenceScaler().fit(X)
    np.testing.assert_allclose(scaler.mean_, steps.mean(axis=0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(scaler.scale_, steps.std(axis=0), rtol=1e-5)
    assert scaler.n_samples_seen_ == len(steps)
    scaled = scaler.transform(X)
    assert isinstance(scaled, list)
    assert [len(seq) for seq in scaled] == [len(seq) for seq in X]
    stacked = np.concatenate(scaled)
    np.testing.assert_allclose(stacked.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(stacked.std(axis=0), 1, atol=1e-4)


def test_scaler_keeps_the_input_form_and_inverts():
    X, _ = make_sequences(n_samples=10, n_timesteps=6, n_features=3)
    scaler = SequenceScaler().fit(X)
    assert scaler.transform(X).shape == X.shape
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(X)), X, atol=1e-5)
    univariate = X[:, :, 0]
    assert SequenceScaler().fit_transform(univariate).shape == univariate.shape
    ragged_1d = [np.arange(3.0), np.arange(5.0)]
    assert [seq.shape for seq in SequenceScaler().fit_transform(ragged_1d)] == [(3,), (5,)]


def test_scaler_options_and_errors():
    X, _ = make_sequences(n_samples=10, n_features=2)
    unscaled = SequenceScaler(with_std=False).fit(X)
    assert unscaled.scale_ is None
    np.testing.assert_allclose(unscaled.transform(X).mean(axis=(0, 1)), 0, atol=1e-5)
    with pytest.raises(ValueError, match="X has 3 features per time step"):
        SequenceScaler().fit(X).transform(np.ones((2, 4, 3)))
    with pytest.raises(NotFittedError):
        SequenceScaler().transform(X)


def test_scaler_records_feature_names_of_dataframe_sequences():
    X = [pd.DataFrame({"a": [1.0, 2.0], "b": [0.0, 1.0]}) for _ in range(3)]
    scaler = SequenceScaler().fit(X)
    np.testing.assert_array_equal(scaler.feature_names_in_, ["a", "b"])
    renamed = [frame.rename(columns={"a": "c"}) for frame in X]
    with pytest.raises(ValueError, match="feature names should match"):
        scaler.transform(renamed)


def test_scaler_pipeline_in_grid_search():
    X, y = make_ragged(n_samples=40)
    y = (y > 0).astype(int)
    pipe = make_pipeline(SequenceScaler(), RNNClassifier(**FAST))
    search = GridSearchCV(
        pipe, {"sequencescaler__with_mean": [True, False], "rnnclassifier__hidden_size": [4]},
        cv=2,
    ).fit(X, y)
    assert search.best_estimator_.predict(X).shape == (40,)


# StepwiseTransformer --------------------------------------------------------------


def test_stepwise_changes_the_number_of_features():
    X, _ = make_ragged(n_samples=12, n_features=3)
    pca = StepwiseTransformer(PCA(n_components=2, random_state=0)).fit(X)
    reduced = pca.transform(X)
    assert [seq.shape for seq in reduced] == [(len(seq), 2) for seq in X]
    expected = PCA(n_components=2, random_state=0).fit(np.concatenate(X))
    np.testing.assert_allclose(
        np.concatenate(reduced), expected.transform(np.concatenate(X)), rtol=1e-4, atol=1e-5
    )
    restored = pca.inverse_transform(reduced)
    assert [seq.shape for seq in restored] == [seq.shape for seq in X]


def test_stepwise_densifies_sparse_output():
    X = np.array([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]])  # two univariate sequences of 3 steps
    onehot = StepwiseTransformer(OneHotEncoder()).fit(X)
    encoded = onehot.transform(X)
    assert encoded.shape == (2, 3, 3)
    np.testing.assert_array_equal(encoded[0], np.eye(3))


def test_stepwise_inverse_transform_only_when_the_transformer_has_one():
    assert hasattr(StepwiseTransformer(MinMaxScaler()), "inverse_transform")

    class NoInverse(StandardScaler):
        inverse_transform = property()  # hasattr() is False

    assert not hasattr(StepwiseTransformer(NoInverse()), "inverse_transform")


def test_stepwise_fits_a_clone_and_pickles():
    X, _ = make_sequences(n_samples=8, n_features=2)
    inner = MinMaxScaler()
    stepwise = StepwiseTransformer(inner).fit(X)
    assert not hasattr(inner, "data_min_")
    copy = pickle.loads(pickle.dumps(stepwise))
    np.testing.assert_array_equal(copy.transform(X), stepwise.transform(X))
    assert clone(stepwise).transformer is not inner


def test_stepwise_rejects_a_non_transformer():
    with pytest.raises(InvalidParameterError, match="transformer"):
        StepwiseTransformer(LogisticRegression()).fit(np.ones((2, 3)))


def test_pipeline_set_output_reaches_the_estimator_through_sequence_transformers():
    X, y = make_sequences(n_samples=30)
    pipe = make_pipeline(
        SequenceScaler(), StepwiseTransformer(StandardScaler()), RNNClassifier(**FAST)
    ).set_output(transform="pandas")
    features = pipe.fit(X, y).transform(X)
    assert isinstance(features, pd.DataFrame)
    assert features.shape == (30, 16)
    text = make_pipeline(SequenceTokenizer(), RNNClassifier(**FAST, embedding_dim=4))
    assert isinstance(
        text.set_output(transform="pandas").fit(DOCUMENTS * 4, [0, 1, 1] * 4).transform(DOCUMENTS),
        pd.DataFrame,
    )
