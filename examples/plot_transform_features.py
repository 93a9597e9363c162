"""
Recurrent features for other scikit-learn models
================================================

``transform`` returns what the output layer of a fitted recurrent estimator
reads: one vector per sequence, the pooled hidden state of the network. These
features can feed any scikit-learn model. Here an
:class:`~sklearn_rnn.RNNClassifier` is the first step of a pipeline that ends
with a :class:`~sklearn.linear_model.LogisticRegression`, on handwritten digits
read row by row, and a 2-D PCA projection shows how the learned features
separate the digits compared with the raw pixels.
"""

# %%
# A recurrent network as a transformer
# ------------------------------------
# In a pipeline, ``fit`` trains the network on ``(X, y)`` and hands
# ``transform(X)`` on to the next step: a bidirectional GRU with 32 hidden units
# per direction gives 64 features per sequence.

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_rnn import RNNClassifier

# Small networks train fastest on one thread (and leave the other cores free).
torch.set_num_threads(1)

digits = load_digits()
X_train, X_test, y_train, y_test = train_test_split(
    digits.images, digits.target, test_size=0.25, stratify=digits.target, random_state=0
)

pipe = make_pipeline(
    RNNClassifier(hidden_size=32, max_iter=30, random_state=0),
    StandardScaler(),
    LogisticRegression(max_iter=1000),
)
pipe.fit(X_train, y_train)
rnn = pipe[0]
features = rnn.transform(X_test)
print(f"features: {features.shape}, named {rnn.get_feature_names_out()[:3].tolist()} ...")

# %%
# The downstream model
# --------------------
# The logistic regression reads the 64 recurrent features instead of the raw
# pixels. Compare it with the network's own output layer (a linear layer on the
# same features, trained together with the recurrent layers) and with the same
# logistic regression on the 64 raw pixels.

print(f"RNNClassifier alone          : {rnn.score(X_test, y_test):.3f}")
print(f"RNN features + LogisticReg.  : {pipe.score(X_test, y_test):.3f}")
pixels = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
pixels.fit(X_train.reshape(len(X_train), -1), y_train)
print(f"raw pixels + LogisticReg.    : {pixels.score(X_test.reshape(len(X_test), -1), y_test):.3f}")

# %%
# What the features look like
# ---------------------------
# The first two principal components of the test digits: raw pixels on the left,
# the recurrent features on the right. Two components show only a part of 64
# dimensions; still, the features of a network trained to tell the digits apart
# gather several digits (0, 3, 6, 9 here) into compact groups.


def scatter(ax, values, title):
    projected = PCA(n_components=2, random_state=0).fit_transform(values)
    points = ax.scatter(*projected.T, c=y_test, cmap="tab10", s=10, alpha=0.7)
    for digit in range(10):
        center = np.median(projected[y_test == digit], axis=0)
        ax.annotate(str(digit), center, fontsize=14, weight="bold", ha="center", va="center")
    ax.set_xlabel("first principal component")
    ax.set_ylabel("second principal component")
    ax.set_title(title)
    return points


fig, axes = plt.subplots(1, 2, figsize=(11, 5))
scatter(axes[0], X_test.reshape(len(X_test), -1), "Raw pixels (64 values)")
points = scatter(axes[1], features, "RNNClassifier.transform (64 features)")
fig.colorbar(points, ax=axes, label="digit", ticks=range(10))
plt.show()
