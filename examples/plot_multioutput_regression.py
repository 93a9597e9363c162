"""
Several targets per sequence: estimating an oscillator's parameters
===================================================================

:class:`~sklearn_rnn.RNNRegressor` accepts a 2-D ``y``: one row of targets per
sequence. Here every sequence is a noisy recording of a damped oscillation

.. math:: x(t) = a \\, e^{-d t} \\cos(2 \\pi f t + \\varphi) + \\text{noise},

and the network estimates its amplitude :math:`a`, frequency :math:`f` and
damping :math:`d` at once, from 5 seconds sampled at 10 Hz. The phase
:math:`\\varphi` is random and not a target.
"""

# %%
# Data
# ----

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.metrics import PredictionErrorDisplay, r2_score
from sklearn.model_selection import train_test_split

from sklearn_rnn import RNNRegressor

# Small networks train fastest on one thread (and leave the other cores free).
torch.set_num_threads(1)

TARGETS = ["amplitude", "frequency (Hz)", "damping (1/s)"]


def make_oscillations(n_samples, n_steps=50, step=0.1, noise=0.05, seed=0):
    """Noisy damped oscillations and their (amplitude, frequency, damping)."""
    rng = np.random.RandomState(seed)
    amplitude = rng.uniform(0.5, 2.0, n_samples)
    frequency = rng.uniform(0.2, 1.0, n_samples)
    damping = rng.uniform(0.0, 0.8, n_samples)
    phase = rng.uniform(0, 2 * np.pi, n_samples)
    t = np.arange(n_steps) * step
    X = (
        amplitude[:, None]
        * np.exp(-damping[:, None] * t)
        * np.cos(2 * np.pi * frequency[:, None] * t + phase[:, None])
    )
    X += noise * rng.normal(size=X.shape)
    y = np.column_stack([amplitude, frequency, damping])
    return X.astype(np.float32), y


X, y = make_oscillations(1500)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)
print(f"X_train {X_train.shape} (univariate sequences), y_train {y_train.shape}")

fig, ax = plt.subplots(figsize=(7, 3))
for sequence, (a, f, d) in zip(X_train[:3], y_train[:3], strict=True):
    ax.plot(np.arange(50) * 0.1, sequence, label=f"a={a:.2f}, f={f:.2f} Hz, d={d:.2f}/s")
ax.set_xlabel("time (s)")
ax.set_ylabel("x(t)")
ax.set_title("Three training sequences and their targets")
ax.legend(fontsize="small")
fig.tight_layout()

# %%
# Training
# --------
# A 2-D array of shape (n_samples, n_timesteps) holds univariate sequences. The
# targets have different scales; the regressor standardizes every target
# internally and returns predictions in the targets' own units.

reg = RNNRegressor(hidden_size=32, max_iter=40, random_state=0)
reg.fit(X_train, y_train)
y_pred = reg.predict(X_test)
print(f"epochs run: {reg.n_iter_}, predictions {y_pred.shape}")
for name, score in zip(TARGETS, r2_score(y_test, y_pred, multioutput="raw_values"), strict=True):
    print(f"R^2 {name:>15}: {score:.3f}")

# %%
# Predicted against true values, one panel per target
# ---------------------------------------------------
# scikit-learn's :class:`~sklearn.metrics.PredictionErrorDisplay` reads one
# target at a time, so we pass it the columns.

fig, axes = plt.subplots(1, 3, figsize=(11, 4))
for column, (ax, name) in enumerate(zip(axes, TARGETS, strict=True)):
    PredictionErrorDisplay.from_predictions(
        y_test[:, column],
        y_pred[:, column],
        kind="actual_vs_predicted",
        ax=ax,
        scatter_kwargs={"alpha": 0.3, "s": 8},
    )
    ax.set_title(name)
fig.suptitle("RNNRegressor: three targets from one network")
fig.tight_layout()
plt.show()
