"""A 2-D X follows scikit-learn's table contract; every transformer names its outputs."""

import numpy as np
import pandas as pd
import pytest
from _support import FAST, make_ragged, make_sequences
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.pipeline import FeatureUnion, make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from sklearn_rnn import RNNClassifier, RNNRegressor
from sklearn_rnn.preprocessing import SequenceScaler, SequenceTokenizer, StepwiseTransformer

TABLE_COLUMNS = ["t0", "t1", "t2", "t3", "t4", "t5"]


def table(n_samples=40, n_columns=6, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_columns))
    return X, (X[:, 0] > 0).astype(int)


def fitted_models():
    return [
        RNNClassifier(**FAST),
        RNNRegressor(**FAST),
        SequenceScaler(),
        StepwiseTransformer(StandardScaler()),
    ]


def fit(model, X, y):
    if isinstance(model, RNNRegressor):
        y = y.astype(float)
    return model.fit(X, y)


@pytest.mark.parametrize("model", fitted_models(), ids=lambda m: type(m).__name__)
def test_a_table_counts_its_columns_and_names_them(model):
    X, y = table()
    frame = pd.DataFrame(X, columns=TABLE_COLUMNS)
    fit(model, frame, y)
    assert model.n_features_in_ == 6
    np.testing.assert_array_equal(model.feature_names_in_, TABLE_COLUMNS)
    method = getattr(model, "predict", None) or model.transform
    with pytest.raises(ValueError, match=r"X has 5 features, but .* is expecting 6 features"):
        method(X[:, :5])
    with pytest.raises(ValueError, match="feature names should match"):
        method(frame.rename(columns={"t5": "other"}))
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        method(X)


@pytest.mark.parametrize("model", fitted_models(), ids=lambda m: type(m).__name__)
def test_sequences_count_features_per_time_step(model):
    X, y = make_sequences(n_timesteps=7, n_features=3)
    fit(model, X, y)
    assert model.n_features_in_ == 3
    assert not hasattr(model, "feature_names_in_")
    method = getattr(model, "predict", None) or model.transform
    method(X[:, :4])  # shorter sequences are valid input
    with pytest.raises(ValueError, match=r"X has 2 features per time step, but .* expecting 3"):
        method(X[:, :, :2])


def test_a_table_model_reads_univariate_sequences_of_any_length():
    X, y = table()
    clf = RNNClassifier(**FAST).fit(X, y)
    ragged = [X[0], X[1, :3], X[2, :5]]
    np.testing.assert_array_equal(clf.predict(ragged)[0], clf.predict(X[:1])[0])
    np.testing.assert_array_equal(clf.predict(pd.Series(ragged)), clf.predict(ragged))
    with pytest.raises(ValueError, match=r"2 features per time step, but .* expecting 1"):
        clf.predict([np.ones((4, 2))])


def test_a_univariate_sequence_model_reads_tables_of_any_width():
    X, y = make_ragged(n_features=1)
    reg = RNNRegressor(**FAST).fit([x[:, 0] for x in X], y)
    assert reg.n_features_in_ == 1
    assert reg.predict(np.ones((3, 9))).shape == (3,)


def test_fitted_on_a_table_partial_fit_refuses_other_columns():
    X, y = table()
    clf = RNNClassifier(**FAST).partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match="X has 4 features, but RNNClassifier is expecting 6"):
        clf.partial_fit(X[:, :4], y)


def rnn_names(est):
    return [f"{type(est).__name__.lower()}{i}" for i in range(est.hidden_size * 2)]


@pytest.mark.parametrize(
    "X",
    [table()[0], make_sequences()[0], make_ragged()[0]],
    ids=["2-D", "3-D", "ragged"],
)
def test_networks_name_their_features_for_every_input(X):
    y = np.arange(len(X)) % 2
    clf = RNNClassifier(**FAST).fit(X, y)
    assert list(clf.get_feature_names_out()) == rnn_names(clf)
    assert clf.transform(X).shape[-1] == len(clf.get_feature_names_out())


@pytest.mark.parametrize(
    ("X", "transformer", "expected"),
    [
        (table()[0], SequenceScaler(), [f"x{i}" for i in range(6)]),
        (make_sequences()[0], SequenceScaler(), ["x0", "x1"]),
        (make_ragged()[0], SequenceScaler(), ["x0", "x1"]),
        (table()[0], StepwiseTransformer(StandardScaler()), [f"x{i}" for i in range(6)]),
        (table()[0], StepwiseTransformer(PolynomialFeatures(2)), ["1", "x0", "x0^2"]),
        (make_sequences()[0], StepwiseTransformer(PCA(1)), ["pca0"]),
        (make_ragged()[0], StepwiseTransformer(PolynomialFeatures(1)), ["1", "x0", "x1"]),
    ],
    ids=["scaler-2D", "scaler-3D", "scaler-ragged", "stepwise-2D", "poly-2D", "pca-3D",
         "poly-ragged"],
)
def test_sequence_transformers_name_their_outputs(X, transformer, expected):
    transformer.fit(X)
    names = list(transformer.get_feature_names_out())
    assert names == expected
    output = transformer.transform(X)
    width = 1 if np.ndim(output[0]) == 1 else np.shape(output[0])[-1]
    n_columns = np.shape(output)[1] if isinstance(output, np.ndarray) and output.ndim == 2 else None
    assert len(names) == (n_columns or width)


def test_stepwise_names_follow_the_named_input():
    X, _ = make_sequences()
    frames = [pd.DataFrame(x, columns=["speed", "heat"]) for x in X]
    pca = StepwiseTransformer(PolynomialFeatures(1)).fit(frames)
    assert list(pca.get_feature_names_out()) == ["1", "speed", "heat"]
    assert list(SequenceScaler().fit(frames).get_feature_names_out()) == ["speed", "heat"]


def test_tokenizer_names_its_one_feature_per_step():
    tokenizer = SequenceTokenizer().fit(["a b", "b c d"])
    assert list(tokenizer.get_feature_names_out()) == ["sequencetokenizer0"]


def test_column_transformer_and_union_with_pandas_output():
    X, y = table()
    frame = pd.DataFrame(X, columns=TABLE_COLUMNS)
    columns = ColumnTransformer(
        [
            ("scaled", SequenceScaler(), TABLE_COLUMNS[:3]),
            ("rnn", RNNClassifier(**FAST), TABLE_COLUMNS),
        ]
    ).set_output(transform="pandas")
    out = columns.fit_transform(frame, y)
    rnn = columns.named_transformers_["rnn"]
    assert list(out.columns) == ["scaled__t0", "scaled__t1", "scaled__t2"] + [
        f"rnn__{name}" for name in rnn_names(rnn)
    ]
    scaled = SequenceScaler().fit_transform(X[:, :3])
    np.testing.assert_allclose(out["scaled__t0"].to_numpy(), scaled[:, 0], rtol=1e-6)
    union = FeatureUnion(
        [("a", RNNClassifier(**FAST)), ("b", RNNClassifier(cell="lstm", **FAST))]
    ).set_output(transform="pandas")
    features = union.fit(frame, y).transform(frame)
    assert list(features.columns) == list(union.get_feature_names_out())
    assert features.shape[1] == 2 * len(rnn_names(rnn))


def test_pipeline_of_a_table_scaler_and_a_network_names_its_features():
    X, y = table()
    frame = pd.DataFrame(X, columns=TABLE_COLUMNS)
    pipe = make_pipeline(StandardScaler(), RNNClassifier(**FAST)).set_output(transform="pandas")
    out = pipe.fit(frame, y).transform(frame)
    assert list(out.columns) == list(pipe.get_feature_names_out()) == rnn_names(pipe[-1])
    np.testing.assert_array_equal(pipe[-1].feature_names_in_, TABLE_COLUMNS)
