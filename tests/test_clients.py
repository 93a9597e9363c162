"""Real clients of the estimators, each asserting what it computed.

Every case drives an estimator through code that nobody here wrote -
scikit-learn's meta-estimators, model selection, inspection and displays,
persistence, parallel backends, optuna and dask-ml - and checks the result
against a direct computation: a search's scores against a manual
``cross_val_score`` of the same candidate, a meta-estimator's output against
its fitted parts, a round trip's predictions against the original's.

Fits are deterministic for a fixed ``random_state`` (one torch thread per test
process, set in conftest.py), so "the same computation" means equal to the bit.

Some clients refuse 3-D input themselves (they validate X as a table):
``BaggingClassifier``, ``OneVsOneClassifier``, the chains,
``permutation_importance``, ``partial_dependence`` and ``ColumnTransformer``.
Their cases use 2-D X (or a DataFrame), which the estimators read as univariate sequences.

``RNNForecaster`` (rows are time steps, ``y=None``) joins wherever the client
applies: searches and cross-validation with ``TimeSeriesSplit``, parallel
backends, persistence, a Pipeline with a pandas scaler.
"""

import functools
import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
from _support import FAST as SHARED_FAST
from _support import make_ragged, make_sequences
from scipy.stats import loguniform
from sklearn import config_context
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV, calibration_curve
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.ensemble import (
    AdaBoostClassifier,
    BaggingClassifier,
    StackingClassifier,
    StackingRegressor,
    VotingClassifier,
    VotingRegressor,
)
from sklearn.exceptions import UnsetMetadataPassedError
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.frozen import FrozenEstimator
from sklearn.inspection import partial_dependence, permutation_importance
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    confusion_matrix,
    log_loss,
    make_scorer,
    mean_absolute_error,
    r2_score,
    roc_auc_score,
)
from sklearn.model_selection import (
    GridSearchCV,
    HalvingGridSearchCV,
    KFold,
    ParameterGrid,
    RandomizedSearchCV,
    StratifiedKFold,
    TimeSeriesSplit,
    TunedThresholdClassifierCV,
    cross_val_predict,
    cross_val_score,
    cross_validate,
    learning_curve,
    validation_curve,
)
from sklearn.multiclass import OneVsOneClassifier, OneVsRestClassifier
from sklearn.multioutput import (
    ClassifierChain,
    MultiOutputClassifier,
    MultiOutputRegressor,
    RegressorChain,
)
from sklearn.pipeline import FeatureUnion, make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.utils.validation import check_is_fitted

from sklearn_rnn import RNNClassifier, RNNForecaster, RNNRegressor
from sklearn_rnn.datasets import load_airline
from sklearn_rnn.preprocessing import SequenceScaler, StepwiseTransformer

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# A few epochs of a small network; the higher learning rate makes them learn
# the toy tasks, so that rankings and calibrations are about something.
FAST = dict(SHARED_FAST, learning_rate_init=0.03)
FORECAST = dict(lookback=12, horizon=3, **FAST)


# Data -------------------------------------------------------------------------


def make_three_classes(n_samples=60, seed=0):
    """3-D sequences with three balanced string classes (terciles of make_sequences' signal)."""
    X, _ = make_sequences(n_samples, seed=seed)
    signal = X[:, :3, 0].mean(axis=1)
    codes = np.digitize(signal, np.quantile(signal, [1 / 3, 2 / 3]))
    return X, np.array(["cat", "dog", "eel"])[codes]


def make_regression(n_samples=60, seed=0):
    """make_sequences' X; two targets, the sums of each feature over the first 3 steps."""
    X, _ = make_sequences(n_samples, seed=seed)
    return X, X[:, :3, :].sum(axis=1)


def make_table(n_samples=80, n_columns=4, informative=3, seed=0):
    """2-D X (univariate sequences); only column ``informative`` decides the class."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_columns))
    return X, (X[:, informative] > 0).astype(int)


def airline():
    return load_airline()


def airline_frame():
    """Passengers with a calendar covariate, on the monthly DatetimeIndex."""
    passengers = load_airline()
    return pd.DataFrame(
        {"passengers": passengers, "month": passengers.index.month.astype(float)},
        index=passengers.index,
    )


# What each kind of estimator brings to a model-selection client: the
# estimator, its data (y=None for the forecaster: rows are time steps), a
# splitter that respects it, a small grid and a scoring that resolves every fit
# (a continuous one, so that any difference between two fits shows).
def classifier_case():
    X, y = make_sequences(60)
    return RNNClassifier(**FAST), X, y, StratifiedKFold(2), "neg_log_loss"


def regressor_case():
    X, y = make_ragged(60)
    return RNNRegressor(**FAST), X, y, KFold(2), "r2"


def forecaster_case():
    return RNNForecaster(**FORECAST), airline(), None, TimeSeriesSplit(3), None


CASES = {
    "classifier": classifier_case,
    "regressor": regressor_case,
    "forecaster": forecaster_case,
}
GRID = {"cell": ["gru", "lstm"], "hidden_size": [4, 8]}


def split_scores(results, n_splits):
    return np.column_stack([results[f"split{k}_test_score"] for k in range(n_splits)])


def manual_scores(estimator, params, X, y, cv, scoring):
    return cross_val_score(clone(estimator).set_params(**params), X, y, cv=cv, scoring=scoring)


# Pipeline -----------------------------------------------------------------------


def test_pipeline_with_function_transformer_equals_the_steps_by_hand():
    X, y = make_sequences(60)
    pipe = make_pipeline(FunctionTransformer(np.tanh), RNNClassifier(**FAST)).fit(X, y)
    by_hand = RNNClassifier(**FAST).fit(np.tanh(X), y)
    np.testing.assert_array_equal(pipe.predict_proba(X), by_hand.predict_proba(np.tanh(X)))
    assert pipe.score(X, y) == by_hand.score(np.tanh(X), y)


def test_forecaster_pipeline_with_a_pandas_scaler():
    """The scaler's DataFrame keeps the DatetimeIndex, so forecasts continue it."""
    frame = airline_frame()
    scaler = StandardScaler().set_output(transform="pandas")
    pipe = make_pipeline(scaler, RNNForecaster(target="passengers", **FORECAST)).fit(frame)
    scaled = StandardScaler().set_output(transform="pandas").fit_transform(frame)
    by_hand = RNNForecaster(target="passengers", **FORECAST).fit(scaled)
    forecaster = pipe[-1]
    assert list(forecaster.feature_names_in_) == ["passengers", "month"]
    np.testing.assert_array_equal(pipe.predict(frame), by_hand.predict(scaled))
    assert pipe.score(frame) == by_hand.score(scaled)
    forecast = forecaster.forecast()
    assert forecast.index.strftime("%Y-%m").tolist() == ["1961-01", "1961-02", "1961-03"]
    pd.testing.assert_series_equal(forecast, by_hand.forecast())


# Searches -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", CASES)
def test_grid_search_scores_are_manual_cross_validation(kind):
    estimator, X, y, cv, scoring = CASES[kind]()
    search = GridSearchCV(estimator, GRID, cv=cv, scoring=scoring).fit(X, y)
    assert search.best_params_ in list(ParameterGrid(GRID))
    scores = split_scores(search.cv_results_, cv.get_n_splits())
    assert np.all(np.isfinite(scores))
    for params, row in zip(search.cv_results_["params"], scores, strict=True):
        np.testing.assert_array_equal(row, manual_scores(estimator, params, X, y, cv, scoring))
    refitted = search.best_estimator_.get_params()
    assert {name: refitted[name] for name in GRID} == search.best_params_
    assert search.best_score_ == scores.mean(axis=1).max()


@pytest.mark.parametrize("kind", ["classifier", "forecaster"])
def test_randomized_search_draws_from_the_distributions(kind):
    estimator, X, y, cv, scoring = CASES[kind]()
    distributions = {"learning_rate_init": loguniform(1e-3, 1e-1), "cell": ["gru", "lstm"]}
    search = RandomizedSearchCV(
        estimator, distributions, n_iter=3, cv=cv, scoring=scoring, random_state=0
    ).fit(X, y)
    drawn = search.cv_results_["params"]
    assert len(drawn) == 3
    assert all(
        1e-3 <= p["learning_rate_init"] <= 1e-1 and p["cell"] in {"gru", "lstm"} for p in drawn
    )
    scores = split_scores(search.cv_results_, cv.get_n_splits())
    assert np.all(np.isfinite(scores))
    best = search.best_index_
    np.testing.assert_array_equal(
        scores[best], manual_scores(estimator, drawn[best], X, y, cv, scoring)
    )


def test_halving_grid_search_over_samples():
    X, y = make_sequences(60)
    search = HalvingGridSearchCV(RNNClassifier(**FAST), GRID, cv=2, factor=2, random_state=0).fit(
        X, y
    )
    assert search.n_resources_ == [15, 30, 60]
    assert search.n_candidates_ == [4, 2, 1]
    assert search.best_params_ in list(ParameterGrid(GRID))
    assert np.all(np.isfinite(split_scores(search.cv_results_, 2)))
    # the last round's candidate was the best of the round before
    results = pd.DataFrame(search.cv_results_)
    second = results[results["iter"] == 1].sort_values("mean_test_score", ascending=False)
    assert search.best_params_ in second["params"].tolist()[:1]


@pytest.mark.parametrize("kind", ["classifier", "forecaster"])
def test_halving_grid_search_over_epochs(kind):
    """resource="max_iter": every candidate trains for the round's number of epochs."""
    estimator, X, y, cv, scoring = CASES[kind]()
    grid = {"cell": ["gru", "lstm"]}
    search = HalvingGridSearchCV(
        estimator,
        grid,
        cv=cv,
        scoring=scoring,
        factor=2,
        resource="max_iter",
        min_resources=2,
        max_resources=4,
    ).fit(X, y)
    assert search.n_resources_ == [2, 4]
    assert search.best_params_["max_iter"] == 4
    assert search.best_estimator_.max_iter == 4
    assert search.best_estimator_.n_iter_ == 4
    results = search.cv_results_
    scores = split_scores(results, cv.get_n_splits())
    assert np.all(np.isfinite(scores))
    for params, row in zip(results["params"], scores, strict=True):
        assert params["max_iter"] in (2, 4)
        np.testing.assert_array_equal(row, manual_scores(estimator, params, X, y, cv, scoring))


# Cross-validation -------------------------------------------------------------------


def test_cross_validate_with_several_classification_scorers():
    X, y = make_sequences(60)
    results = cross_validate(
        RNNClassifier(**FAST),
        X,
        y,
        cv=2,
        scoring=["accuracy", "roc_auc", "neg_log_loss"],
        return_estimator=True,
        return_indices=True,
    )
    folds = zip(results["estimator"], results["indices"]["test"], strict=True)
    for k, (clf, test) in enumerate(folds):
        proba = clf.predict_proba(X[test])
        assert results["test_accuracy"][k] == accuracy_score(y[test], clf.predict(X[test]))
        assert results["test_roc_auc"][k] == roc_auc_score(y[test], proba[:, 1])
        assert results["test_neg_log_loss"][k] == pytest.approx(-log_loss(y[test], proba))


def test_cross_validate_with_several_regression_scorers():
    X, Y = make_regression()
    y = Y[:, 0]
    results = cross_validate(
        RNNRegressor(**FAST),
        X,
        y,
        cv=2,
        scoring=["r2", "neg_mean_absolute_error"],
        return_estimator=True,
        return_indices=True,
    )
    folds = zip(results["estimator"], results["indices"]["test"], strict=True)
    for k, (reg, test) in enumerate(folds):
        predicted = reg.predict(X[test])
        assert results["test_r2"][k] == pytest.approx(r2_score(y[test], predicted))
        assert results["test_neg_mean_absolute_error"][k] == pytest.approx(
            -mean_absolute_error(y[test], predicted)
        )


def rolling_mae(forecaster, X, y=None):
    """Mean absolute error of the rolling forecasts whose future lies inside X."""
    values = np.asarray(X, dtype=float)
    predicted = forecaster.predict(X)
    errors = [
        abs(predicted[t, k] - values[t + k + 1])
        for t in range(len(values))
        for k in range(forecaster.horizon)
        if t + k + 1 < len(values)
    ]
    return -float(np.mean(errors))


def test_forecaster_cross_validate_with_several_scorers():
    passengers = airline()
    cv = TimeSeriesSplit(3)
    results = cross_validate(
        RNNForecaster(**FORECAST),
        passengers,
        cv=cv,
        scoring={"r2": lambda est, X, y=None: est.score(X), "mae": rolling_mae},
        error_score="raise",
        return_estimator=True,
        return_indices=True,
    )
    folds = zip(
        results["estimator"], results["indices"]["train"], results["indices"]["test"], strict=True
    )
    for k, (forecaster, train, test) in enumerate(folds):
        assert train.max() < test.min(), "TimeSeriesSplit trains on the past only"
        held_out = passengers.iloc[test]
        assert results["test_r2"][k] == forecaster.score(held_out)
        assert results["test_mae"][k] == rolling_mae(forecaster, held_out)
        assert 0 < -results["test_mae"][k] < passengers.std()
        by_hand = RNNForecaster(**FORECAST).fit(passengers.iloc[train])
        np.testing.assert_array_equal(forecaster.predict(held_out), by_hand.predict(held_out))


def test_cross_val_predict_probabilities():
    X, y = make_three_classes()
    cv = StratifiedKFold(2)
    proba = cross_val_predict(RNNClassifier(**FAST), X, y, cv=cv, method="predict_proba")
    assert proba.shape == (60, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
    for train, test in cv.split(X, y):
        clf = RNNClassifier(**FAST).fit(X[train], y[train])
        assert list(clf.classes_) == ["cat", "dog", "eel"]
        np.testing.assert_array_equal(proba[test], clf.predict_proba(X[test]))


def test_learning_curve_ends_with_the_full_cross_validation():
    X, y = make_sequences(60)
    sizes, train_scores, test_scores = learning_curve(
        RNNClassifier(**FAST), X, y, cv=2, train_sizes=[0.5, 1.0]
    )
    assert list(sizes) == [15, 30]
    assert np.all((train_scores >= 0) & (train_scores <= 1))
    np.testing.assert_array_equal(
        test_scores[-1], cross_val_score(RNNClassifier(**FAST), X, y, cv=2)
    )


@pytest.mark.parametrize("kind", ["classifier", "forecaster"])
def test_validation_curve_is_one_cross_validation_per_value(kind):
    estimator, X, y, cv, scoring = CASES[kind]()
    name, values = ("lookback", [6, 12]) if kind == "forecaster" else ("hidden_size", [4, 8])
    _, test_scores = validation_curve(
        estimator, X, y, param_name=name, param_range=values, cv=cv, scoring=scoring
    )
    for value, row in zip(values, test_scores, strict=True):
        np.testing.assert_array_equal(
            row, manual_scores(estimator, {name: value}, X, y, cv, scoring)
        )


def test_forecaster_learning_curve_trains_on_the_earliest_rows():
    passengers = airline()
    cv = TimeSeriesSplit(3)
    sizes, _, test_scores = learning_curve(
        RNNForecaster(**FORECAST), passengers, None, cv=cv, train_sizes=[30, 36]
    )
    assert list(sizes) == [30, 36]
    assert np.all(np.isfinite(test_scores))
    train, test = next(cv.split(passengers))
    first = RNNForecaster(**FORECAST).fit(passengers.iloc[train[:30]])
    assert test_scores[0, 0] == first.score(passengers.iloc[test])


# Calibration and thresholds ----------------------------------------------------------


def assert_probabilities(proba, n_classes):
    assert proba.shape[1] == n_classes
    assert np.all((proba >= 0) & (proba <= 1))
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)


def test_calibrated_classifier_wraps_fitted_clones():
    X, y = make_sequences(60)
    rnn = RNNClassifier(**FAST)
    calibrated = CalibratedClassifierCV(rnn, cv=2, method="sigmoid").fit(X, y)
    proba = calibrated.predict_proba(X)
    assert_probabilities(proba, 2)
    assert not hasattr(rnn, "net_"), "the given estimator stays unfitted"
    parts = calibrated.calibrated_classifiers_
    assert len(parts) == 2
    for part in parts:
        assert isinstance(part.estimator, RNNClassifier) and part.estimator is not rnn
        check_is_fitted(part.estimator)
        assert part.estimator.get_params() == rnn.get_params()
    np.testing.assert_allclose(
        proba, np.mean([part.predict_proba(X) for part in parts], axis=0), rtol=1e-6
    )


def test_calibrating_a_frozen_classifier_keeps_it_and_its_ranking():
    X, y = make_sequences(n_samples=80)
    fit_rows, calibration_rows = slice(0, 40), slice(40, 80)
    rnn = RNNClassifier(**FAST).fit(X[fit_rows], y[fit_rows])
    before = rnn.predict_proba(X)
    calibrated = CalibratedClassifierCV(FrozenEstimator(rnn), method="sigmoid")
    calibrated.fit(X[calibration_rows], y[calibration_rows])
    (part,) = calibrated.calibrated_classifiers_
    assert part.estimator.estimator is rnn
    np.testing.assert_array_equal(rnn.predict_proba(X), before)  # not refitted
    proba = calibrated.predict_proba(X)
    assert_probabilities(proba, 2)
    assert roc_auc_score(y, before[:, 1]) > 0.5
    # Platt scaling is increasing here, so the ranking (and the AUC) is the RNN's
    assert roc_auc_score(y, proba[:, 1]) == pytest.approx(roc_auc_score(y, before[:, 1]))


def test_tuned_threshold_is_applied_to_the_refitted_probabilities():
    X, y = make_sequences(60)
    tuned = TunedThresholdClassifierCV(
        RNNClassifier(**FAST), cv=2, scoring="balanced_accuracy"
    ).fit(X, y)
    assert 0 < tuned.best_threshold_ < 1
    refitted = RNNClassifier(**FAST).fit(X, y)
    positive = refitted.predict_proba(X)[:, 1]
    np.testing.assert_array_equal(tuned.estimator_.predict_proba(X)[:, 1], positive)
    np.testing.assert_array_equal(
        tuned.predict(X), tuned.classes_[(positive >= tuned.best_threshold_).astype(int)]
    )


# Ensembles and meta-estimators ---------------------------------------------------------


def test_soft_voting_averages_the_members():
    X, y = make_sequences(60)
    members = [("gru", RNNClassifier(**FAST)), ("lstm", RNNClassifier(cell="lstm", **FAST))]
    vote = VotingClassifier(members, voting="soft").fit(X, y)
    mean = np.mean([member.predict_proba(X) for member in vote.estimators_], axis=0)
    np.testing.assert_allclose(vote.predict_proba(X), mean, rtol=1e-6)
    np.testing.assert_array_equal(vote.predict(X), mean.argmax(axis=1))


def test_voting_regressor_averages_the_members():
    X, Y = make_regression()
    members = [("gru", RNNRegressor(**FAST)), ("lstm", RNNRegressor(cell="lstm", **FAST))]
    vote = VotingRegressor(members).fit(X, Y[:, 0])
    mean = np.mean([member.predict(X) for member in vote.estimators_], axis=0)
    np.testing.assert_allclose(vote.predict(X), mean, rtol=1e-6)


def test_stacking_learns_from_out_of_fold_probabilities():
    X, y = make_sequences(60)
    stack = StackingClassifier([("rnn", RNNClassifier(**FAST))], LogisticRegression(), cv=2)
    stack.fit(X, y)
    (member,) = stack.estimators_
    np.testing.assert_array_equal(stack.transform(X), member.predict_proba(X)[:, 1:])
    out_of_fold = cross_val_predict(RNNClassifier(**FAST), X, y, cv=2, method="predict_proba")
    by_hand = LogisticRegression().fit(out_of_fold[:, 1:], y)
    np.testing.assert_allclose(stack.final_estimator_.coef_, by_hand.coef_, rtol=1e-6)
    np.testing.assert_allclose(
        stack.predict_proba(X), by_hand.predict_proba(stack.transform(X)), rtol=1e-6
    )


def test_stacking_regressor_learns_from_out_of_fold_predictions():
    X, Y = make_regression()
    y = Y[:, 0]
    stack = StackingRegressor([("rnn", RNNRegressor(**FAST))], LinearRegression(), cv=2)
    stack.fit(X, y)
    out_of_fold = cross_val_predict(RNNRegressor(**FAST), X, y, cv=2)
    by_hand = LinearRegression().fit(out_of_fold[:, None], y)
    np.testing.assert_allclose(stack.final_estimator_.coef_, by_hand.coef_, rtol=1e-6)


def test_bagging_averages_members_fitted_on_different_samples():
    """BaggingClassifier refuses 3-D X itself: 2-D X, univariate sequences."""
    X, y = make_table()
    bag = BaggingClassifier(RNNClassifier(**FAST), n_estimators=3, random_state=0).fit(X, y)
    probas = [
        member.predict_proba(X[:, columns])
        for member, columns in zip(bag.estimators_, bag.estimators_features_, strict=True)
    ]
    np.testing.assert_allclose(bag.predict_proba(X), np.mean(probas, axis=0), rtol=1e-6)
    assert not np.array_equal(probas[0], probas[1])
    assert len({member.random_state for member in bag.estimators_}) == 3


def test_adaboost_reweights_and_weighs_its_members():
    X, y = make_sequences(60)
    ada = AdaBoostClassifier(RNNClassifier(**FAST), n_estimators=3, random_state=0).fit(X, y)
    members = ada.estimators_
    weights = ada.estimator_weights_[: len(members)]
    assert len(members) >= 2 and np.all(weights > 0)
    predictions = [member.predict(X) for member in members]
    assert not np.array_equal(members[0].predict_proba(X), members[1].predict_proba(X))
    votes = sum(w * (p[:, None] == ada.classes_) for w, p in zip(weights, predictions, strict=True))
    np.testing.assert_array_equal(ada.predict(X), ada.classes_[votes.argmax(axis=1)])


def test_one_vs_rest_normalizes_the_binary_members():
    X, y = make_three_classes()
    ovr = OneVsRestClassifier(RNNClassifier(**FAST)).fit(X, y)
    assert len(ovr.estimators_) == 3
    positive = np.column_stack([member.predict_proba(X)[:, 1] for member in ovr.estimators_])
    expected = positive / positive.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(ovr.predict_proba(X), expected, rtol=1e-6)
    np.testing.assert_array_equal(ovr.predict(X), ovr.classes_[positive.argmax(axis=1)])


def test_one_vs_one_counts_the_pairwise_votes():
    """OneVsOneClassifier refuses 3-D X itself: 2-D X, univariate sequences."""
    X, y = make_three_classes()
    X = X[:, :, 0]
    ovo = OneVsOneClassifier(RNNClassifier(**FAST)).fit(X, y)
    assert len(ovo.estimators_) == 3
    votes = np.zeros((len(X), 3))
    pairs = [(0, 1), (0, 2), (1, 2)]
    for (i, j), member in zip(pairs, ovo.estimators_, strict=True):
        winner = member.predict(X)
        votes[winner == 0, i] += 1
        votes[winner == 1, j] += 1
    decision = ovo.decision_function(X)
    # confidences only break ties: they stay within a third of a vote
    np.testing.assert_array_equal(np.round(decision), votes)
    np.testing.assert_array_equal(ovo.predict(X), ovo.classes_[decision.argmax(axis=1)])


def test_multi_output_classifier_and_regressor_fit_one_member_per_column():
    X, y = make_sequences(60)
    _, labels = make_three_classes()
    Y = np.column_stack([y, labels])
    clf = MultiOutputClassifier(RNNClassifier(**FAST)).fit(X, Y)
    for k, member in enumerate(clf.estimators_):
        np.testing.assert_array_equal(clf.predict(X)[:, k], member.predict(X))
        np.testing.assert_array_equal(clf.predict_proba(X)[k], member.predict_proba(X))
    X, Y = make_regression()
    reg = MultiOutputRegressor(RNNRegressor(**FAST)).fit(X, Y)
    for k, member in enumerate(reg.estimators_):
        np.testing.assert_array_equal(reg.predict(X)[:, k], member.predict(X))


def test_classifier_and_regressor_chains_feed_earlier_predictions_forward():
    """The chains refuse 3-D X themselves: 2-D X, univariate sequences."""
    X, y = make_table()
    Y = np.column_stack([y, (X[:, 0] > 0).astype(int)])
    chain = ClassifierChain(RNNClassifier(**FAST)).fit(X, Y)
    first, second = chain.estimators_
    y0 = first.predict(X)
    y1 = second.predict(np.column_stack([X, y0]))
    np.testing.assert_array_equal(chain.predict(X), np.column_stack([y0, y1]))
    targets = np.column_stack([X[:, :2].sum(axis=1), X[:, 3]])
    chain = RegressorChain(RNNRegressor(**FAST)).fit(X, targets)
    first, second = chain.estimators_
    t0 = first.predict(X)
    t1 = second.predict(np.column_stack([X, t0]))
    np.testing.assert_allclose(chain.predict(X), np.column_stack([t0, t1]), rtol=1e-6)


def test_transformed_target_regressor_learns_the_transformed_target():
    X, Y = make_regression()
    y = np.exp(Y[:, 0])
    ttr = TransformedTargetRegressor(RNNRegressor(**FAST), func=np.log, inverse_func=np.exp).fit(
        X, y
    )
    by_hand = RNNRegressor(**FAST).fit(X, np.log(y))
    np.testing.assert_allclose(ttr.predict(X), np.exp(by_hand.predict(X)), rtol=1e-6)
    assert np.all(ttr.predict(X) > 0)


# Inspection ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def one_column_decides():
    """An RNN fitted on 2-D X whose class only column 3 decides (learned well)."""
    X, y = make_table()
    clf = RNNClassifier(**dict(FAST, max_iter=20)).fit(X, y)
    assert clf.score(X, y) > 0.9
    return clf, X, y


def test_permutation_importance_ranks_the_deciding_column_first(one_column_decides):
    """permutation_importance refuses 3-D X itself: 2-D X, univariate sequences."""
    clf, X, y = one_column_decides
    result = permutation_importance(clf, X, y, n_repeats=3, random_state=0)
    assert result.importances_mean.argmax() == 3
    assert result.importances_mean[3] > 0.2
    assert np.all(np.delete(result.importances_mean, 3) < result.importances_mean[3] / 2)


def test_partial_dependence_is_the_mean_prediction_over_the_grid(one_column_decides):
    """partial_dependence refuses 3-D X itself: 2-D X, univariate sequences."""
    clf, X, _ = one_column_decides
    result = partial_dependence(clf, X, [3], grid_resolution=5, kind="average")
    (grid,) = result["grid_values"]
    (average,) = result["average"]
    for value, mean in zip(grid, average, strict=True):
        X_at = X.copy()
        X_at[:, 3] = value
        assert mean == pytest.approx(clf.predict_proba(X_at)[:, 1].mean(), rel=1e-6)
    assert average[-1] - average[0] > 0.5  # the class follows column 3's sign
    other = partial_dependence(clf, X, [0], grid_resolution=5, kind="average")["average"][0]
    assert np.ptp(other) < np.ptp(average) / 2


# Metadata routing ---------------------------------------------------------------------


def test_routed_sample_weight_reaches_fit_and_scorer():
    X, y = make_sequences(60)
    weights = np.random.RandomState(1).uniform(0.1, 3.0, size=len(y))
    with config_context(enable_metadata_routing=True):
        weighted_accuracy = make_scorer(accuracy_score).set_score_request(sample_weight=True)
        clf = RNNClassifier(**FAST).set_fit_request(sample_weight=True)
        results = cross_validate(
            clf,
            X,
            y,
            cv=2,
            scoring=weighted_accuracy,
            params={"sample_weight": weights},
            return_estimator=True,
            return_indices=True,
        )
        with pytest.raises(UnsetMetadataPassedError):
            cross_validate(RNNClassifier(**FAST), X, y, cv=2, params={"sample_weight": weights})
    indices = results["indices"]
    folds = zip(results["estimator"], indices["train"], indices["test"], strict=True)
    for k, (fitted, train, test) in enumerate(folds):
        by_hand = RNNClassifier(**FAST).fit(X[train], y[train], sample_weight=weights[train])
        unweighted = RNNClassifier(**FAST).fit(X[train], y[train])
        np.testing.assert_array_equal(fitted.predict_proba(X), by_hand.predict_proba(X))
        assert not np.allclose(fitted.predict_proba(X), unweighted.predict_proba(X))
        expected = accuracy_score(y[test], fitted.predict(X[test]), sample_weight=weights[test])
        assert results["test_score"][k] == pytest.approx(expected)


def test_routed_sample_weight_through_a_pipeline_in_a_search():
    X, y = make_sequences(60)
    weights = np.random.RandomState(1).uniform(0.1, 3.0, size=len(y))
    grid = {"rnnclassifier__cell": ["gru", "lstm"]}
    with config_context(enable_metadata_routing=True):
        weighted_accuracy = make_scorer(accuracy_score).set_score_request(sample_weight=True)
        rnn = RNNClassifier(**FAST).set_fit_request(sample_weight=True)
        pipe = make_pipeline(FunctionTransformer(np.tanh), rnn)
        search = GridSearchCV(pipe, grid, cv=2, scoring=weighted_accuracy)
        search.fit(X, y, sample_weight=weights)
    assert np.all(np.isfinite(split_scores(search.cv_results_, 2)))
    best = search.best_estimator_[-1]
    by_hand = clone(best).fit(np.tanh(X), y, sample_weight=weights)
    np.testing.assert_array_equal(best.predict_proba(np.tanh(X)), by_hand.predict_proba(np.tanh(X)))


# Displays ----------------------------------------------------------------------------


@pytest.fixture
def pyplot():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


def test_displays_show_the_classifier_metrics(pyplot):
    from sklearn.calibration import CalibrationDisplay
    from sklearn.metrics import ConfusionMatrixDisplay, PrecisionRecallDisplay, RocCurveDisplay

    X, y = make_sequences(60)
    clf = RNNClassifier(**FAST).fit(X, y)
    positive = clf.predict_proba(X)[:, 1]
    roc = RocCurveDisplay.from_estimator(clf, X, y)
    assert roc.roc_auc == pytest.approx(roc_auc_score(y, positive))
    pr = PrecisionRecallDisplay.from_estimator(clf, X, y)
    assert pr.average_precision == pytest.approx(average_precision_score(y, positive))
    matrix = ConfusionMatrixDisplay.from_estimator(clf, X, y)
    np.testing.assert_array_equal(matrix.confusion_matrix, confusion_matrix(y, clf.predict(X)))
    calibration = CalibrationDisplay.from_estimator(clf, X, y, n_bins=5)
    prob_true, prob_pred = calibration_curve(y, positive, n_bins=5)
    np.testing.assert_allclose(calibration.prob_true, prob_true)
    np.testing.assert_allclose(calibration.prob_pred, prob_pred)


# Persistence -------------------------------------------------------------------------


def skops_round_trip(obj, _):
    sio = pytest.importorskip("skops.io")
    blob = sio.dumps(obj)
    untrusted = sio.get_untrusted_types(data=blob)
    # this package's types, and parts of a search that skops does not trust by default
    assert all(name.startswith(("sklearn_rnn.", "sklearn.")) for name in untrusted), untrusted
    return sio.loads(blob, trusted=untrusted)


def joblib_round_trip(obj, path):
    joblib.dump(obj, path / "model.joblib")
    return joblib.load(path / "model.joblib")


def pickle_round_trip(obj, _):
    return pickle.loads(pickle.dumps(obj))


ROUND_TRIPS = {"pickle": pickle_round_trip, "joblib": joblib_round_trip, "skops": skops_round_trip}


@pytest.fixture(scope="module")
def fitted_clients():
    """Fitted clients holding each estimator, with what to predict on."""
    X, y = make_sequences(n_samples=40)
    search = GridSearchCV(RNNClassifier(**FAST), {"cell": ["gru", "lstm"]}, cv=2).fit(X, y)
    X_reg, Y = make_regression(n_samples=40)
    pipe = make_pipeline(StandardScaler(), RNNRegressor(**FAST))
    pipe.fit(X_reg[:, :, 0], Y[:, 0])  # StandardScaler refuses 3-D X itself
    frame = airline_frame()
    scaler = StandardScaler().set_output(transform="pandas")
    forecaster = make_pipeline(scaler, RNNForecaster(target="passengers", **FORECAST)).fit(frame)
    return [(search, X), (pipe, X_reg[:, :, 0]), (forecaster, frame)]


@pytest.mark.parametrize("method", ROUND_TRIPS)
def test_round_trips_predict_identically(method, fitted_clients, tmp_path):
    for client, X in fitted_clients:
        restored = ROUND_TRIPS[method](client, tmp_path)
        np.testing.assert_array_equal(restored.predict(X), client.predict(X))
    # the forecaster's history travels too: the same forecast on the same index
    pd.testing.assert_series_equal(restored[-1].forecast(), client[-1].forecast())


# Parallel backends ----------------------------------------------------------------------

# Dropout and several batches per epoch: every fit draws from its generator many times.
DRAWING = dict(dropout=0.2, batch_size=16)


def search_scores(search_class, kind, **kwargs):
    """Split scores of a search over GRID, with fits that draw many random numbers."""
    estimator, X, y, cv, scoring = CASES[kind]()
    estimator.set_params(**DRAWING)
    search = search_class(estimator, GRID, cv=cv, scoring=scoring, **kwargs).fit(X, y)
    return split_scores(search.cv_results_, cv.get_n_splits())


@functools.cache
def sequential_scores(kind):
    return search_scores(GridSearchCV, kind)


@pytest.mark.slow  # starts two worker processes
@pytest.mark.parametrize("kind", ["classifier", "forecaster"])
def test_loky_workers_match_the_sequential_search(kind):
    """Worker processes fit with one torch thread, as this process does (conftest.py).

    A fit is bit-identical for a given number of threads; without the limit,
    loky would give each worker cpu_count / n_jobs of them.
    """
    sequential = sequential_scores(kind)
    with joblib.parallel_config(backend="loky", inner_max_num_threads=1):
        parallel = search_scores(GridSearchCV, kind, n_jobs=2)
    np.testing.assert_array_equal(parallel, sequential)


@pytest.mark.parametrize("kind", ["classifier", "forecaster"])
def test_threads_match_the_sequential_search(kind):
    sequential = sequential_scores(kind)
    with joblib.parallel_backend("threading", n_jobs=2):
        parallel = search_scores(GridSearchCV, kind, n_jobs=2)
    np.testing.assert_array_equal(parallel, sequential)


# optuna and dask-ml ---------------------------------------------------------------------


# optuna_integration imports optuna.terminator, deprecated since optuna 4.9
@pytest.mark.filterwarnings("ignore:`optuna.terminator` module has been deprecated:FutureWarning")
@pytest.mark.parametrize("kind", ["classifier", "forecaster"])
def test_optuna_search(kind):
    optuna = pytest.importorskip("optuna")
    optuna_integration = pytest.importorskip("optuna_integration")
    from optuna.distributions import CategoricalDistribution, IntDistribution

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    estimator, X, y, cv, scoring = CASES[kind]()
    space = {
        "cell": CategoricalDistribution(["gru", "lstm"]),
        "hidden_size": IntDistribution(4, 8),
    }
    with pytest.warns(optuna.exceptions.ExperimentalWarning):
        search = optuna_integration.OptunaSearchCV(
            estimator, space, n_trials=3, cv=cv, scoring=scoring, random_state=0
        )
    search.fit(X, y)
    best = search.best_params_
    assert best["cell"] in {"gru", "lstm"} and 4 <= best["hidden_size"] <= 8
    trial = search.study_.best_trial
    n_splits = cv.get_n_splits()
    scores = [trial.user_attrs[f"split{k}_test_score"] for k in range(n_splits)]
    np.testing.assert_array_equal(scores, manual_scores(estimator, best, X, y, cv, scoring))
    assert search.best_score_ == pytest.approx(np.mean(scores))
    assert search.best_estimator_.get_params()["hidden_size"] == best["hidden_size"]


def dask_search_scores(kind, scheduler):
    pytest.importorskip("dask_ml")
    from dask_ml.model_selection import GridSearchCV as DaskGridSearchCV

    return search_scores(DaskGridSearchCV, kind, scheduler=scheduler)


@pytest.mark.parametrize("kind", ["classifier", "forecaster"])
def test_dask_ml_search_matches_scikit_learn(kind):
    np.testing.assert_array_equal(dask_search_scores(kind, "sync"), sequential_scores(kind))


@pytest.mark.parametrize("kind", ["classifier", "forecaster"])
def test_dask_ml_search_on_threads_matches_scikit_learn(kind):
    np.testing.assert_array_equal(dask_search_scores(kind, "threads"), sequential_scores(kind))


# Feature names out ------------------------------------------------------------------------


def rnn_names(n=16, prefix="rnnclassifier"):
    return [f"{prefix}{k}" for k in range(n)]


def test_feature_union_of_two_networks_names_its_features():
    X, y = make_sequences(60)
    union = FeatureUnion(
        [("gru", RNNClassifier(**FAST)), ("lstm", RNNClassifier(cell="lstm", **FAST))]
    ).set_output(transform="pandas")
    features = union.fit(X, y).transform(X)
    names = [f"gru__{n}" for n in rnn_names()] + [f"lstm__{n}" for n in rnn_names()]
    assert list(union.get_feature_names_out()) == names
    assert list(features.columns) == names


def test_pandas_output_of_a_pipeline_names_its_columns():
    """StandardScaler refuses 3-D X itself: a DataFrame."""
    X, y = make_table()
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    pipe = make_pipeline(StandardScaler(), RNNClassifier(**FAST)).set_output(transform="pandas")
    features = pipe.fit(frame, y).transform(frame)
    assert list(features.columns) == rnn_names()
    pd.testing.assert_index_equal(features.index, frame.index)
    np.testing.assert_array_equal(features.to_numpy(), pipe[-1].transform(pipe[0].transform(frame)))


def test_pipeline_after_a_scaler_names_its_features():
    """StandardScaler refuses 3-D X itself: 2-D X."""
    X, y = make_table()
    pipe = make_pipeline(StandardScaler(), RNNClassifier(**FAST)).fit(X, y)
    assert list(pipe.get_feature_names_out()) == rnn_names()


def test_column_transformer_with_pandas_output_names_its_features():
    """ColumnTransformer refuses 3-D X itself: a DataFrame."""
    X, y = make_table()
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    columns = ColumnTransformer([("rnn", RNNClassifier(**FAST), ["a", "b", "c", "d"])])
    features = columns.set_output(transform="pandas").fit_transform(frame, y)
    assert list(features.columns) == [f"rnn__{n}" for n in rnn_names()]


@pytest.mark.parametrize(
    "transformer", [SequenceScaler(), StepwiseTransformer(StandardScaler())], ids=type
)
def test_sequence_transformers_in_a_pipeline_name_their_features(transformer):
    X, y = make_sequences(60)
    pipe = make_pipeline(transformer, RNNClassifier(**FAST)).fit(X, y)
    assert list(pipe[0].get_feature_names_out()) == ["x0", "x1"]
    assert list(pipe.get_feature_names_out()) == rnn_names()
