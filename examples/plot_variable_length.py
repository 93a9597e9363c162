"""
Classifying sequences of different lengths
==========================================

Recurrent networks read sequences of any length. Here the samples are noisy
snippets of three wave forms (sine, square and sawtooth waves) with random
periods, phases and lengths between 4 and 60 steps. They are passed to
:class:`~sklearn_rnn.RNNClassifier` as a plain Python list of 1-D arrays; the
estimator pads and packs them internally, so the padding is never read.

Short snippets hold less than one period, so they should be harder to classify:
we plot the test accuracy as a function of the sequence length.
"""

# %%
# Data: a list of arrays of different lengths
# -------------------------------------------

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.model_selection import train_test_split

from sklearn_rnn import RNNClassifier

# Small networks train fastest on one thread (and leave the other cores free).
torch.set_num_threads(1)

WAVES = {
    "sine": lambda phase: np.sin(2 * np.pi * phase),
    "square": lambda phase: np.sign(np.sin(2 * np.pi * phase)),
    "sawtooth": lambda phase: 2 * (phase % 1) - 1,
}


def make_waves(n_samples, min_length=4, max_length=60, noise=0.3, seed=0):
    """Noisy wave snippets of random length, period (8 to 20 steps) and phase."""
    rng = np.random.RandomState(seed)
    names = list(WAVES)
    X, y = [], []
    for _ in range(n_samples):
        label = rng.randint(len(names))
        length = rng.randint(min_length, max_length + 1)
        period = rng.uniform(8, 20)
        phase = rng.uniform() + np.arange(length) / period
        wave = WAVES[names[label]](phase) + noise * rng.normal(size=length)
        X.append(wave.astype(np.float32))
        y.append(names[label])
    return X, np.array(y)


X, y = make_waves(1500)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.4, random_state=0)
print(f"{len(X_train)} training sequences of lengths {min(map(len, X))} to {max(map(len, X))}")

fig, axes = plt.subplots(3, 1, figsize=(7, 5), sharex=True)
for ax, name in zip(axes, WAVES, strict=True):
    for sequence in [s for s, label in zip(X_train, y_train, strict=True) if label == name][:3]:
        ax.plot(sequence, marker=".", linewidth=1)
    ax.set_ylabel(name)
axes[-1].set_xlabel("time step")
axes[0].set_title("Three training snippets of every class")
fig.tight_layout()

# %%
# Training
# --------
# Class labels may be strings. Training batches group sequences of similar
# lengths, so little time goes into padding.

clf = RNNClassifier(hidden_size=16, max_iter=40, random_state=0)
clf.fit(X_train, y_train)
print(f"classes: {clf.classes_}, epochs run: {clf.n_iter_}")
print(f"test accuracy: {clf.score(X_test, y_test):.3f}")

# %%
# Accuracy by length
# ------------------
# Test sequences grouped by length. Snippets shorter than one period (8 to 20
# steps) are often ambiguous; from about two periods on, the class is clear.

lengths = np.array([len(sequence) for sequence in X_test])
correct = clf.predict(X_test) == y_test
edges = np.arange(4, 65, 8)
groups = np.digitize(lengths, edges[1:-1])  # the last group includes length 60
accuracy = [correct[groups == g].mean() for g in range(len(edges) - 1)]
centers = (edges[:-1] + edges[1:]) / 2

fig, ax = plt.subplots(figsize=(6, 4))
ax.bar(centers, accuracy, width=np.diff(edges) * 0.9, color="tab:blue")
ax.axhline(1 / len(WAVES), color="gray", linestyle="--", label="chance")
ax.set_xticks(edges)
ax.set_xlabel("sequence length (time steps)")
ax.set_ylabel("test accuracy")
ax.set_ylim(0, 1)
ax.set_title("RNNClassifier: accuracy by sequence length")
ax.legend(loc="lower right")
plt.show()
