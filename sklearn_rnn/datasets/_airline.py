"""The airline passengers series (Box & Jenkins series G), shipped as a CSV file."""

from importlib import resources

import pandas as pd


def load_airline():
    """Monthly totals of international airline passengers, 1949-1960.

    The classic series G of Box & Jenkins, *Time Series Analysis: Forecasting
    and Control* (1976): 144 monthly totals in thousands, with a rising trend
    and a yearly season whose amplitude grows with the level.

    Returns
    -------
    passengers : pandas.Series of shape (144,)
        Named ``"passengers"``, indexed by a monthly ``DatetimeIndex``
        (``freq="MS"``, first day of each month) named ``"month"``.

    Examples
    --------
    >>> from sklearn_rnn.datasets import load_airline
    >>> y = load_airline()
    >>> y.index[0].strftime("%Y-%m"), float(y.iloc[0]), len(y)
    ('1949-01', 112.0, 144)
    """
    with resources.files(__package__).joinpath("data", "airline.csv").open() as f:
        frame = pd.read_csv(f, parse_dates=["month"], index_col="month")
    return frame["passengers"].asfreq("MS")
