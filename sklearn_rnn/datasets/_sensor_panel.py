"""A generator of irregular, partly missing sensor readings with one label per entity."""

import numpy as np
import pandas as pd
from scipy.signal import lfilter
from sklearn.utils import check_random_state

from ._checks import check_count, check_fraction, check_non_negative, check_range

CHANNELS = ["f1", "f2", "f3", "f4", "f5"]
LABELS = np.array(["normal", "faulty"])

# Sampling: intervals of one hour on average, gamma distributed (shape 8: they
# scatter by about 35 %), and now and then a pause of 3 to 8 intervals.
MEAN_INTERVAL_S = 3600.0
INTERVAL_SHAPE = 8.0
PAUSE_PROBABILITY = 0.03
PAUSE_FACTORS = (3.0, 8.0)
# Entities start within 30 days of ``start``.
START_SPREAD_S = 30 * 86400

# Half of the missing readings are isolated, half come in bursts of 3 to 10
# readings of one channel (a sensor dropping out).
BURST_LENGTHS = (3, 10)

# The signal: every channel sits at an entity's own level (standard deviation
# 1), f1 follows a daily cycle and f3 half of it. A fault adds a drift to f2
# (up to DRIFT, from an onset 30-60 % into the record) and a transient to f4:
# an oscillation of period TRANSIENT_PERIOD_H hours under a bell of width
# TRANSIENT_WIDTH_H hours, which averages out.
LEVEL_SPREAD = 1.0
NOISE_MEMORY = 0.7
DRIFT = 2.0
DRIFT_ONSETS = (0.3, 0.6)
TRANSIENT_AMPLITUDE = 2.5
TRANSIENT_PERIOD_H = 6.0
TRANSIENT_WIDTH_H = 6.0
TRANSIENT_CENTRES = (0.4, 0.9)


def make_sensor_panel(
    n_entities=60,
    *,
    min_readings=40,
    max_readings=120,
    missing_rate=0.05,
    noise=0.3,
    start="2024-01-01",
    random_state=None,
):
    """A long table of irregular sensor readings, some missing, with a label per entity.

    Every entity (a machine, a patient) has five channels ``f1`` .. ``f5``
    read at irregular times: about one reading an hour, the intervals
    scattered by about 35 %, with an occasional pause of several hours;
    entities start on different days and have different numbers of
    readings. Every channel sits at the entity's own level; ``f1`` follows a
    daily cycle, ``f3`` half of it, ``f5`` is noise only. Noise is
    autocorrelated (AR(1), coefficient 0.7 per reading).

    Half of the entities (rounded down) are ``"faulty"``: from an onset 30 to
    60 % into its record, ``f2`` drifts up by 2, and at some point ``f4``
    shows a transient, an oscillation of period 6 hours that fades in and
    out over about a day and averages to zero. The entities' own levels
    spread more than the drift moves the mean, so a model of the mean of
    every channel tells the classes apart poorly; the temporal pattern tells
    them apart (the answer is known).

    Readings are missing (NaN) at ``missing_rate``: half of them one at a
    time, half in bursts of 3 to 10 consecutive readings of one channel.

    Parameters
    ----------
    n_entities : int, default=60
        Number of entities.

    min_readings, max_readings : int, default=40, 120
        Range of the number of readings of every entity (inclusive, 2 or
        more).

    missing_rate : float, default=0.05
        Expected fraction of missing feature values, in [0, 1). Bursts
        that overlap or run past the end make the rate found a little lower.

    noise : float, default=0.3
        Standard deviation of the noise on every channel.

    start : str or Timestamp, default="2024-01-01"
        The earliest time an entity's first reading can have.

    random_state : int, RandomState instance or None, default=None
        Seeds the generator: the same integer gives the same table.

    Returns
    -------
    panel : DataFrame
        One row per reading, sorted by entity and time, with the columns
        ``entity_id`` (str, e.g. ``"m01"``), ``timestamp`` (datetime64,
        whole seconds), ``f1`` .. ``f5`` (float64, NaN where missing) and
        ``label`` (str, ``"normal"`` or ``"faulty"``, the same on all rows of
        an entity).

    See Also
    --------
    sklearn_rnn.to_sequences : Turns the table into one sequence per entity.
    make_store_sales : Daily sales of several stores, for forecasting.

    Examples
    --------
    >>> from sklearn_rnn import to_sequences
    >>> from sklearn_rnn.datasets import make_sensor_panel
    >>> panel = make_sensor_panel(4, min_readings=5, max_readings=8, random_state=0)
    >>> panel.columns.tolist()
    ['entity_id', 'timestamp', 'f1', 'f2', 'f3', 'f4', 'f5', 'label']
    >>> X, y = to_sequences(panel, id="entity_id", time="timestamp", target="label",
    ...                     elapsed=True, missing="keep")
    >>> [str(label) for label in y]
    ['normal', 'normal', 'faulty', 'faulty']
    >>> X["m01"].columns.tolist()
    ['f1', 'f2', 'f3', 'f4', 'f5', 'elapsed']
    """
    check_count("n_entities", n_entities, minimum=1)
    check_range("min_readings", min_readings, "max_readings", max_readings, minimum=2)
    check_fraction("missing_rate", missing_rate)
    check_non_negative("noise", noise)
    rng = check_random_state(random_state)
    start = pd.Timestamp(start)
    faulty = rng.permutation(n_entities) < n_entities // 2
    width = max(2, len(str(n_entities)))
    entities = [
        _entity(
            rng,
            f"m{number:0{width}d}",
            is_faulty,
            n_readings=rng.randint(min_readings, max_readings + 1),
            missing_rate=missing_rate,
            noise=noise,
            start=start,
        )
        for number, is_faulty in enumerate(faulty, start=1)
    ]
    return pd.concat(entities, ignore_index=True)


def _entity(rng, entity_id, faulty, *, n_readings, missing_rate, noise, start):
    """The rows of one entity, in time order."""
    seconds = _reading_seconds(rng, n_readings)
    first = start + pd.Timedelta(seconds=int(rng.randint(START_SPREAD_S)))
    values = _readings(rng, seconds / 3600.0, faulty, noise)
    values[_missing(rng, values.shape, missing_rate)] = np.nan
    frame = pd.DataFrame(values, columns=CHANNELS)
    frame.insert(0, "entity_id", entity_id)
    frame.insert(1, "timestamp", first + pd.to_timedelta(seconds, unit="s"))
    frame["label"] = LABELS[int(faulty)]
    return frame


def _reading_seconds(rng, n_readings):
    """Whole seconds from the first reading to every reading, strictly increasing."""
    intervals = rng.gamma(INTERVAL_SHAPE, MEAN_INTERVAL_S / INTERVAL_SHAPE, n_readings - 1)
    pauses = rng.rand(n_readings - 1) < PAUSE_PROBABILITY
    intervals[pauses] *= rng.uniform(*PAUSE_FACTORS, size=np.count_nonzero(pauses))
    steps = np.maximum(1, np.rint(intervals)).astype(np.int64)
    return np.concatenate([[0], np.cumsum(steps)])


def _readings(rng, hours, faulty, noise):
    """The readings of the five channels, shape (n_readings, 5), at ``hours`` from the first:
    the entity's levels, the daily cycle, the fault (if any) and noise."""
    levels = rng.normal(scale=LEVEL_SPREAD, size=len(CHANNELS))
    values = levels + _noise(rng, (len(hours), len(CHANNELS)), noise)
    daily = np.sin(2 * np.pi * hours / 24.0 + rng.uniform(0, 2 * np.pi))
    values[:, 0] += daily
    values[:, 2] += 0.5 * daily
    if faulty:
        values[:, 1] += _drift(rng, hours)
        values[:, 3] += _transient(rng, hours)
    return values


def _noise(rng, shape, scale):
    """AR(1) noise of standard deviation ``scale`` along the first axis, stationary from
    the first reading on."""
    shocks = rng.normal(scale=scale * np.sqrt(1 - NOISE_MEMORY**2), size=shape)
    shocks[0] = rng.normal(scale=scale, size=shape[1])
    return lfilter([1.0], [1.0, -NOISE_MEMORY], shocks, axis=0)


def _drift(rng, hours):
    """A ramp from 0 at the onset to DRIFT at the last reading."""
    onset = rng.uniform(*DRIFT_ONSETS)
    progress = hours / hours[-1]
    return DRIFT * np.clip((progress - onset) / (1 - onset), 0.0, 1.0)


def _transient(rng, hours):
    """An oscillation under a bell centred 40-90 % into the record."""
    offset = hours - rng.uniform(*TRANSIENT_CENTRES) * hours[-1]
    bell = np.exp(-0.5 * (offset / TRANSIENT_WIDTH_H) ** 2)
    return TRANSIENT_AMPLITUDE * bell * np.sin(2 * np.pi * offset / TRANSIENT_PERIOD_H)


def _missing(rng, shape, rate):
    """Where readings are missing: isolated ones and bursts per channel, each half the rate."""
    n_readings, n_channels = shape
    missing = rng.rand(n_readings, n_channels) < rate / 2
    shortest, longest = BURST_LENGTHS
    bursts_per_channel = rate / 2 * n_readings / ((shortest + longest) / 2)
    for channel in range(n_channels):
        for _ in range(rng.poisson(bursts_per_channel)):
            begin = rng.randint(n_readings)
            missing[begin : begin + rng.randint(shortest, longest + 1), channel] = True
    return missing
