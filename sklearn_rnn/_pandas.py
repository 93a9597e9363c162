"""Long tables (one row per entity per time step) to sequence input."""

import numpy as np
import pandas as pd

from ._warnings import warn


def to_sequences(
    data,
    *,
    id=None,
    time=None,
    features=None,
    target=None,
    target_per_step=False,
    elapsed=False,
    missing="error",
):
    """Turn a long table into one sequence per entity, sorted by time.

    Tabular time-series data often comes as a long table: one row per entity
    (sensor, patient, customer, ...) per time step. ``to_sequences`` groups
    the rows by entity, orders each group by time and returns the sequences
    in the form the estimators read, indexed by entity id so that labels can
    be aligned with ``labels.loc[X.index]``, or taken from a column of the
    same table with ``target=``.

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
        None uses every column except ``id``, ``time`` and ``target``, and
        warns when one of them is named like a label (``label``, ``target``,
        ``y``, ``class``, in any case): pass ``target=`` or ``features=``.

    target : str or None, default=None
        Column holding the labels. It never becomes a feature, and
        ``to_sequences`` returns ``(X, y)``: by default one label per entity,
        which must be the same on all of the entity's rows; with
        ``target_per_step=True`` one label per time step.

    target_per_step : bool, default=False
        With ``target``: return the labels of every time step (for
        ``output="sequence"``) instead of one per entity. Labels that vary
        within an entity are an error unless this is True, so that a
        per-step target is never mistaken for a per-sequence one.

    elapsed : bool, default=False
        Add a last feature ``"elapsed"``: the time since the entity's previous
        reading, 0 at its first one, so that the network sees irregular
        sampling. In seconds for datetime (and timedelta) time stamps, else in
        the units of the numeric time column. Needs ``time`` (or a MultiIndex).

    missing : {"error", "keep"}, default="error"
        What a missing feature value (NaN, None, ``pd.NA``) does: "error"
        raises, naming the columns; "keep" passes it through as NaN, for an
        estimator with ``missing="mask"`` or an imputer in a pipeline
        (``StepwiseTransformer(SimpleImputer())``). Infinity is always an error.

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

    y : Series
        Only with ``target``: indexed like ``X`` and named after ``target``;
        one label per entity, or with ``target_per_step=True`` one array of
        labels per entity, in the time order of its rows.

    Raises
    ------
    TypeError
        If ``data`` is not a pandas DataFrame or Series.
    ValueError
        If a named column or level is missing, a feature column is not
        numeric, a feature holds infinity (or NaN with ``missing="error"``),
        an id, time or target is missing, an entity has two rows for one time
        step, a per-entity target varies within an entity, the target is also
        a feature, or the table is empty.

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

    Labels from a column of the table, time between readings as a feature,
    and missing readings kept:

    >>> readings["state"] = readings["sensor_id"].map({"a": "ok", "b": "faulty"})
    >>> readings.loc[0, "humidity"] = None
    >>> X, y = to_sequences(readings, id="sensor_id", time="timestamp",
    ...                     target="state", elapsed=True, missing="keep")
    >>> y.tolist()
    ['ok', 'faulty']
    >>> X["b"]
                temperature  humidity  elapsed
    timestamp
    2024-01-01         19.5      0.45      0.0
    2024-01-02         20.5       NaN  86400.0
    """
    _check_options(missing, target_per_step, elapsed)
    frame = _as_frame(data)
    if len(frame) == 0:
        raise ValueError("Found an empty table (0 rows); to_sequences needs at least one row.")
    id_name, ids = _key(frame, id, "id", level=0)
    time_name, times = (
        (None, None) if time is None and not _is_multi(frame) else _key(frame, time, "time", 1)
    )
    if id_name is not None and id_name == time_name:
        raise ValueError(f"id and time must differ; both are {id_name!r}.")
    _check_target(frame, target, features, {id_name, time_name})
    features = _feature_columns(frame, features, {id_name, time_name, target})
    values = _feature_values(frame, features, missing)

    id_codes, entities = _codes(ids, "id", id_name)
    if times is None:
        if elapsed:
            raise ValueError(
                "elapsed=True measures the time between readings, so it needs time=: name "
                "the column or index level of the time stamps (or pass a table indexed by "
                "an (entity, time) MultiIndex)."
            )
        time_codes = np.arange(len(frame))
        times = frame.index
    else:
        time_codes, _ = _codes(times, "time", time_name)
    order = np.lexsort((time_codes, id_codes))
    id_codes, time_codes = id_codes[order], time_codes[order]
    values, times = values[order], times[order]
    _check_unique_steps(id_codes, time_codes, entities, times, id_name, time_name)
    if elapsed:
        if ELAPSED in features:
            raise ValueError(
                f"elapsed=True adds a feature named {ELAPSED!r}, but the table already has a "
                f"feature column {ELAPSED!r}; rename it or leave it out with features=."
            )
        values = np.column_stack([values, _elapsed(times, id_codes, time_name)])
        features = [*features, ELAPSED]

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
    index = pd.Index(entities, name=id_name)
    X = pd.Series(sequences, index=index, dtype=object)
    if target is None:
        return X
    labels = _labels(frame[target].to_numpy()[order], target, id_codes, entities, id_name)
    if target_per_step:
        y = np.empty(len(entities), dtype=object)
        for position, (start, end) in enumerate(zip(starts, ends, strict=True)):
            y[position] = labels[start:end]
        return X, pd.Series(y, index=index, name=target, dtype=object)
    _check_constant_per_entity(labels, id_codes, entities, target, id_name)
    return X, pd.Series(labels[starts], index=index, name=target)


# Name of the feature that elapsed=True adds.
ELAPSED = "elapsed"

# Column names that say "this is the label", compared in lower case.
LABEL_LIKE_NAMES = frozenset({"label", "labels", "target", "targets", "y", "class"})


def _check_options(missing, target_per_step, elapsed):
    if missing not in ("error", "keep"):
        raise ValueError(f"missing must be 'error' or 'keep'; got {missing!r}.")
    for name, value in (("target_per_step", target_per_step), ("elapsed", elapsed)):
        if not isinstance(value, (bool, np.bool_)):
            raise ValueError(f"{name} must be True or False; got {value!r}.")


def _check_target(frame, target, features, keys):
    """Raise unless ``target`` is None or a column that is neither a key nor a feature."""
    if target is None:
        return
    if target not in frame.columns:
        raise ValueError(
            f"target={target!r} is not a column of the table; its columns are "
            f"{list(frame.columns)}."
        )
    if target in keys:
        raise ValueError(f"target={target!r} is also the id or time column; name another one.")
    named = [features] if isinstance(features, str) else features
    if named is not None and target in list(named):
        raise ValueError(
            f"target={target!r} is also in features: the label would be an input of the "
            f"model. Remove {target!r} from features."
        )


def _warn_label_like(features):
    """Warn when a feature chosen by default is named like a label."""
    suspects = [
        column
        for column in features
        if isinstance(column, str) and column.strip().lower() in LABEL_LIKE_NAMES
    ]
    if suspects:
        warn(
            f"to_sequences uses the column(s) {suspects} as feature(s), but they are named "
            f"like labels. Pass target={suspects[0]!r} to get (X, y) with the labels kept "
            "out of the features, or choose the features with features=[...]."
        )


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
                "The table has no feature columns besides id, time and target; to_sequences "
                "needs at least one."
            )
        _warn_label_like(features)
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


def _feature_values(frame, features, missing):
    """The feature columns as one float64 array, checked for non-numbers, infinity and NaN."""
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
    infinite = _columns_where(np.isinf(values), features)
    if infinite:
        raise ValueError(
            f"Input contains infinity in feature column(s) {infinite}; replace it by NaN "
            "(with missing='keep') or drop those rows first."
        )
    absent = _columns_where(np.isnan(values), features)
    if absent and missing == "error":
        raise ValueError(
            f"Input contains NaN in feature column(s) {absent}; pass missing='keep' to keep "
            "them as missing readings (for an estimator with missing='mask', or an imputer "
            "such as StepwiseTransformer(SimpleImputer())), or fill or drop those rows first."
        )
    return values


def _columns_where(found, features):
    return [features[i] for i in np.flatnonzero(found.any(axis=0))]


def _elapsed(times, id_codes, time_name):
    """Time since the entity's previous row (rows sorted by entity and time), 0 at its first.

    Seconds for datetimes and timedeltas, else the units of a numeric time.
    """
    times = pd.Index(times)
    if pd.api.types.is_datetime64_any_dtype(times):
        clock = (times - times.min()) / pd.Timedelta(seconds=1)
    elif pd.api.types.is_timedelta64_dtype(times):
        clock = times / pd.Timedelta(seconds=1)
    elif pd.api.types.is_numeric_dtype(times) and not pd.api.types.is_bool_dtype(times):
        clock = times.to_numpy(dtype=np.float64)
    else:
        raise ValueError(
            f"elapsed=True needs a numeric or datetime time; time {time_name!r} holds "
            f"{times.dtype} values. Convert it, e.g. with pd.to_datetime, or leave elapsed "
            "False."
        )
    clock = np.asarray(clock, dtype=np.float64)
    elapsed = np.zeros(len(clock))
    same_entity = np.diff(id_codes) == 0
    elapsed[1:] = np.where(same_entity, np.diff(clock), 0.0)
    return elapsed


def _labels(labels, target, id_codes, entities, id_name):
    """The target column (rows sorted by entity and time); raise for a missing label."""
    absent = pd.isna(labels)
    if absent.any():
        first = _plain(entities[id_codes[np.flatnonzero(absent)[0]]])
        raise ValueError(
            f"The target {target!r} is missing in {np.count_nonzero(absent)} row(s), e.g. "
            f"for {id_name} {first!r}; every row needs a label. Drop those rows or fill them."
        )
    return labels


def _check_constant_per_entity(labels, id_codes, entities, target, id_name):
    """Raise if a per-entity label differs between the rows of one entity."""
    varies = (np.diff(id_codes) == 0) & (labels[1:] != labels[:-1])
    if varies.any():
        row = np.flatnonzero(varies)[0]
        entity = _plain(entities[id_codes[row]])
        raise ValueError(
            f"The target {target!r} varies within {id_name} {entity!r} (e.g. "
            f"{_plain(labels[row])!r} then {_plain(labels[row + 1])!r}), so it is not one "
            "label per sequence. Pass target_per_step=True for one label per time step "
            "(for output='sequence'), or give every entity one label."
        )


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
