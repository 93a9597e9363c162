"""scikit-learn's private helpers that this package relies on, in one place.

scikit-learn offers no public API for what these do: parameter constraints
(``Interval``, ``StrOptions``, ``HasMethods``), the fit wrapper that checks
them (``_fit_context``), the ``set_output`` configuration of an estimator
(``_get_output_config``) and sample-weight validation
(``_check_sample_weight``). Every other module imports them from here, so a
scikit-learn release that moves one is fixed in this file; ``pyproject.toml``
bounds the supported range and CI runs the tests at its oldest end.
"""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils._set_output import _get_output_config
from sklearn.utils.validation import _check_sample_weight

__all__ = [
    "HasMethods",
    "Interval",
    "StrOptions",
    "_check_sample_weight",
    "_fit_context",
    "_get_output_config",
    "check_matplotlib_support",
]


def check_matplotlib_support(caller_name):
    """Raise an ``ImportError`` naming ``caller_name`` when matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            f"{caller_name} requires matplotlib. You can install matplotlib with "
            "`pip install matplotlib`"
        ) from exc
