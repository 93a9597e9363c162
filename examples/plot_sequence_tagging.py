"""
Tagging every time step: activity recognition
=============================================

With ``output="sequence"``, :class:`~sklearn_rnn.RNNClassifier` predicts a
class at every time step instead of one per sequence. The streams of
:func:`~sklearn_rnn.datasets.make_activity` are three-axis motion signals of
different lengths in which the wearer rests, walks or runs, with the activity
given at every step. Walking and running are oscillations, so a single step
says little: the activity shows in the step's neighbourhood. We compare a
bidirectional tagger, which sees the past and the future of every step, with a
forward-only one, which sees only the past, and with a classifier of single
steps that sees neither.
"""

# %%
# The streams
# -----------
# ``X`` is a list of arrays (n_timesteps_i, 3) and ``y`` a list of label arrays
# of the same lengths. Two independent draws give the training and the test
# streams.

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import ConfusionMatrixDisplay

from sklearn_rnn import RNNClassifier
from sklearn_rnn.datasets import make_activity

# Small networks train fastest on one thread (and leave the other cores free).
torch.set_num_threads(1)

X_train, y_train = make_activity(200, random_state=0)
X_test, y_test = make_activity(100, random_state=1)
print(
    f"{len(X_train)} training streams ({sum(map(len, X_train))} steps), "
    f"{len(X_test)} test streams ({sum(map(len, X_test))} steps), "
    f"lengths {min(map(len, X_train))} to {max(map(len, X_train))}"
)

ACTIVITIES = ["rest", "walk", "run"]
COLORS = {"rest": "#d9d9d9", "walk": "#9ecae1", "run": "#fdae6b"}


def activity_bands(ax, labels, row=None):
    """Colour the background of ``ax`` by the activity at every step.

    With ``row=(bottom, top)`` only that horizontal band is coloured.
    """
    codes = [ACTIVITIES.index(label) for label in labels]
    bottom, top = row if row is not None else ax.get_ylim()
    ax.imshow(
        [codes],
        aspect="auto",
        cmap=ListedColormap([COLORS[name] for name in ACTIVITIES]),
        vmin=0,
        vmax=len(ACTIVITIES) - 1,
        extent=(-0.5, len(labels) - 0.5, bottom, top),
        zorder=0,
    )
    ax.set_ylim(min(ax.get_ylim()[0], bottom), max(ax.get_ylim()[1], top))


stream = 0
fig, ax = plt.subplots(figsize=(9, 3))
for channel, name in enumerate("xyz"):
    ax.plot(X_train[stream][:, channel], linewidth=1, label=name)
activity_bands(ax, y_train[stream])
ax.set_xlim(-0.5, len(y_train[stream]) - 0.5)
ax.set_xlabel("time step")
ax.set_title("A training stream; the background is the activity")
ax.legend(
    handles=[*ax.get_lines(), *[Patch(color=COLORS[name], label=name) for name in ACTIVITIES]],
    loc="upper left",
    bbox_to_anchor=(1, 1),
)
fig.tight_layout()

# %%
# A baseline without context
# --------------------------
# A classifier of single steps reads only the three values of one step. A linear
# model is of no use here (resting sits at the centre of the moving activities'
# values; a logistic regression gets about a third of the steps right);
# gradient boosting finds that large values mean running, but a walking or
# running step near the middle of its swing looks like rest.

steps_train, steps_test = np.concatenate(X_train), np.concatenate(X_test)
labels_train, labels_test = np.concatenate(y_train), np.concatenate(y_test)
single_step = HistGradientBoostingClassifier(random_state=0)
single_step.fit(steps_train, labels_train)
accuracy = single_step.score(steps_test, labels_test)
accuracies = {"single steps, gradient boosting": accuracy}
print(f"single-step gradient boosting: per-step accuracy {accuracy:.3f}")

# %%
# Recurrent taggers
# -----------------
# ``fit`` takes the lists as they are; the loss covers every real step and never
# the padding. With 200 streams ``early_stopping="auto"`` stays off (it needs
# 1000 sequences), so ``max_iter`` sets the number of epochs. ``score`` is the
# accuracy over all steps of all test streams.

taggers = {}
for name, bidirectional in [("bidirectional", True), ("forward-only", False)]:
    tagger = RNNClassifier(
        output="sequence",
        bidirectional=bidirectional,
        hidden_size=32,
        max_iter=30,
        random_state=0,
    )
    tagger.fit(X_train, y_train)
    taggers[name] = tagger
    accuracy = tagger.score(X_test, y_test)
    accuracies[f"{name}, GRU"] = accuracy
    print(f"{name} GRU: per-step accuracy {accuracy:.3f}")

fig, ax = plt.subplots(figsize=(6, 2.5))
labels = [name.replace(", ", "\n") for name in accuracies]
bars = ax.barh(labels, list(accuracies.values()), color=["C7", "C0", "C1"])
ax.bar_label(bars, fmt="%.3f", padding=3)
ax.set_xlim(0, 1.15)
ax.set_xlabel("per-step accuracy on the test streams")
ax.invert_yaxis()
fig.tight_layout()

# %%
# One test stream, tagged
# -----------------------
# ``predict`` returns one array of labels per stream. The upper band is the true
# activity, the lower one the bidirectional tagger's; the mistakes are few and
# sit at the changes of activity, where a step's neighbourhood is mixed.

predictions = taggers["bidirectional"].predict(X_test)
stream = int(np.argmax([len(x) for x in X_test[:10]]))
fig, ax = plt.subplots(figsize=(9, 3.5))
for channel, name in enumerate("xyz"):
    ax.plot(X_test[stream][:, channel], linewidth=1, label=name)
low, high = ax.get_ylim()
activity_bands(ax, y_test[stream], row=(high, high + 1.2))
activity_bands(ax, predictions[stream], row=(low - 1.2, low))
ax.text(1, high + 0.6, "true", va="center")
ax.text(1, low - 0.6, "predicted", va="center")
ax.set_xlim(-0.5, len(y_test[stream]) - 0.5)
ax.set_xlabel("time step")
ax.set_title(f"Test stream {stream}: accuracy {np.mean(predictions[stream] == y_test[stream]):.3f}")
ax.legend(
    handles=[*ax.get_lines(), *[Patch(color=COLORS[name], label=name) for name in ACTIVITIES]],
    loc="upper left",
    bbox_to_anchor=(1, 1),
)
fig.tight_layout()

# %%
# Confusion matrix over all steps
# -------------------------------
# Concatenating the per-stream arrays gives one label per step, the input
# scikit-learn's metrics and displays expect. Most mistakes confuse walking
# with resting, the two activities whose signals are closest.

predicted_steps = np.concatenate(predictions)
ConfusionMatrixDisplay.from_predictions(
    labels_test, predicted_steps, labels=ACTIVITIES, colorbar=False
)
plt.title("Bidirectional tagger, all test steps")

# %%
# Where the mistakes are
# ----------------------
# The accuracy as a function of the distance to the nearest change of activity.
# A few steps away from a change both taggers are nearly always right, while the
# single-step classifier, which never uses context, is no better there than
# anywhere else. Right at a change the forward-only tagger lags: it has read
# only the steps before, of the previous activity, while the bidirectional one
# also reads the steps ahead.


def distance_to_change(labels):
    """Number of steps from every step to the nearest change of activity."""
    changes = np.flatnonzero(labels[1:] != labels[:-1]) + 0.5
    if len(changes) == 0:
        return np.full(len(labels), np.inf)
    return np.min(np.abs(np.arange(len(labels))[:, None] - changes[None, :]), axis=1) + 0.5


distance = np.concatenate([distance_to_change(labels) for labels in y_test])
bins = [1, 2, 3, 4, 6, 8, 12]
bin_names = ["1", "2", "3", "4-5", "6-7", "8-11", "12+"]
in_bin = np.digitize(distance, bins) - 1
fig, ax = plt.subplots(figsize=(6, 3.5))
candidates = {
    "bidirectional GRU": np.concatenate(predictions),
    "forward-only GRU": np.concatenate(taggers["forward-only"].predict(X_test)),
    "single steps": single_step.predict(steps_test),
}
for (name, predicted), color in zip(candidates.items(), ["C0", "C1", "C7"], strict=True):
    correct = predicted == labels_test
    ax.plot(
        bin_names,
        [correct[in_bin == index].mean() for index in range(len(bin_names))],
        marker="o",
        color=color,
        label=name,
    )
ax.set_xlabel("steps to the nearest change of activity")
ax.set_ylabel("accuracy")
ax.legend()
fig.tight_layout()
plt.show()
