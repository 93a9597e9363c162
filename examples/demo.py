"""sklearn-rnn demo: handwritten digits read as sequences.

Each 8x8 digit image from scikit-learn's bundled ``load_digits`` becomes a
sequence of 8 time steps (its rows) with 8 features (the pixels of a row).
The demo trains an untuned ``RNNClassifier``, reports held-out accuracy and
timings, and runs a small ``GridSearchCV``.

Run with ``make demo``.
"""

import time

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, train_test_split

from sklearn_rnn import RNNClassifier


def main():
    digits = load_digits()
    X, y = digits.images, digits.target  # (1797, 8, 8): 8 steps of 8 features
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    print(f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads")
    print(f"digits as sequences: train {X_train.shape}, test {X_test.shape}\n")

    start = time.perf_counter()
    clf = RNNClassifier(random_state=0).fit(X_train, y_train)
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    accuracy = clf.score(X_test, y_test)
    predict_seconds = time.perf_counter() - start
    print("Untuned RNNClassifier(random_state=0)")
    print(f"  held-out accuracy : {accuracy:.4f}")
    print(f"  epochs run        : {clf.n_iter_} (early stopping kept the best)")
    print(f"  fit time          : {fit_seconds:.1f} s on {clf.device_}")
    print(f"  predict time      : {1000 * predict_seconds:.0f} ms for {len(X_test)} sequences")
    print(f"  transform shape   : {clf.transform(X_test).shape}\n")

    grid = GridSearchCV(
        RNNClassifier(hidden_size=32, max_iter=30, random_state=0),
        {"cell": ["lstm", "gru"], "pooling": ["last", "attention"]},
        cv=3,
        n_jobs=2,
    )
    start = time.perf_counter()
    grid.fit(X_train, y_train)
    search_seconds = time.perf_counter() - start
    print(f"GridSearchCV, 4 candidates x 3 folds, n_jobs=2: {search_seconds:.1f} s")
    results = grid.cv_results_
    for rank, params, score in sorted(
        zip(
            results["rank_test_score"],
            results["params"],
            results["mean_test_score"],
            strict=True,
        )
    ):
        print(f"  rank {rank}: {params}  cv accuracy {score:.4f}")
    print(f"  best on held-out data: {grid.score(X_test, y_test):.4f}")


if __name__ == "__main__":
    main()
