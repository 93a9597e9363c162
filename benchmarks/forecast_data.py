"""Real public series for ``bench_forecast.py``, all read from installed packages (offline).

Every loader returns a ``Dataset``: its frequency and a dict ``{series name: 1-D float
array}`` in time order. What each one holds and how it was cut is in ``DATASETS``'s
``note``. Sources: ``statsmodels.datasets`` (nile, sunspots, macrodata, elnino, co2),
aeon's shipped data files (M1 yearly, uschange) and ``sklearn_rnn.datasets`` (airline).
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

# Panels keep at most this many series (the first ones in the file that are long enough),
# and the weekly co2 series its last ten years: enough for a stable mean, short to fit.
MAX_SERIES = 50
CO2_WEEKS = 520
M1_MIN_LENGTH = 36


@dataclass(frozen=True)
class Dataset:
    name: str
    freq: str
    series: dict
    note: str

    @property
    def lengths(self):
        return [len(values) for values in self.series.values()]


def _aeon_file(folder, name):
    import aeon.datasets

    return Path(aeon.datasets.__file__).parent / "data" / folder / name


def _statsmodels(name):
    import statsmodels.datasets

    return getattr(statsmodels.datasets, name).load_pandas().data


def load_nile():
    values = _statsmodels("nile")["volume"].to_numpy(float)
    return {"nile": values}


def load_sunspots():
    values = _statsmodels("sunspots")["SUNACTIVITY"].to_numpy(float)
    return {"sunspots": values}


def load_m1_yearly():
    """The yearly series of the M1 competition (aeon's ``.tsf`` copy)."""
    series = {}
    path = _aeon_file("m1_yearly_dataset", "m1_yearly_dataset.tsf")
    for line in path.read_text().splitlines():
        if not line.startswith("T"):
            continue
        name, _start, values = line.split(":", 2)
        values = np.array(values.split(","), dtype=float)
        if len(values) >= M1_MIN_LENGTH and len(series) < MAX_SERIES:
            series[name] = values
    return series


def load_macrodata():
    """US macroeconomic quarterly series 1959-2009, one series per column."""
    data = _statsmodels("macrodata").drop(columns=["year", "quarter"])
    return {column: data[column].to_numpy(float) for column in data.columns}


def load_uschange():
    """Quarterly percentage changes of US consumption, income, production, ... (aeon)."""
    data = pd.read_csv(_aeon_file("Uschange", "Uschange.csv"), index_col=0)
    data = data.drop(columns=["Quarter"])
    return {column: data[column].to_numpy(float) for column in data.columns}


def load_airline_series():
    from sklearn_rnn.datasets import load_airline

    return {"airline": load_airline().to_numpy(float)}


def load_elnino():
    """Monthly sea surface temperatures 1950-2010, the year-by-month table read row-wise."""
    table = _statsmodels("elnino").drop(columns=["YEAR"])
    return {"elnino": table.to_numpy(float).ravel()}


def load_co2():
    """Mauna Loa weekly CO2, the last ``CO2_WEEKS`` weeks, gaps filled linearly."""
    values = _statsmodels("co2")["co2"].interpolate().to_numpy(float)
    return {"co2": values[-CO2_WEEKS:]}


DATASETS = {
    "nile": ("yearly", load_nile, "Nile flow 1871-1970: no trend, no season"),
    "sunspots": ("yearly", load_sunspots, "sunspot numbers 1700-2008: 11-year cycle, no trend"),
    "m1_yearly": (
        "yearly",
        load_m1_yearly,
        f"panel: the M1 yearly series of {M1_MIN_LENGTH} years or more (at most "
        f"{MAX_SERIES}); mostly trending",
    ),
    "macrodata": (
        "quarterly",
        load_macrodata,
        "panel: 12 US macro series 1959-2009 (levels, rates); trends, seasonally adjusted",
    ),
    "uschange": (
        "quarterly",
        load_uschange,
        "panel: 5 US quarterly growth rates 1970-2016: no trend, no season",
    ),
    "airline": (
        "monthly",
        load_airline_series,
        "airline passengers 1949-1960: trend and multiplicative season",
    ),
    "elnino": ("monthly", load_elnino, "El Nino sea temperature 1950-2010: season, no trend"),
    "co2": (
        "weekly",
        load_co2,
        f"Mauna Loa CO2, last {CO2_WEEKS} weeks to 2001 (gaps interpolated): trend and season",
    ),
}


def load(name):
    """The ``Dataset`` called ``name`` (a key of ``DATASETS``)."""
    if name not in DATASETS:
        raise ValueError(f"Unknown dataset {name!r}; choose from {sorted(DATASETS)}.")
    freq, loader, note = DATASETS[name]
    return Dataset(name=name, freq=freq, series=loader(), note=note)
