"""
Classifying handwritten digits read as sequences
================================================

Each 8x8 image of scikit-learn's bundled digits data set becomes a sequence of 8
time steps (its rows, top to bottom) with 8 features (the pixels of a row). An
:class:`~sklearn_rnn.RNNClassifier` reads the rows one after the other and
predicts the digit. We look at its accuracy, its confusion matrix and its
training history.
"""

# %%
# Digits as sequences
# -------------------
# ``load_digits().images`` has shape (1797, 8, 8): already (samples, time steps,
# features), the 3-D input the recurrent estimators read. No flattening needed.

import matplotlib.pyplot as plt
import torch
from sklearn.datasets import load_digits
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.model_selection import train_test_split

from sklearn_rnn import RNNClassifier, TrainingHistoryDisplay

# Small networks train fastest on one thread (and leave the other cores free).
torch.set_num_threads(1)

digits = load_digits()
X, y = digits.images, digits.target
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
print(f"train {X_train.shape}, test {X_test.shape}")

fig, axes = plt.subplots(1, 5, figsize=(8, 2))
for ax, image, label in zip(axes, X_train[:5], y_train[:5], strict=True):
    ax.imshow(image, cmap="gray_r")
    ax.set_title(f"label {label}")
    ax.set_xlabel("8 features")
    ax.set_xticks([])
    ax.set_yticks([])
axes[0].set_ylabel("8 steps")
fig.tight_layout()

# %%
# Training
# --------
# A bidirectional GRU with 32 hidden units per direction. With 1347 training
# sequences, ``early_stopping="auto"`` holds out 10 % of them (stratified) and
# keeps the weights of the epoch with the lowest validation loss.

clf = RNNClassifier(hidden_size=32, max_iter=30, random_state=0)
clf.fit(X_train, y_train)
print(f"epochs run: {clf.n_iter_}, test accuracy: {clf.score(X_test, y_test):.3f}")

# %%
# Confusion matrix
# ----------------
# The RNN is a scikit-learn classifier, so scikit-learn's displays work with it.

ConfusionMatrixDisplay.from_estimator(clf, X_test, y_test, colorbar=False)
plt.title("RNNClassifier on the test digits")

# %%
# Training history
# ----------------
# :class:`~sklearn_rnn.TrainingHistoryDisplay` plots the training loss, the
# validation loss of the held-out sequences and the epoch whose weights the model
# kept.

display = TrainingHistoryDisplay.from_estimator(clf, name="GRU")
display.ax_.set_title("Cross-entropy per epoch")
plt.show()
