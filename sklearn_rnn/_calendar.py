"""What a forecaster knows from the calendar: the season length of a frequency.

The seasonal period ``m`` of a series follows from its sampling frequency, as
in the forecasting literature's conventions (Hyndman & Athanasopoulos,
*Forecasting: Principles and Practice*, section 2.1; the M4 competition):
yearly 1, quarterly 4, monthly 12, weekly 52, daily 7, business-daily 5, and
for sub-daily data the steps in a day.
"""

import warnings

import pandas as pd
from pandas.tseries.frequencies import to_offset

# Seasonal period of one step of each calendar offset, by its rule code's prefix.
_PERIODS = {
    "Y": 1,
    "A": 1,
    "BY": 1,
    "BA": 1,
    "Q": 4,
    "BQ": 4,
    "M": 12,
    "BM": 12,
    "SM": 24,
    "CBM": 12,
    "W": 52,
    "D": 7,
    "B": 5,
    "C": 5,
}


def season_length(freq):
    """The seasonal period of a series sampled at ``freq``; 1 when none is known.

    Parameters
    ----------
    freq : str, pandas offset, number or None
        A pandas frequency (``"MS"``, ``"QS-OCT"``, ``"W-SUN"``, ``"h"``,
        ``"15min"``); numbers and None (no calendar) give 1.

    Returns
    -------
    m : int
        Steps per seasonal cycle: the year for yearly to weekly data, the
        week for daily data, the day for sub-daily data. Multiples of a
        unit divide it when they can (``"2h"`` gives 12), else 1.

    Examples
    --------
    >>> season_length("MS"), season_length("QS-OCT"), season_length("h"), season_length(None)
    (12, 4, 24, 1)
    """
    if freq is None or isinstance(freq, int | float):
        return 1
    offset = _offset(freq)
    if offset is None:
        return 1
    # Days are a fixed duration (a Tick) in pandas < 3: take them by their code first.
    if isinstance(offset, pd.offsets.Tick) and offset.rule_code != "D":  # hours, minutes, ...
        steps, remainder = divmod(pd.Timedelta(days=1), pd.Timedelta(offset))
        if remainder or steps < 2:
            return 1
        return int(steps)
    code = offset.rule_code.split("-")[0]
    period = _PERIODS.get(code.rstrip("SE") or code, _PERIODS.get(code))
    if period is None or period % offset.n:
        return 1
    return max(1, period // offset.n)


def _offset(freq):
    """``freq`` as a pandas offset (also period aliases such as ``"M"``); None if not one."""
    try:
        with warnings.catch_warnings():  # pandas 2 deprecates "M" and friends for offsets
            warnings.simplefilter("ignore", FutureWarning)
            return to_offset(freq)
    except (ValueError, TypeError):
        pass
    try:
        return pd.Period("2000-01-01", freq=freq).freq
    except (ValueError, TypeError):
        return None
