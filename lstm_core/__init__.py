"""LSTM Lab's NumPy core: recurrent layers with hand-written backpropagation, a dense head, losses, save/load.

Imports only NumPy and the standard library, so it works from a notebook or the command line.
"""

from .errors import CoreError
from .io import load, load_arrays, save, save_arrays
from .linear import Linear
from .losses import huber, mae, mse
from .recurrent import GRU, LSTM, RNN, Clamp, Trace

__all__ = ["CoreError", "Linear", "LSTM", "GRU", "RNN", "Clamp", "Trace", "mse", "mae", "huber",
           "save", "load", "save_arrays", "load_arrays"]

# Learning and forecasting engine (optim, train, windows, scaling, forecast, baselines, metrics, backtest).
from . import metrics  # noqa: E402
from .baselines import Forecast  # noqa: E402
from .forecast import ForecastConfig, Forecaster  # noqa: E402
from .train import StopTraining, TrainConfig, fit_model  # noqa: E402

__all__ += ["metrics", "Forecast", "ForecastConfig", "Forecaster", "StopTraining", "TrainConfig", "fit_model"]
