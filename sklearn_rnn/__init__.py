"""scikit-learn compatible recurrent neural network estimators on PyTorch."""

from ._classifier import RNNClassifier
from ._display import ForecastDisplay, TrainingHistoryDisplay
from ._forecaster import RNNForecaster
from ._pandas import to_sequences
from ._regressor import RNNRegressor

__version__ = "0.1.0"

__all__ = [
    "ForecastDisplay",
    "RNNClassifier",
    "RNNForecaster",
    "RNNRegressor",
    "TrainingHistoryDisplay",
    "__version__",
    "to_sequences",
]
