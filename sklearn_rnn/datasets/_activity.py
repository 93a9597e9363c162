"""A generator of accelerometer-like streams with an activity label at every step."""

import numpy as np
from sklearn.utils import check_random_state

ACTIVITIES = np.array(["rest", "walk", "run"])
# Period (steps) and amplitude of the movement of each activity.
PERIODS = {"rest": None, "walk": 12.0, "run": 6.0}
AMPLITUDES = {"rest": 0.0, "walk": 1.0, "run": 2.0}


def make_activity(
    n_samples=200, *, min_length=60, max_length=200, noise=0.3, random_state=None
):
    """Three-axis motion streams of different lengths, with the activity at every step.

    Each stream is a sequence of segments of 15 to 50 steps; in every segment
    the wearer rests, walks or runs. Walking and running are oscillations of
    period 12 and 6 steps and amplitude 1 and 2 on the x and y axes, with a
    bounce on the z axis around gravity (1); resting is gravity alone. Noise
    is added everywhere. A single step does not always tell the activity (an
    oscillation passes through zero, so walking can look like rest), its
    neighbourhood does: a task for per-step tagging (``output="sequence"``),
    with a known answer.

    Parameters
    ----------
    n_samples : int, default=200
        Number of streams.

    min_length, max_length : int, default=60, 200
        Range of the streams' lengths (in steps, inclusive).

    noise : float, default=0.3
        Standard deviation of the Gaussian noise on every axis.

    random_state : int, RandomState instance or None, default=None
        Seeds the generator.

    Returns
    -------
    X : list of ndarray of shape (n_timesteps_i, 3)
        The streams (x, y, z).

    y : list of ndarray of str of shape (n_timesteps_i,)
        The activity at every step: "rest", "walk" or "run".

    Examples
    --------
    >>> from sklearn_rnn.datasets import make_activity
    >>> X, y = make_activity(2, min_length=30, max_length=40, random_state=0)
    >>> [x.shape[1] for x in X], [len(x) == len(labels) for x, labels in zip(X, y)]
    ([3, 3], [True, True])
    """
    if not 1 <= min_length <= max_length:
        raise ValueError(
            f"Need 1 <= min_length <= max_length; got min_length={min_length}, "
            f"max_length={max_length}."
        )
    rng = check_random_state(random_state)
    X, y = [], []
    for _ in range(n_samples):
        labels = _activities(rng, rng.randint(min_length, max_length + 1))
        X.append(_motion(rng, labels) + rng.normal(scale=noise, size=(len(labels), 3)))
        y.append(labels)
    return X, y


def _activities(rng, length):
    """Activity at every step: segments of 15 to 50 steps, each unlike the one before."""
    labels, current = [], rng.randint(len(ACTIVITIES))
    while len(labels) < length:
        labels.extend([current] * rng.randint(15, 51))
        current = (current + rng.randint(1, len(ACTIVITIES))) % len(ACTIVITIES)
    return ACTIVITIES[labels[:length]]


def _motion(rng, labels):
    """Noise-free x, y, z of every step; the phase runs on across segments."""
    motion = np.zeros((len(labels), 3))
    motion[:, 2] = 1.0  # gravity
    phase = rng.uniform(0, 2 * np.pi)
    for step, activity in enumerate(labels):
        period = PERIODS[activity]
        if period is None:
            continue
        phase += 2 * np.pi / period
        amplitude = AMPLITUDES[activity]
        motion[step] += [amplitude * np.sin(phase), 0.5 * amplitude * np.cos(phase),
                         0.3 * amplitude * np.sin(2 * phase)]
    return motion
