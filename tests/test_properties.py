"""Property-based tests: random shapes, dtypes and values give valid output or a clean error."""

import warnings

import numpy as np
import pytest
from _support import SMALLEST
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sklearn_rnn import RNNClassifier, RNNForecaster, RNNRegressor

CLEAN_ERRORS = (ValueError, TypeError)
SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.floats(min_value=-1e3, max_value=1e3),
)
dtypes = st.sampled_from([np.float64, np.float32, np.int64, np.bool_])


@st.composite
def sequence_inputs(draw):
    n_samples = draw(st.integers(1, 6))
    n_features = draw(st.integers(0, 3))
    if draw(st.booleans()):
        shape = (n_samples, draw(st.integers(0, 5)))
        if draw(st.booleans()):
            shape = (*shape, n_features)
        dtype = draw(dtypes)
        elements = values if dtype in (np.float64, np.float32) else None
        X = draw(hnp.arrays(dtype, shape, elements=elements))
    else:
        X = [
            draw(hnp.arrays(np.float64, (draw(st.integers(0, 4)), n_features), elements=values))
            for _ in range(n_samples)
        ]
    return X, n_samples


def _fit_predict(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            estimator.fit(X, y)
        except CLEAN_ERRORS as error:
            event(f"rejected with {type(error).__name__}")
            return None
    event("fitted")
    return estimator


@pytest.mark.slow
@SETTINGS
@given(sequence_inputs(), st.integers(0, 2**16))
def test_classifier_random_inputs(data, seed):
    X, n_samples = data
    y = np.random.RandomState(seed).randint(0, 3, size=n_samples)
    clf = _fit_predict(RNNClassifier(**SMALLEST), X, y)
    if clf is not None:
        proba = clf.predict_proba(X)
        assert proba.shape == (n_samples, len(clf.classes_))
        assert np.all(np.isfinite(proba))
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)


@pytest.mark.slow
@SETTINGS
@given(sequence_inputs(), hnp.arrays(np.float64, 6, elements=values))
def test_regressor_random_inputs(data, targets):
    X, n_samples = data
    reg = _fit_predict(RNNRegressor(**SMALLEST), X, targets[:n_samples])
    if reg is not None:
        prediction = reg.predict(X)
        assert prediction.shape == (n_samples,)
        assert np.all(np.isfinite(prediction))


@pytest.mark.slow
@SETTINGS
@given(
    hnp.arrays(np.float64, st.tuples(st.integers(0, 12), st.integers(0, 3)), elements=values),
    st.integers(1, 4),
    st.integers(1, 3),
)
def test_forecaster_random_tables(X, lookback, horizon):
    fc = _fit_predict(RNNForecaster(lookback=lookback, horizon=horizon, **SMALLEST), X, None)
    if fc is not None:
        forecast = fc.predict(X)
        assert forecast.shape[:2] == (len(X), horizon)
        assert np.all(np.isfinite(forecast))


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
def test_huge_but_finite_values_do_not_leak_nan(Estimator):
    X = np.array([[1e30, -1e30, 3e38], [0.0, 1.0, 2.0], [5.0, -3e38, 1.0]])
    y = np.array([0, 1, 0]) if Estimator is RNNClassifier else np.array([1e300, -1e300, 0.0])
    est = Estimator(**SMALLEST).fit(X, y)
    assert np.all(np.isfinite(est.transform(X)))


@pytest.mark.slow
@SETTINGS
@given(sequence_inputs(), st.integers(0, 2**16), st.booleans())
def test_per_step_classifier_random_inputs(data, seed, bidirectional):
    X, n_samples = data
    try:  # per-step labels as long as each sequence (unreadable X gets no labels: a clean error)
        lengths = [len(seq) for seq in X] if isinstance(X, list) else [np.shape(X)[1]] * n_samples
    except IndexError:
        lengths = [0] * n_samples
    rng = np.random.RandomState(seed)
    y = [rng.randint(0, 2, size=length) for length in lengths]
    tagger = RNNClassifier(**SMALLEST, output="sequence", bidirectional=bidirectional)
    tagger = _fit_predict(tagger, X, y)
    if tagger is not None:
        proba = tagger.predict_proba(X)
        assert [len(steps) for steps in proba] == lengths
        flat = np.concatenate(list(proba))
        assert flat.shape[1] == len(tagger.classes_)
        assert np.all(np.isfinite(flat))
        np.testing.assert_allclose(flat.sum(axis=1), 1.0)


@pytest.mark.slow
@SETTINGS
@given(st.lists(st.text(max_size=30), min_size=1, max_size=8), st.booleans())
def test_tokenizer_round_trip_on_random_text(documents, lowercase):
    from sklearn_rnn.preprocessing import SequenceTokenizer

    tokenizer = SequenceTokenizer(lowercase=lowercase).fit(documents)
    ids = tokenizer.transform(documents)
    assert all(len(seq) >= 1 and seq.min() >= 1 for seq in ids)  # never the padding id
    assert all(seq.max() < tokenizer.vocabulary_size_ for seq in ids)
    split = tokenizer._splitter()
    for document, tokens in zip(documents, tokenizer.inverse_transform(ids), strict=True):
        assert tokens == (split(document) or [SequenceTokenizer.OOV_TOKEN])
