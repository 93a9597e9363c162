"""scikit-learn compatible recurrent neural network estimators on PyTorch."""

from ._classifier import RNNClassifier
from ._forecaster import RNNForecaster
from ._regressor import RNNRegressor

__version__ = "0.1.0"

__all__ = ["RNNClassifier", "RNNForecaster", "RNNRegressor", "__version__"]
