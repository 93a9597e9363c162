"""Long tables (one row per entity per time step) to sequence input."""

import numpy as np
import pandas as pd


def to_sequences(data, *, id=None, time=None, features=None):
    """Turn a long table into one sequence per entity, sorted by time.

    Tabular time-series data often comes as a long table: one row per entity
    (sensor, patient, customer, ...) per time step. ``to_sequences`` groups
    the rows by entity, orders each group by time and returns the sequences
    in the form the estimators read, indexed by entity id so that labels can
    be aligned with ``labels.loc[X.index]``.

    Parameters
    ----------
    data : DataFrame or Series
        The long table. The entity and the time step of a row come from
        columns or from index levels, e.g. an ``(entity, time)`` MultiIndex.
        A Series (with such a MultiIndex) is one feature.

    id : str or None, default=None
        Column or index level that identifies the entity of every row. None
        uses the first level of a MultiIndex; a table without one needs it.

    time : str or None, default=None
        Column or index level to sort the rows of each entity by (time
        stamps, numbers, or anything sortable). None uses the second level
        of a MultiIndex; for a table without one, None keeps the order of
        the rows.

    features : str, list of str or None, default=None
        Columns to use as the features of every time step, in this order.
        None uses every column except ``id`` and ``time``.

    Returns
    -------
    X : Series of DataFrames
        One DataFrame of shape ``(n_timesteps_i, n_features)`` per entity,
        float64, indexed by its time steps in increasing order, with the
        ``features`` as columns. The Series is indexed by the entity ids in
        sorted order (the index is named after ``id``). The estimators read
        it as variable-length sequences and record the column names in
        ``feature_names_in_``; ``transform`` with
        ``set_output(transform="pandas")`` keeps the entity index.

    Raises
    ------
    TypeError
        If ``data`` is not a pandas DataFrame or Series.
    ValueError
        If a named column or level is missing, a feature column is not
        numeric, a feature holds NaN or infinity, an id or time is missing,
        an entity has two rows for one time step, or the table is empty.

    See Also
    --------
    RNNClassifier : Recurrent network classifier for sequences.
    RNNRegressor : Recurrent network regressor for sequences.

    Notes
    -----
    Entities come out in the sorted order of their ids, whatever the order of
    the rows, so two tables with the same entities give sequences in the same
    order. The output is a Series rather than a list so that the ids travel
    with the sequences: through ``train_test_split`` and cross-validation,
    and into the index of ``transform``'s DataFrame output. Its elements are
    DataFrames rather than arrays so that the feature names reach the
    estimator, which then refuses, at predict time, a table whose columns
    came out in another order.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_rnn import RNNClassifier, to_sequences
    >>> readings = pd.DataFrame({
    ...     "sensor_id": ["b", "a", "a", "b", "a"],
    ...     "timestamp": pd.to_datetime(
    ...         ["2024-01-02", "2024-01-02", "2024-01-01", "2024-01-01", "2024-01-03"]),
    ...     "temperature": [20.5, 21.0, 20.0, 19.5, 22.0],
    ...     "humidity": [0.40, 0.35, 0.30, 0.45, 0.50],
    ... })
    >>> X = to_sequences(readings, id="sensor_id", time="timestamp")
    >>> X.index
    Index(['a', 'b'], dtype=..., name='sensor_id')
    >>> X["a"]
                temperature  humidity
    timestamp
    2024-01-01         20.0      0.30
    2024-01-02         21.0      0.35
    2024-01-03         22.0      0.50
    >>> labels = pd.Series({"b": "faulty", "a": "ok"})
    >>> y = labels.loc[X.index]
    >>> clf = RNNClassifier(hidden_size=4, max_iter=3, random_state=0).fit(X, y)
    >>> clf.feature_names_in_
    array(['temperature', 'humidity'], dtype=object)
    """
    frame = _as_frame(data)
    if len(frame) == 0:
        raise ValueError("Found an empty table (0 rows); to_sequences needs at least one row.")
    id_name, ids = _key(frame, id, "id", level=0)
    time_name, times = (
        (None, None) if time is None and not _is_multi(frame) else _key(frame, time, "time", 1)
    )
    if id_name is not None and id_name == time_name:
        raise ValueError(f"id and time must differ; both are {id_name!r}.")
    features = _feature_columns(frame, features, {id_name, time_name})
    values = _feature_values(frame, features)

    id_codes, entities = _codes(ids, "id", id_name)
    if times is None:
        time_codes = np.arange(len(frame))
        times = frame.index
    else:
        time_codes, _ = _codes(times, "time", time_name)
    order = np.lexsort((time_codes, id_codes))
    id_codes, time_codes = id_codes[order], time_codes[order]
    values, times = values[order], times[order]
    _check_unique_steps(id_codes, time_codes, entities, times, id_name, time_name)

    counts = np.bincount(id_codes, minlength=len(entities))
    ends = np.cumsum(counts)
    starts = ends - counts
    columns = pd.Index(features)
    sequences = np.empty(len(entities), dtype=object)
    for position, (start, end) in enumerate(zip(starts, ends, strict=True)):
        # views into one sorted array: no copy per entity
        sequences[position] = pd.DataFrame(
            values[start:end], index=times[start:end], columns=columns, copy=False
        )
    return pd.Series(sequences, index=pd.Index(entities, name=id_name), dtype=object)


def _as_frame(data):
    if isinstance(data, pd.Series):
        return data.to_frame()
    if isinstance(data, pd.DataFrame):
        return data
    raise TypeError(
        f"to_sequences expects a pandas DataFrame or Series, got {type(data).__name__}."
    )


def _is_multi(frame):
    return isinstance(frame.index, pd.MultiIndex)


def _key(frame, name, role, level):
    """(name, values) of the column or index level that holds the ``role`` of every row."""
    if name is None:
        if not _is_multi(frame):
            raise ValueError(
                f"{role} is required: name the column that holds it, or pass a table "
                "indexed by an (entity, time) MultiIndex."
            )
        if frame.index.nlevels != 2:
            raise ValueError(
                f"The table's MultiIndex has {frame.index.nlevels} levels; name the entity "
                "and time levels with id= and time=."
            )
        return frame.index.names[level], frame.index.get_level_values(level)
    if name in frame.columns:
        return name, pd.Index(frame[name])
    if name in frame.index.names:
        return name, frame.index.get_level_values(name)
    raise ValueError(
        f"{role}={name!r} is neither a column nor an index level of the table; its columns "
        f"are {list(frame.columns)} and its index levels {list(frame.index.names)}."
    )


def _feature_columns(frame, features, keys):
    if features is None:
        features = [column for column in frame.columns if column not in keys]
        if not features:
            raise ValueError(
                "The table has no feature columns besides id and time; to_sequences needs "
                "at least one."
            )
        return features
    features = [features] if isinstance(features, str) else list(features)
    if not features:
        raise ValueError("features is empty; name at least one column or pass None.")
    missing = [column for column in features if column not in frame.columns]
    if missing:
        raise ValueError(
            f"features names columns {missing} that are not in the table; its columns are "
            f"{list(frame.columns)}."
        )
    return features


def _feature_values(frame, features):
    """The feature columns as one float64 array, checked for non-numbers and NaN."""
    not_numeric = [
        column
        for column in features
        if not pd.api.types.is_numeric_dtype(frame[column])
        or pd.api.types.is_complex_dtype(frame[column])
    ]
    if not_numeric:
        raise ValueError(
            f"Feature columns {not_numeric} are not numeric; encode them as numbers first "
            "or leave them out with features=."
        )
    values = frame[features].to_numpy(dtype=np.float64, na_value=np.nan)
    for problem, found in (("NaN", np.isnan(values)), ("infinity", np.isinf(values))):
        columns = [features[i] for i in np.flatnonzero(found.any(axis=0))]
        if columns:
            raise ValueError(
                f"Input contains {problem} in feature column(s) {columns}; fill or drop "
                "those rows first."
            )
    return values


def _codes(values, role, name):
    """Integer codes that sort like ``values``, and the sorted unique values."""
    codes, uniques = pd.factorize(values, sort=True)
    if np.any(codes < 0):
        raise ValueError(
            f"The {role} {name!r} has missing values in {np.count_nonzero(codes < 0)} row(s); "
            "every row needs one."
        )
    return codes, uniques


def _check_unique_steps(id_codes, time_codes, entities, times, id_name, time_name):
    """Raise if an entity has two rows for one time step (codes sorted by entity, time)."""
    repeated = (np.diff(id_codes) == 0) & (np.diff(time_codes) == 0)
    if repeated.any():
        first = np.flatnonzero(repeated)[0]
        example = (_plain(entities[id_codes[first]]), _plain(times[first]))
        raise ValueError(
            f"The table has {np.count_nonzero(repeated)} duplicated ({id_name}, {time_name}) "
            f"pair(s), e.g. {example!r}; every entity needs at most one row per time step."
        )


def _plain(value):
    """A numpy scalar as the Python scalar it holds, for readable messages."""
    return value.item() if isinstance(value, np.generic) else value
