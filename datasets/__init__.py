"""LSTM Lab data: bundled real series, synthetic generators and the ingestion of uploaded tables.

Imports only numpy, pandas and the standard library, so the command line and notebooks can use it without the app.
"""

from datasets import synthetic
from datasets.bundled import (
    SeriesInfo,
    catalog,
    check_length,
    future_index,
    info,
    load,
    season_length_for,
)
from datasets.errors import DataError, DataWarning
from datasets.ingest import Detected, TableResult, read_table

__all__ = [
    "DataError",
    "DataWarning",
    "Detected",
    "SeriesInfo",
    "TableResult",
    "catalog",
    "check_length",
    "future_index",
    "info",
    "load",
    "read_table",
    "season_length_for",
    "synthetic",
]
