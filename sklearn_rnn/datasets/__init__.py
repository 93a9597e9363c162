"""Datasets: small public data shipped with the package, and generators of
labelled sequences and of realistic tables with a known answer. Nothing is
downloaded."""

from ._activity import make_activity
from ._airline import load_airline
from ._reviews import make_reviews
from ._sensor_panel import make_sensor_panel
from ._store_sales import make_store_sales

__all__ = [
    "load_airline",
    "make_activity",
    "make_reviews",
    "make_sensor_panel",
    "make_store_sales",
]
