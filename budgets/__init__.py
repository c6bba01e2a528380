"""The budgets: how much data and work one person's input may ask of the server, in one table.

Every limit a user can meet is here, and the code that does the work reads it from here: ingestion
(``datasets.ingest``), ``ForecastConfig.validate``, model loading (``lstm_core.io``), the command line, and the
pages with their shareable links. Each refusal is a translated message that names the limit it hit.

This package imports only the standard library, so every layer may import it (the NumPy core included).
The values are chosen so that nothing the app offers is refused: each comment says what it bounds and why.
"""

from __future__ import annotations

from typing import Final

# --- a table the user uploads or names (datasets.ingest) ---------------------------------------------------
UPLOAD_BYTES: Final = 10 * 2**20  # a CSV (= .streamlit/config.toml server.maxUploadSize, in MB); at most this
# many bytes plus one are ever read from a path
LINE_CHARS: Final = 100_000  # characters in one line of a table (a row of 256 long cells is ~25,000)
COLUMNS: Final = 256  # columns of a table: every column of the first rows is inspected to find dates and values
ROWS: Final = 1_000_000  # data lines of a table (benchmarks/ingest.py reads 1,000,000 rows in about 2 s)
CELLS: Final = 10_000_000  # rows × columns of a table
FIRST_YEAR: Final = 1678  # dates must lie in FIRST_YEAR..LAST_YEAR: the span of pandas' nanosecond timestamps,
LAST_YEAR: Final = 2261  # so every supported pandas reads the same calendar and a forecast can run past the end

# --- a saved model file (lstm_core.io), checked before anything is decompressed or built ------------------
MODEL_FILE_BYTES: Final = 256 * 2**20  # uncompressed bytes of all its arrays (the app's largest model ~15 MB)
MODEL_FILE_ARRAYS: Final = 4096  # arrays in one file

# --- one forecaster (ForecastConfig.validate: the pages, links, model files and the command line) ----------
HIDDEN: Final = 1024  # units per layer
LAYERS: Final = 8  # stacked layers
ENSEMBLE: Final = 16  # networks averaged (and networks of the held-out run, ``calibration_members``)
NETWORK_UNITS: Final = 256 * 4 * 2 * 8  # hidden × layers × directions × ensemble: the Forecast page's largest
WINDOW: Final = 30_000  # input steps per window (ForecastConfig.auto takes up to 3 horizons without a season)
HORIZON: Final = 10_000  # steps forecast
EPOCHS: Final = 1_000  # epochs per network (the Train and Forecast pages' largest)
SEED: Final = 2**32 - 1  # largest seed (NumPy's seed range)

# --- one run in a training worker (ui.workers) -------------------------------------------------------------
RUN_SECONDS: Final = 15 * 60  # wall-clock time one run may take before its worker is ended
RUN_MEMORY_BYTES: Final = 2 * 2**30  # memory one worker may hold for a run

TABLE: Final[dict[str, int]] = {
    name: value for name, value in dict(globals()).items() if name.isupper() and isinstance(value, int)
}  # every budget by name, for documentation and tests
