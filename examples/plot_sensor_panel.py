"""
Classifying entities from a long table of irregular, partly missing readings
============================================================================

A sensor panel as it comes out of a database: one row per reading, with the
entity (a machine), the time stamp, five channels ``f1`` .. ``f5`` and the
entity's label. Readings are not evenly spaced, entities have different
numbers of them, and some values are missing, alone or in bursts.
:func:`~sklearn_rnn.datasets.make_sensor_panel` generates such a table, where
a faulty machine shows a drift in ``f2`` and a transient in ``f4``.

Three lines take it to a fitted classifier:
:func:`~sklearn_rnn.to_sequences` with ``target="label"`` (the labels, kept
out of the features), ``elapsed=True`` (the time between readings as a
feature) and ``missing="keep"`` (NaN passed on), then
:class:`~sklearn_rnn.RNNClassifier` with ``missing="mask"``, which fills the
gaps and gives the network an indicator channel per feature.
"""

# %%
# The long table
# --------------

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_rnn import RNNClassifier, to_sequences
from sklearn_rnn.datasets import make_sensor_panel

# Small networks train fastest on one thread (and leave the other cores free).
torch.set_num_threads(1)

CHANNELS = ["f1", "f2", "f3", "f4", "f5"]
panel = make_sensor_panel(n_entities=160, random_state=0)
readings = panel.groupby("entity_id").size()
intervals = panel.groupby("entity_id")["timestamp"].diff().dt.total_seconds() / 60
print(panel.head())
print(
    f"{len(panel)} rows, {len(readings)} entities with {readings.min()} to {readings.max()} "
    f"readings; minutes between readings: median {intervals.median():.0f}, "
    f"5-95 % {intervals.quantile(0.05):.0f}-{intervals.quantile(0.95):.0f}; "
    f"missing values: {panel[CHANNELS].isna().mean().mean():.1%}"
)

# %%
# From the table to sequences, in one call
# ----------------------------------------
# One sequence per entity, sorted by time, indexed by the entity id; the labels
# come back aligned with it. Splitting ``X`` splits by entity, so no machine
# has readings on both sides.

X, y = to_sequences(
    panel, id="entity_id", time="timestamp", target="label", elapsed=True, missing="keep"
)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
print(
    f"{len(X_train)} training and {len(X_test)} test entities; features {list(X.iloc[0].columns)}"
)

# %%
# One faulty machine
# ------------------
# Its channels over time; the ticks under each curve mark its missing
# readings. The drift of ``f2`` and the transient of ``f4`` are the fault; the
# machines' own levels differ more than the drift moves a channel's mean.

entity = y_train[y_train == "faulty"].index[0]
readings = X_train[entity]
fig, axes = plt.subplots(len(CHANNELS), 1, figsize=(8, 7), sharex=True)
for ax, channel in zip(axes, CHANNELS, strict=True):
    ax.plot(readings.index, readings[channel], marker=".", markersize=3, linewidth=1)
    missing = readings.index[readings[channel].isna()]
    ax.plot(
        missing,
        np.full(len(missing), np.nanmin(readings[channel])),
        "|",
        color="red",
        markersize=10,
        label="missing",
    )
    ax.set_ylabel(channel)
axes[0].set_title(
    f"Machine {entity} (faulty): {readings[CHANNELS].isna().to_numpy().sum()} missing values"
)
axes[0].legend(loc="upper right")
fig.autofmt_xdate()
fig.tight_layout()

# %%
# A recurrent classifier with masked missing values
# -------------------------------------------------
# ``missing="mask"`` fills a missing reading with its feature's training mean
# and adds one indicator channel per feature that had missing values
# (``missing_indicators_``), so the network knows which values it did not see.

clf = RNNClassifier(missing="mask", hidden_size=32, max_iter=30, random_state=0)
clf.fit(X_train, y_train)
indicated = clf.feature_names_in_[clf.missing_indicators_]
print(f"indicator channels for: {list(indicated)}; epochs run: {clf.n_iter_}")
rnn_accuracy = clf.score(X_test, y_test)

# %%
# Baselines
# ---------
# The majority class, and a logistic regression on every entity's mean of every
# channel (missing readings left out of the means): what a model of per-entity
# summaries, blind to the order of the readings, can do.


def entity_means(sequences):
    """One row per entity: the mean of every channel over its readings."""
    return pd.DataFrame([s[CHANNELS].mean() for s in sequences], index=sequences.index)


dummy = DummyClassifier().fit(entity_means(X_train), y_train)
means = make_pipeline(StandardScaler(), LogisticRegression()).fit(entity_means(X_train), y_train)
scores = pd.Series(
    {
        "majority class": dummy.score(entity_means(X_test), y_test),
        "logistic regression on channel means": means.score(entity_means(X_test), y_test),
        "RNNClassifier(missing='mask')": rnn_accuracy,
    },
    name="test accuracy",
)
print(scores.round(3).to_string())

fig, ax = plt.subplots(figsize=(7, 2.5))
ax.barh(scores.index, scores.to_numpy())
ax.set_xlim(0, 1)
ax.set_xlabel(f"test accuracy ({len(X_test)} entities)")
fig.tight_layout()
plt.show()
