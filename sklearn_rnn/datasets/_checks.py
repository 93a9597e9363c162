"""Checks of the generators' size and rate parameters, with messages that name them."""

from numbers import Integral, Real


def check_count(name, value, *, minimum):
    """Raise a ValueError unless ``value`` is an integer of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}.")


def check_range(low_name, low, high_name, high, *, minimum):
    """Raise a ValueError unless ``minimum <= low <= high`` (both integers)."""
    check_count(low_name, low, minimum=minimum)
    check_count(high_name, high, minimum=minimum)
    if low > high:
        raise ValueError(
            f"{low_name} must not exceed {high_name}; got {low_name}={low}, {high_name}={high}."
        )


def check_fraction(name, value):
    """Raise a ValueError unless ``value`` is a number in [0, 1)."""
    if isinstance(value, bool) or not isinstance(value, Real) or not 0 <= value < 1:
        raise ValueError(f"{name} must be a number in [0, 1); got {value!r}.")


def check_non_negative(name, value):
    """Raise a ValueError unless ``value`` is a number of at least 0."""
    if isinstance(value, bool) or not isinstance(value, Real) or not value >= 0:
        raise ValueError(f"{name} must be a number >= 0; got {value!r}.")
