"""A generator of daily sales of several stores, with their static attributes."""

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

from ._checks import check_count

REGIONS = ["north", "south", "east", "west"]
# How the region shifts the level of sales.
REGION_FACTORS = {"north": 0.9, "south": 1.15, "east": 1.0, "west": 0.8}
# Sales per square metre per day at the start, before the other factors.
SALES_PER_M2 = 0.06
STORE_SIZES_M2 = (400, 2500)
# Yearly growth of every store, drawn in this range.
GROWTH = (-0.10, 0.30)
# Monday .. Sunday, scaled per store by an amplitude in WEEKLY_AMPLITUDES.
WEEKLY = np.array([0.90, 0.85, 0.90, 1.00, 1.20, 1.45, 0.70])
WEEKLY_AMPLITUDES = (0.7, 1.3)
YEARLY_AMPLITUDE = 0.08
# Promotions: runs of 3 to 7 days, starting on about 3 % of days, lifting
# sales by a store's own factor.
PROMO_START_PROBABILITY = 0.03
PROMO_DAYS = (3, 7)
PROMO_LIFTS = (1.3, 1.6)
# Public holidays (month, day), the same every year and for every store,
# on which sales fall to HOLIDAY_FACTOR.
HOLIDAYS = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
HOLIDAY_FACTOR = 0.35
# Gamma-Poisson counts: a Poisson draw around the mean times a gamma factor of
# mean 1 and shape DISPERSION (more noise than Poisson alone).
DISPERSION = 20.0


def make_store_sales(
    n_stores=8,
    *,
    n_days=730,
    late_store_days=120,
    n_missing_days=6,
    start="2023-01-01",
    random_state=None,
):
    """Daily sales of several stores, in a long table, and the stores' attributes.

    Every store sells counts of items every day. The mean of a day is the
    product of:

    * the store's level: its size (400 to 2500 m², 0.06 items per m²)
      times its region's factor (north 0.9, south 1.15, east 1.0, west 0.8);
    * its trend: a yearly growth between -10 % and +30 %;
    * a weekly season (Saturday highest, Sunday lowest), deeper in some
      stores than in others, and a mild yearly one (8 %);
    * promotions: runs of 3 to 7 days, planned per store, lifting sales by
      30 to 60 % (the store's own lift);
    * public holidays (the same dates every year, e.g. 1 January and 25
      December, known in advance): sales fall to 35 %.

    Sales are gamma-Poisson counts around that mean. The last store opens
    late: its history is the last ``late_store_days`` days only. A few
    ``(store, date)`` rows are missing (a closed till, a lost file): the
    table has gaps on the daily grid.

    Parameters
    ----------
    n_stores : int, default=8
        Number of stores.

    n_days : int, default=730
        Number of days from ``start`` on (2 or more).

    late_store_days : int or None, default=120
        Days of history of the last store, which opens late (1 to
        ``n_days``); None: every store sells from ``start`` on. Needs 2
        stores or more.

    n_missing_days : int, default=6
        Number of ``(store, date)`` rows left out, drawn among the rows that
        are neither the first nor the last of their store.

    start : str or Timestamp, default="2023-01-01"
        The first day.

    random_state : int, RandomState instance or None, default=None
        Seeds the generator: the same integer gives the same tables.

    Returns
    -------
    sales : DataFrame
        One row per store and day sold, sorted by store and date, with the
        columns ``store`` (str, e.g. ``"S01"``), ``date`` (datetime64, daily),
        ``sales`` (int64, 0 or more), ``promo`` and ``holiday`` (int64, 1 on
        promotion days and public holidays, else 0).

    stores : DataFrame
        One row per store, indexed by the store ids (index named
        ``"store"``), with the columns ``size`` (float64, m²) and ``region``
        (categorical: north, south, east, west): the static covariates of
        ``RNNForecaster.fit(..., static=stores)``.

    See Also
    --------
    sklearn_rnn.RNNForecaster : Its ``series_id``, ``time`` and ``gaps`` read this table.
    make_sensor_panel : Irregular sensor readings with a label per entity.

    Examples
    --------
    >>> from sklearn_rnn.datasets import make_store_sales
    >>> sales, stores = make_store_sales(3, n_days=60, late_store_days=20, random_state=0)
    >>> sales.columns.tolist()
    ['store', 'date', 'sales', 'promo', 'holiday']
    >>> sales.groupby("store")["date"].min().dt.strftime("%Y-%m-%d").tolist()
    ['2023-01-01', '2023-01-01', '2023-02-10']
    >>> len(sales)
    134
    >>> stores.index.tolist(), stores.columns.tolist()
    (['S01', 'S02', 'S03'], ['size', 'region'])
    """
    check_count("n_stores", n_stores, minimum=1)
    check_count("n_days", n_days, minimum=2)
    check_count("n_missing_days", n_missing_days, minimum=0)
    if late_store_days is not None:
        _check_late_store(late_store_days, n_days, n_stores)
    rng = check_random_state(random_state)
    dates = pd.date_range(start, periods=n_days, freq="D")
    stores = _stores(rng, n_stores)
    holiday = _holidays(dates)
    sales = pd.concat(
        [_store(rng, store, attributes, dates, holiday) for store, attributes in stores.iterrows()],
        ignore_index=True,
    )
    if late_store_days is not None:
        late = (sales["store"] == stores.index[-1]) & (sales["date"] < dates[-late_store_days])
        sales = sales[~late]
    return _without_some_days(rng, sales, n_missing_days), stores


def _check_late_store(late_store_days, n_days, n_stores):
    check_count("late_store_days", late_store_days, minimum=1)
    if late_store_days > n_days:
        raise ValueError(
            f"late_store_days must not exceed n_days; got late_store_days={late_store_days}, "
            f"n_days={n_days}. Pass None for no late store."
        )
    if n_stores < 2:
        raise ValueError(
            "late_store_days makes the last store open late, which needs n_stores >= 2; "
            f"got n_stores={n_stores}. Pass late_store_days=None for one store."
        )


def _stores(rng, n_stores):
    """The static attributes: size (m²) and region, indexed by store id."""
    width = max(2, len(str(n_stores)))
    index = pd.Index([f"S{number:0{width}d}" for number in range(1, n_stores + 1)], name="store")
    size = np.round(rng.uniform(*STORE_SIZES_M2, size=n_stores), -1)
    region = pd.Categorical(
        np.array(REGIONS)[rng.randint(len(REGIONS), size=n_stores)], categories=REGIONS
    )
    return pd.DataFrame({"size": size, "region": region}, index=index)


def _holidays(dates):
    """1 on the public holidays among ``dates``, else 0."""
    month_day = list(zip(dates.month, dates.day, strict=True))
    return np.array([day in HOLIDAYS for day in month_day], dtype=np.int64)


def _store(rng, store, attributes, dates, holiday):
    """Every day's row of one store from the first date on."""
    years = np.arange(len(dates)) / 365.25
    level = SALES_PER_M2 * attributes["size"] * REGION_FACTORS[attributes["region"]]
    trend = (1 + rng.uniform(*GROWTH)) ** years
    weekly = 1 + rng.uniform(*WEEKLY_AMPLITUDES) * (WEEKLY[dates.day_of_week] - 1)
    yearly = 1 + YEARLY_AMPLITUDE * np.sin(2 * np.pi * (dates.day_of_year / 365.25))
    promo = _promotions(rng, len(dates))
    lift = np.where(promo == 1, rng.uniform(*PROMO_LIFTS), 1.0)
    mean = level * trend * weekly * yearly * lift * np.where(holiday == 1, HOLIDAY_FACTOR, 1.0)
    sales = rng.poisson(mean * rng.gamma(DISPERSION, 1 / DISPERSION, size=len(dates)))
    return pd.DataFrame(
        {
            "store": store,
            "date": dates,
            "sales": sales.astype(np.int64),
            "promo": promo,
            "holiday": holiday,
        }
    )


def _promotions(rng, n_days):
    """1 on the days of promotion runs, else 0."""
    promo = np.zeros(n_days, dtype=np.int64)
    shortest, longest = PROMO_DAYS
    for begin in np.flatnonzero(rng.rand(n_days) < PROMO_START_PROBABILITY):
        promo[begin : begin + rng.randint(shortest, longest + 1)] = 1
    return promo


def _without_some_days(rng, sales, n_missing_days):
    """``sales`` without ``n_missing_days`` rows drawn among the inner rows of every store."""
    store = sales["store"].to_numpy()
    same_as_previous = np.concatenate([[False], store[1:] == store[:-1]])
    same_as_next = np.concatenate([store[:-1] == store[1:], [False]])
    inner = np.flatnonzero(same_as_previous & same_as_next)
    if n_missing_days > len(inner):
        raise ValueError(
            f"n_missing_days={n_missing_days} exceeds the {len(inner)} rows that can be left "
            "out (neither the first nor the last of a store); lower it or raise n_days."
        )
    dropped = rng.choice(inner, size=n_missing_days, replace=False)
    return sales.drop(index=sales.index[dropped]).reset_index(drop=True)
