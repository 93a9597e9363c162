"""
Tuning a recurrent network in a Pipeline with GridSearchCV
==========================================================

The recurrent estimators are ordinary scikit-learn estimators: they have
``get_params`` / ``set_params``, can be cloned, and work as the last step of a
:class:`~sklearn.pipeline.Pipeline`. This example tunes the recurrent cell and
the hidden size of an :class:`~sklearn_rnn.RNNClassifier` with
:class:`~sklearn.model_selection.GridSearchCV`, on the digits data set given as
flat rows of 64 pixels, and plots the cross-validation results.
"""

# %%
# A pipeline from flat rows to sequences
# --------------------------------------
# ``load_digits(return_X_y=True)`` gives each image as one flat row of 64 pixels,
# as most scikit-learn data comes. A
# :class:`~sklearn.preprocessing.FunctionTransformer` reshapes the rows into
# sequences of 8 steps (the image rows) of 8 features, so that the pipeline
# takes the usual 2-D ``X``. We keep 900 images, to keep the search short.

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_rnn import RNNClassifier

# Small networks train fastest on one thread (and leave the other cores free).
torch.set_num_threads(1)

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=900, test_size=450, stratify=y, random_state=0
)

pipe = Pipeline(
    [
        ("sequences", FunctionTransformer(np.reshape, kw_args={"shape": (-1, 8, 8)})),
        ("rnn", RNNClassifier(max_iter=20, random_state=0)),
    ]
)
print(f"{X_train.shape} -> {pipe['sequences'].fit_transform(X_train).shape}")

# %%
# The search
# ----------
# Parameters of a pipeline step are named ``<step>__<parameter>``. Three cells
# times two hidden sizes, each scored by 3-fold cross-validation: 18 fits, then a
# refit of the best on all the training images.

param_grid = {
    "rnn__cell": ["rnn", "gru", "lstm"],
    "rnn__hidden_size": [8, 32],
}
search = GridSearchCV(pipe, param_grid, cv=3)
search.fit(X_train, y_train)
print(f"best parameters: {search.best_params_}")
print(f"cross-validation accuracy of the best: {search.best_score_:.3f}")
print(f"test accuracy of the refitted best: {search.score(X_test, y_test):.3f}")

# %%
# The results
# -----------
# ``cv_results_`` holds the mean and standard deviation of the fold scores and
# the fit times of every candidate.

results = pd.DataFrame(search.cv_results_)
columns = ["param_rnn__cell", "param_rnn__hidden_size", "mean_test_score", "std_test_score"]
print(results[[*columns, "mean_fit_time"]].round(3).to_string(index=False))

fig, (score_ax, time_ax) = plt.subplots(1, 2, figsize=(10, 4))
for cell, rows in results.groupby("param_rnn__cell"):
    hidden = rows["param_rnn__hidden_size"].astype(int)
    score_ax.errorbar(
        hidden,
        rows["mean_test_score"],
        yerr=rows["std_test_score"],
        marker="o",
        capsize=3,
        label=cell,
    )
    time_ax.plot(hidden, rows["mean_fit_time"], marker="o", label=cell)
for ax in (score_ax, time_ax):
    ax.set_xscale("log", base=2)
    ax.set_xticks(param_grid["rnn__hidden_size"], labels=param_grid["rnn__hidden_size"])
    ax.set_xlabel("hidden_size")
    ax.legend(title="cell")
score_ax.set_ylabel("mean accuracy over 3 folds (+/- std)")
score_ax.set_title("Cross-validation accuracy")
time_ax.set_ylabel("seconds")
time_ax.set_title("Mean fit time")
fig.tight_layout()
plt.show()
