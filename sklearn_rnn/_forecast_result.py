"""The forecast that follows the history of every series, as arrays, and its user-facing form.

``RNNForecaster.forecast`` formats a :class:`ForecastResult` last (a pandas
Series or DataFrame with the continued time index, or an ndarray);
``ForecastDisplay`` reads the arrays directly.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._statistics import point_quantile


@dataclass
class ForecastResult:
    """The forecast of the ``horizon`` steps after the history of every series.

    Attributes
    ----------
    values : ndarray of shape (n_series, horizon, n_targets, n_levels)
        Every quantile level (increasing) of a forecaster fitted with
        quantiles; the point forecast alone (``n_levels=1``) otherwise.
    levels : ndarray of shape (n_levels,) or None
        The quantile levels; None for a point forecaster.
    target_names : list
        Labels of the forecast columns.
    series_ids : list
        The id of every series; ``[None]`` for a table of one series.
    indexes : list of pandas.Index or None
        The time index of every series' forecast steps (continuing its
        history's); None for a forecaster fitted on arrays.
    """

    values: np.ndarray
    levels: np.ndarray | None
    target_names: list
    series_ids: list
    indexes: list | None

    @property
    def point(self):
        """The point forecast, of shape (n_series, horizon, n_targets): the level nearest 0.5."""
        return self.values[..., point_quantile(self.levels)]

    def format(self, *, quantiles, series_column, name):
        """What ``forecast`` returns.

        Fitted on pandas (``indexes`` set): indexed by the continued time index
        (a Series named ``name``, when not None, for one target; a DataFrame
        otherwise, quantiles as columns ``"<target>_q<level>"``); many series
        make one long DataFrame with the ``series_column``, time and forecast
        columns. Fitted on arrays: an ndarray of shape
        ([n_series,] horizon[, n_targets][, n_levels]).
        """
        forecasts = self.values if quantiles else self.point
        if self.indexes is None:
            if forecasts.shape[2] == 1:
                forecasts = forecasts[:, :, 0]
            return forecasts[0] if len(forecasts) == 1 else forecasts
        columns = self._columns(quantiles)
        frames = [
            pd.DataFrame(values.reshape(len(index), -1), columns=columns, index=index)
            for values, index in zip(forecasts, self.indexes, strict=True)
        ]
        if self.series_ids[0] is not None:
            long = [
                _long(frame, sid, series_column)
                for frame, sid in zip(frames, self.series_ids, strict=True)
            ]
            return pd.concat(long, ignore_index=True)
        frame = frames[0]
        if frame.shape[1] == 1 and not quantiles:
            return frame.iloc[:, 0].rename(name if name is not None else frame.columns[0])
        return frame

    def _columns(self, quantiles):
        if not quantiles:
            return list(self.target_names)
        return [f"{name}_q{level:g}" for name in self.target_names for level in self.levels]


def _long(frame, sid, series_column):
    """One series' forecast as rows of the long format: series id, time, forecasts."""
    frame = frame.rename_axis(frame.index.name or "time").reset_index()
    frame.insert(0, series_column, sid)
    return frame
