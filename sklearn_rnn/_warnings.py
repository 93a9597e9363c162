"""Warnings that point at the caller's code, not at a line inside the package."""

import os
import sys
import warnings

import sklearn

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
# scikit-learn's ``_fit_context`` wraps fit methods; its frame is not the caller.
_SKLEARN_BASE = os.path.join(os.path.dirname(os.path.abspath(sklearn.__file__)), "base.py")


def warn(message, category=UserWarning):
    """``warnings.warn`` attributed to the first frame outside sklearn_rnn.

    A fixed ``stacklevel`` is right for one call path only: the same check runs
    under ``fit``, ``predict`` or scikit-learn's fit wrapper at other depths.
    """
    warnings.warn(message, category, stacklevel=_caller_stacklevel())


def _caller_stacklevel():
    frame = sys._getframe(2)  # the caller of warn()
    level = 2
    while frame is not None and _inside(frame.f_code.co_filename):
        frame = frame.f_back
        level += 1
    return level


def _inside(filename):
    filename = os.path.abspath(filename)
    return filename.startswith(_PACKAGE_DIR) or filename == _SKLEARN_BASE
