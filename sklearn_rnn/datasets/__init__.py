"""Datasets: small public data shipped with the package, and generators of
labelled sequences with a known answer. Nothing is downloaded."""

from ._activity import make_activity
from ._airline import load_airline
from ._reviews import make_reviews

__all__ = ["load_airline", "make_activity", "make_reviews"]
