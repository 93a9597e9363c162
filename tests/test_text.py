"""Token-id sequences: the embedding in front of the recurrent layers, and text pipelines."""

import pickle

import numpy as np
import pytest
from _support import FAST
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from torch import nn

from sklearn_rnn import RNNClassifier, RNNRegressor
from sklearn_rnn.datasets import make_reviews
from sklearn_rnn.preprocessing import SequenceTokenizer

# Settings that learn the review corpus in a few seconds (measured: 0.99 held out).
TEXT = dict(embedding_dim=8, hidden_size=16, max_iter=30, random_state=0)


def token_sequences(n_samples=60, vocabulary=12, seed=0):
    """Id sequences (1..vocabulary-1) of different lengths; target: count of token 3."""
    rng = np.random.RandomState(seed)
    X = [rng.randint(1, vocabulary, size=rng.randint(3, 15)) for _ in range(n_samples)]
    return X, np.array([np.sum(ids == 3) for ids in X], dtype=float)


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
def test_token_ids_go_through_a_trainable_embedding(Estimator):
    X, counts = token_sequences()
    y = (counts > 0).astype(int) if Estimator is RNNClassifier else counts
    est = Estimator(**FAST, embedding_dim=5).fit(X, y)
    assert est.n_tokens_ == max(ids.max() for ids in X) + 1
    assert est.n_features_in_ == 1
    embedding = est.net_.module_.encoder.embedding
    assert isinstance(embedding, nn.Embedding)
    assert embedding.weight.shape == (est.n_tokens_, 5)
    assert embedding.padding_idx == 0
    assert est.net_.module_.encoder.rnn.forward_layers[0].input_size == 5
    assert est.predict(X).shape == (len(X),)


@pytest.mark.slow
def test_embedding_learns_a_token_count():
    X, counts = token_sequences(n_samples=300)
    reg = RNNRegressor(embedding_dim=8, hidden_size=16, max_iter=60, random_state=0).fit(X, counts)
    X_test, counts_test = token_sequences(n_samples=100, seed=1)
    assert reg.score(X_test, counts_test) > 0.9


@pytest.mark.parametrize(
    "X, match",
    [
        ([np.array([1.0, 2.5])], "non-negative integers"),
        ([np.array([1, -2])], "non-negative integers"),
        (np.ones((3, 4, 2)), "one integer per time step; got 2 features"),
        ([np.array([1, 2**24])], "at most"),
        (["some text", "more"], "SequenceTokenizer"),
    ],
)
def test_bad_token_ids_are_rejected(X, match):
    with pytest.raises(ValueError, match=match):
        RNNClassifier(**FAST, embedding_dim=4).fit(X, np.arange(len(X)) % 2)


def test_ids_beyond_the_fitted_vocabulary_are_rejected_at_predict():
    X, counts = token_sequences()
    clf = RNNClassifier(**FAST, embedding_dim=4).fit(X, counts > 0)
    match = r"token id 12, but the embedding covers ids 0\.\.11\. Set n_tokens"
    with pytest.raises(ValueError, match=match):
        clf.predict([np.array([1, 12])])


def test_n_tokens_fixes_the_vocabulary_for_partial_fit_on_streams():
    X, counts = token_sequences(vocabulary=12)
    first = [ids % 5 for ids in X[:20]]  # the first batch holds ids 0..4 only
    clf = RNNClassifier(**FAST, embedding_dim=4, n_tokens=12)
    clf.partial_fit(first, counts[:20] > 0, classes=[False, True])
    clf.partial_fit(X[20:], counts[20:] > 0)  # ids up to 11 arrive later
    assert clf.n_tokens_ == 12
    assert clf.net_.module_.encoder.embedding.num_embeddings == 12
    with pytest.raises(ValueError, match="token id 12"):
        RNNClassifier(**FAST, embedding_dim=4, n_tokens=12).fit([np.array([1, 12])] * 2, [0, 1])
    with pytest.raises(ValueError, match="n_tokens=12"):
        clf.set_params(n_tokens=20, warm_start=True).fit(X, counts > 0)


def test_embedding_size_cannot_change_on_warm_start():
    X, counts = token_sequences()
    clf = RNNClassifier(**FAST, embedding_dim=4, warm_start=True).fit(X, counts > 0)
    clf.set_params(embedding_dim=6)
    with pytest.raises(ValueError, match="embedding_dim=4"):
        clf.fit(X, counts > 0)


def test_padding_id_does_not_change_predictions():
    # A batch pads short sequences with 0 (the padding id); results must not depend on it.
    X, counts = token_sequences()
    clf = RNNClassifier(**FAST, embedding_dim=4).fit(X, counts > 0)
    alone = clf.predict_proba([X[0]])
    with_longer = clf.predict_proba([X[0], np.ones(50, dtype=int)])[:1]
    np.testing.assert_allclose(alone, with_longer, rtol=1e-5, atol=1e-6)


# Text pipelines on the review corpus ------------------------------------------------


@pytest.fixture(scope="module")
def reviews():
    return make_reviews(600, random_state=0), make_reviews(300, random_state=1)


@pytest.mark.slow
def test_tokenizer_pipeline_reads_raw_strings(reviews):
    (texts, labels), (test_texts, test_labels) = reviews
    pipe = make_pipeline(SequenceTokenizer(), RNNClassifier(**TEXT)).fit(texts, labels)
    accuracy = pipe.score(test_texts, test_labels)
    # The label depends on word order (negation, "but"): a bag of words cannot read it.
    bag = make_pipeline(CountVectorizer(), LogisticRegression(max_iter=1000))
    bag_accuracy = bag.fit(texts, labels).score(test_texts, test_labels)
    assert accuracy >= 0.95
    assert accuracy > bag_accuracy + 0.2
    assert pipe[-1].n_tokens_ == pipe[0].vocabulary_size_
    assert set(pipe.predict(test_texts[:5])) <= {"negative", "positive"}
    copy = pickle.loads(pickle.dumps(pipe))
    np.testing.assert_allclose(copy.predict_proba(test_texts), pipe.predict_proba(test_texts))


def test_grid_search_over_tokenizer_and_network_parameters(reviews):
    (texts, labels), _ = reviews
    pipe = make_pipeline(SequenceTokenizer(), RNNClassifier(**dict(TEXT, max_iter=3)))
    grid = {
        "sequencetokenizer__max_vocab": [5, None],
        "rnnclassifier__embedding_dim": [4, 8],
    }
    search = GridSearchCV(pipe, grid, cv=2).fit(texts[:200], labels[:200])
    assert len(search.cv_results_["params"]) == 4
    best = search.best_estimator_
    assert best[-1].n_tokens_ <= best[0].vocabulary_size_


# embedding_dim="auto": the tokenizer's ids reach an embedding by default ------------------

# Word order decides the label: "not" flips it.
NEGATION_DOCS = ["good", "bad", "not good", "not bad", "very good", "very bad"] * 6
NEGATION_LABELS = [1, 0, 0, 1, 1, 0] * 6


def test_tokenizer_output_reaches_an_embedding_by_default():
    pipe = make_pipeline(
        SequenceTokenizer(), RNNClassifier(hidden_size=8, max_iter=60, random_state=0)
    ).fit(NEGATION_DOCS, NEGATION_LABELS)
    tokenizer, clf = pipe[0], pipe[-1]
    assert clf.n_tokens_ == tokenizer.vocabulary_size_
    assert clf.embedding_dim_ == round(1.6 * tokenizer.vocabulary_size_**0.56)
    assert isinstance(clf.net_.module_.encoder.embedding, nn.Embedding)
    assert pipe.score(NEGATION_DOCS, NEGATION_LABELS) == 1.0


def test_tokenizer_output_read_as_numbers_warns():
    pipe = make_pipeline(SequenceTokenizer(), RNNClassifier(**FAST, embedding_dim=None))
    with pytest.warns(
        UserWarning, match="token ids from SequenceTokenizer, but embedding_dim=None"
    ):
        pipe.fit(NEGATION_DOCS, NEGATION_LABELS)
    assert pipe[-1].embedding_dim_ is None


def test_auto_reads_unmarked_integer_sequences_as_numbers():
    X, counts = token_sequences()
    reg = RNNRegressor(**FAST).fit(X, counts)
    assert reg.embedding_dim_ is None
    assert not hasattr(reg, "n_tokens_")
    assert reg.net_.module_.encoder.embedding is None


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
def test_auto_leaves_real_valued_sequences_as_they_were(Estimator):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 6, 2))
    y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    y = y if Estimator is RNNClassifier else X[:, :, 1].sum(axis=1)
    auto = Estimator(**FAST).fit(X, y)
    numeric = Estimator(**FAST, embedding_dim=None).fit(X, y)
    np.testing.assert_array_equal(auto.transform(X), numeric.transform(X))
