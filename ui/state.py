"""Every ``st.session_state`` key in one place, with typed accessors and initial values.

Pages never spell a session key as a string literal: they use the constants and helpers here. Each browser
session has its own ``st.session_state``, so nothing here is shared between users.

Widget values are lost when a page that does not draw the widget runs (Streamlit cleans them up on a page
switch), so what must survive navigation lives in the plain keys below (the loaded series, the model, ...) and
pages derive their widgets' defaults from them.

Organised by page: add a page's keys under its own heading, with a one-line comment each.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
import streamlit as st

import datasets
from datasets import synthetic
from lstm_core.forecast import FitHistory, ForecastConfig, Forecaster
from ui import i18n, teaching

# --- app shell (app.py) -----------------------------------------------------------------------------
LANG = i18n.SESSION_KEY  # "pt-BR" | "en" (owned by ui.i18n, which reads it)
CLASSROOM = "classroom"  # bool: larger type, advanced controls hidden
PAGES = "nav.pages"  # tuple of app.NavItem registered this run (Home lists them as links)
STATUS_SLOT = "nav.status_slot"  # [sidebar container, drawn?] of this run: widgets.draw_status fills it once

# --- data (views/data.py) and every page that reads the series --------------------------------------
SERIES = "data.series"  # LoadedSeries: the series every page works on
DATA_SOURCE = "data.source"  # widget: "bundled" | "synthetic" | "upload"
DATA_BUNDLED = "data.bundled_id"  # widget: id of the chosen bundled series
DATA_SYNTH = "data.synth_name"  # widget: name of the chosen synthetic generator
DATA_SYNTH_SEED = "data.synth_seed"  # int: seed of the synthetic generator ("new seed" draws another)
DATA_UPLOAD = "data.upload"  # widget: st.file_uploader
DATA_UPLOAD_BYTES = "data.upload_bytes"  # (file name, bytes) of the last upload, so overrides can re-read it
DATA_UPLOAD_ERROR = "data.upload_error"  # the DataError of the last failed read, shown until the next success
DATA_UPLOAD_SIG = "data.upload_sig"  # (file id, options) of the last read attempt, so a rerun does not re-read


def synth_param_key(generator: str, param: str) -> str:
    """Widget key of one synthetic-generator parameter slider."""
    return f"data.synth.{generator}.{param}"


def read_opt_key(option: str) -> str:
    """Widget key of one ``read_table`` override on the Data page (``"delimiter"``, ``"decimal"``, ...)."""
    return f"data.opt.{option}"


# --- glossary (views/glossary.py) ------------------------------------------------------------------
GLOSSARY_QUERY = "glossary.query"  # widget: the search box
GLOSSARY_LINKED = "glossary.linked"  # the ?term= a link opened the page with (applied once per link)

# --- inside the cell (views/cell.py) -----------------------------------------------------------------
CELL_KIND = "cell.kind"  # widget: "LSTM" | "GRU", which cell to draw
CELL_LAYER = "cell.layer"  # widget: layer shown (multi-layer models, advanced)
CELL_DIRECTION = "cell.direction"  # widget: "forward" | "backward" (bidirectional models, advanced)
CELL_END = "cell.window_end"  # widget: index just after the window's last point (trained model, advanced)
CELL_UNIT = "cell.unit"  # widget: the unit whose numbers are drawn
CELL_STEP = "cell.step"  # widget + buttons: the time step shown (buttons move it, the slider shows it)

# --- gate clamping (views/clamp.py) -----------------------------------------------------------------
CLAMP_KIND = "clamp.kind"  # widget: "LSTM" | "GRU"
CLAMP_GATE = "clamp.gate"  # widget: gate to force
CLAMP_VALUE = "clamp.value"  # widget: value the gate is forced to
CLAMP_ALL_UNITS = "clamp.all_units"  # widget: force every unit (classroom mode always does)
CLAMP_UNITS = "clamp.units"  # widget: the units to force when not all
CLAMP_STEPS = "clamp.steps"  # widget: (first, last) step of the window to force, inclusive
CLAMP_VIEW_UNIT = "clamp.view_unit"  # widget: unit whose curves are overlaid

# --- compare (views/compare.py) ---------------------------------------------------------------------
COMPARE_RESULTS = "compare.results"  # ui.comparison.CompareResults: the last comparison (runs, baselines, data)
COMPARE_EPOCHS = "compare.epochs"  # widget: epoch budget shared by every model (advanced)
COMPARE_HIDDEN = "compare.hidden"  # widget: units per layer shared by every model (advanced)
COMPARE_SEED = "compare.seed"  # widget: first seed (advanced)
COMPARE_SEEDS = "compare.n_seeds"  # widget: seeds per model, for mean ± spread (advanced)
COMPARE_VIEW = "compare.gate_view"  # widget: "memory" (forget vs update gates) | "hidden"


def compare_model_key(model: str) -> str:
    """Widget key of the on/off toggle of one compared model (``lstm``, ``gru``, ``bilstm``, ``rnn``)."""
    return f"compare.use.{model}"


# --- forecast (views/forecast.py) -------------------------------------------------------------------
FORECAST_RUN = "forecast.run"  # ui.forecasting.ForecastRun: the fitted or uploaded forecaster and its backtest
FORECAST_HORIZON = "forecast.horizon"  # widget: steps to forecast
FORECAST_ORIGINS = "forecast.origins"  # widget: rolling-origin backtest origins (advanced)
FORECAST_UPLOAD = "forecast.upload"  # widget: st.file_uploader of a saved model (.npz)
FORECAST_UPLOAD_SIG = "forecast.upload_sig"  # ui.forecast_upload.Received: the last model upload (handled once)
FORECAST_LINKED = "forecast.linked"  # the shareable-link query params already applied (applied once per link)
FORECAST_SETTINGS_FOR = "forecast.settings_for"  # (data key, horizon) the settings widgets were filled for
FORECAST_AUTORUN = "forecast.autorun"  # bool: a shared link asked for a run on this page load
FORECAST_DROP = "forecast.drop"  # widget: st.file_uploader of a table (or a model) at the top of the page
FORECAST_DROP_SIG = "forecast.drop_sig"  # ui.forecast_upload.Received: the last file dropped there (handled once)
FORECAST_CSV_FORMAT = "forecast.csv_format"  # widget: "machine" | "locale", the forecast CSV's format
FORECAST_LEAVE_SERIES = "forecast.leave_series"  # widget: bool, save the model file without its series


def forecast_setting_key(field: str) -> str:
    """Widget key of one model setting in the Forecast page's expander (a ``ForecastConfig`` field name)."""
    return f"forecast.cfg.{field}"


# --- trained model (views/train.py writes it, Gates/Forecast/... read it) ----------------------------
MODEL = "model.trained"  # TrainedModel | None

# --- train (views/train.py; the Gates page's one-click training uses the same job) ----------------------
TRAIN_JOB = "train.job"  # ui.trainer.TrainingJob | None: the running or last finished training run
TRAIN_COLLECTED = "train.collected"  # id of the last finished job whose model the session took (taken once)
TRAIN_RUNS = "train.runs"  # int: training runs started in this session (tests check views never retrain)
TRAIN_SETTINGS = "train.settings"  # dict: the Train page's chosen settings (widgets are re-seeded from it)
TRAIN_SETTINGS_FOR = "train.settings_for"  # LoadedSeries.key the settings' defaults were derived from


def train_widget_key(name: str) -> str:
    """Widget key of one Train-page control (``"cell"``, ``"hidden_size"``, ...)."""
    return f"train.w.{name}"


# --- training replay (written while training by ui.trainer; read by the Training-replay page) ---------
# REPLAY holds a ReplayBuffer (below): what the gates of the network being trained did on ONE fixed probe
# window (the last training window of the series: positions [probe_start, probe_end)), recorded every
# ``stride`` epochs during the run. At most REPLAY_MAX snapshots: when the buffer would overflow, every
# second snapshot is dropped and the stride doubles, so the snapshots stay evenly spread from epoch 1 on.
# ``snapshots[k].gates[(layer, direction, name)]`` is a (T, H) float32 array, T = probe_end - probe_start,
# H = hidden_size, for every layer 0..num_layers-1, direction "forward" (and "backward" if bidirectional)
# and every gate/state name of the cell (LSTM: input, forget, candidate, output, cell, hidden; GRU: reset,
# update, candidate, hidden; RNN: hidden) -- the same values ``trace.gate(name, layer, direction)[0]`` gives.
REPLAY = "replay.buffer"  # ReplayBuffer | None: gate snapshots of the last training run
REPLAY_MAX = 40  # snapshots kept at most


@dataclass
class ReplaySnapshot:
    """The gates on the probe window after one epoch: ``gates[(layer, direction, name)]`` is (T, H) float32."""

    epoch: int  # 1-based epoch just finished
    train_loss: float
    val_loss: float | None
    gates: dict  # {(layer: int, direction: str, name: str): np.ndarray (T, H) float32}


@dataclass
class ReplayBuffer:
    """Snapshots of one training run on a fixed probe window (see the comment above REPLAY)."""

    run_id: str  # the TrainingJob's id
    data_key: str  # LoadedSeries.key of the series trained on
    cell: str  # "lstm" | "gru" | "rnn"
    num_layers: int
    directions: tuple  # ("forward",) or ("forward", "backward")
    hidden_size: int
    gate_names: tuple  # names present in every snapshot, in display order
    probe_start: int  # first series position of the probe window
    probe_end: int  # one past its last position
    probe_values: Any  # (T,) float64: the raw series values the network read
    probe_index: Any  # (T,) the series index (dates or steps) of those values
    stride: int = 1  # epochs between two snapshots now
    snapshots: list = field(default_factory=list)  # list[ReplaySnapshot], in epoch order, len <= REPLAY_MAX


def get_replay(allow_stale: bool = False) -> ReplayBuffer | None:
    """The replay buffer of the last run, or None (also when it was recorded on other data, unless allowed)."""
    buf = st.session_state.get(REPLAY)
    if buf is None or (not allow_stale and buf.data_key != get_series().key):
        return None
    return buf


# --- vanishing gradients (views/vanishing.py) -------------------------------------------------------
VANISH_TASK = "vanishing.task"  # widget: memory task name
VANISH_LAG = "vanishing.lag"  # widget: lag whose gradients are shown (also trained with the sweep)
VANISH_HIDDEN = "vanishing.hidden"  # widget (advanced): hidden units of all three networks
VANISH_EPOCHS = "vanishing.epochs"  # widget (advanced): epochs
VANISH_LR = "vanishing.lr"  # widget (advanced): learning rate
VANISH_SEED = "vanishing.seed"  # widget (advanced): seed of data and weights
VANISH_MEASURE = "vanishing.measure"  # widget (advanced): "dh" (‖∂L/∂h_t‖) or "dx" (‖∂ŷ/∂x_t‖)
VANISH_RESULTS = "vanishing.results"  # dict {(task, lag, MemoryConfig): lstm_core.memory.Comparison}, bounded
VANISH_LAST_SECONDS = "vanishing.last_seconds"  # float: wall time of the last training click
VANISH_TRAIN_RUNS = "vanishing.train_runs"  # int: training clicks that trained something (tests: views never train)

# --- training replay page (views/replay.py) ------------------------------------------------------------
REPLAY_EPOCH = "replay.epoch"  # widget: index of the snapshot shown
REPLAY_LAYER = "replay.layer"  # widget: layer shown
REPLAY_DIRECTION = "replay.direction"  # widget: "forward" | "backward"

# --- gates (views/gates.py) -------------------------------------------------------------------------
GATES_TRACES = "gates.traces"  # dict {(model key, start, end): ui.trainer.TraceView}: small per-session LRU
GATES_C_RANGE = "gates.c_range"  # dict {model key: fixed half-range of the cell-state colours}
GATES_FIGS = "gates.figs"  # dict {(model key, start, end, layer, direction, lang): heatmap figure without cursor}
GATES_TRACE_COUNT = "gates.trace_count"  # int: traces actually computed (cache misses) in this session
GATES_WINDOW = "gates.window"  # widget: (start, end) positions of the window on the series
GATES_LAYER = "gates.layer"  # widget: layer shown
GATES_DIRECTION = "gates.direction"  # widget: "forward" | "backward"
GATES_CURSOR = "gates.cursor"  # widget: time step marked in every panel (0-based within the window)
GATES_UNIT = "gates.unit"  # widget: unit whose curves are shown

# --- explore (views/explore.py) -------------------------------------------------------------------------
EXPLORE_MODELS = "explore.models"  # dict {(data key, config JSON): Forecaster}: the other kinds trained here
EXPLORE_DRIVERS = "explore.drivers"  # dict {(model key, origin, steps): ui.explore_drivers.Drivers}: small LRU
EXPLORE_TRACE = "explore.trace"  # (model key, first, end, ui.traces.TraceView): the span "Select and match" reads
EXPLORE_TRAIN_RUNS = "explore.train_runs"  # int: trainings of the other kinds started here (tests: views never train)
EXPLORE_ORIGIN = "explore.origin"  # widget: series position where the attributed forecast starts
EXPLORE_STEP = "explore.step"  # widget: step ahead whose drivers are drawn (1-based)
EXPLORE_METHOD = "explore.method"  # widget: "ig" | "gradient"
EXPLORE_ALL_STEPS = "explore.all_steps"  # widget: bool, also attribute every step ahead (the heatmap)
EXPLORE_STATE = "explore.state"  # widget: "hidden" | "cell", the state units are selected by
EXPLORE_LAYER = "explore.layer"  # widget: layer shown
EXPLORE_DIRECTION = "explore.direction"  # widget: "forward" | "backward"
EXPLORE_THRESHOLD = "explore.threshold"  # widget: the level at which a unit counts as on
EXPLORE_ORDER = "explore.order"  # widget: order of the units in the heatmap (ui.explore_order.ORDERS)
EXPLORE_BRUSH = "explore.brush"  # widget: the series chart's box selection
EXPLORE_BRUSH_SEEN = "explore.brush_seen"  # signature of the last selection applied (each brush is applied once)
EXPLORE_STRETCH = "explore.stretch"  # (first, end): the brushed stretch, positions in the series
EXPLORE_MATCHING = "explore.matching"  # (first, end): the stretch "Find similar" was pressed for

SourceKind = Literal["bundled", "synthetic", "upload"]


# --- shell helpers ----------------------------------------------------------------------------------
def init(key: str, value: Any) -> Any:
    """Set ``key`` to ``value`` if this session has no value for it yet; return the current value."""
    if key not in st.session_state:
        st.session_state[key] = value
    return st.session_state[key]


def is_classroom() -> bool:
    """True when classroom mode is on: pages hide advanced controls and the CSS enlarges the type."""
    return bool(st.session_state.get(CLASSROOM, False))


# --- the loaded series ------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class LoadedSeries:
    """The series the app works on, with where it came from (so it can be reloaded, shared or named).

    ``ref``: for ``"bundled"`` ``{"id": ...}``; for ``"synthetic"`` ``{"generator": ..., "params": {...},
    "seed": ...}``; for ``"upload"`` ``{"file": ..., "options": {...}}`` (the read_table options used).
    ``frequency``: pandas offset alias or None (integer steps). ``warnings``: ingestion warnings
    (``datasets.DataWarning``). ``detected``: the ingestion's ``Detected`` settings (uploads only).
    """

    series: pd.Series
    source: SourceKind
    ref: dict
    name: str
    frequency: str | None = None
    season_length: int = 1
    warnings: tuple = ()
    detected: Any = None
    extra: dict = field(default_factory=dict)

    @functools.cached_property
    def key(self) -> str:
        """A short fingerprint of the data (source, reference and values): a model trained on other data is stale."""
        h = hashlib.sha1()
        h.update(self.source.encode())
        h.update(json.dumps(self.ref, sort_keys=True, default=str).encode())
        h.update(pd.util.hash_pandas_object(self.series, index=True).to_numpy().tobytes())
        return h.hexdigest()[:16]

    @property
    def n(self) -> int:
        return int(self.series.shape[0])


@st.cache_data(show_spinner=False)
def _bundled(id: str) -> pd.Series:
    return datasets.load(id)


def default_dataset_id() -> str:
    """The bundled series the Data page offers first: the first monthly series with a yearly season."""
    items = datasets.catalog()
    for item in items:
        if item.frequency in ("MS", "ME", "M") and item.season_length == 12:
            return item.id
    return items[0].id


def bundled_series(id: str, lang: str = "en") -> LoadedSeries:
    """A bundled real series as a ``LoadedSeries`` (its data is cached per process; copies are returned)."""
    meta = datasets.info(id)
    return LoadedSeries(
        series=_bundled(id),
        source="bundled",
        ref={"id": id},
        name=meta.name.get(lang) or meta.name.get("en") or id,
        frequency=meta.frequency,
        season_length=int(meta.season_length),
    )


@st.cache_data(show_spinner=False, max_entries=64)
def _synthetic(name: str, seed: int, params: tuple) -> pd.Series:
    return synthetic.generate(name, seed=seed, **dict(params))


def synthetic_series(name: str, params: dict, seed: int) -> LoadedSeries:
    """A synthetic series (``datasets.synthetic.generate``) as a ``LoadedSeries``; DataError on bad params."""
    spec = synthetic.GENERATORS[name]
    params = {p.name: (int(params[p.name]) if p.kind == "int" else float(params[p.name])) for p in spec.params}
    return LoadedSeries(
        series=_synthetic(name, int(seed), tuple(sorted(params.items()))),
        source="synthetic",
        ref={"generator": name, "params": params, "seed": int(seed)},
        name=name,
        frequency=None,
        season_length=int(spec.season_length(params)),
    )


def synthetic_ref_differs(a: dict, b: dict) -> bool:
    """True when two synthetic references (generator, seed, params) name different series."""
    if a.get("generator") != b.get("generator") or int(a.get("seed", -1)) != int(b.get("seed", -2)):
        return True
    pa, pb = a.get("params", {}), b.get("params", {})
    return any(not np.isclose(float(pa.get(k, np.nan)), float(v)) for k, v in pb.items())


def teaching_series() -> LoadedSeries:
    """The series a newcomer starts with (``ui.teaching``: pulses and their echoes, where the gates have work)."""
    return synthetic_series(teaching.GENERATOR, teaching.PARAMS, teaching.SEED)


def get_series() -> LoadedSeries:
    """The current series; at first open, the teaching series, so every page works at once."""
    if SERIES not in st.session_state:
        st.session_state[SERIES] = teaching_series()
    return st.session_state[SERIES]


def set_series(loaded: LoadedSeries) -> None:
    """Make ``loaded`` the current series. The trained model stays, and is reported stale by ``get_model``."""
    st.session_state[SERIES] = loaded


# --- the trained model ------------------------------------------------------------------------------
@dataclass
class TrainedModel:
    """A fitted ``lstm_core.forecast.Forecaster`` with its training history and the config it was built from.

    ``data_key`` is ``LoadedSeries.key`` of the series it was trained on.
    """

    forecaster: Forecaster
    history: FitHistory
    config: ForecastConfig
    data_key: str

    def is_stale(self, loaded: LoadedSeries | None = None) -> bool:
        """True if this model was trained on data other than ``loaded`` (default: the current series)."""
        loaded = loaded if loaded is not None else get_series()
        return self.data_key != loaded.key

    @functools.cached_property
    def fingerprint(self) -> str:
        """Hash of the settings, the data and member 0's weights: equal fingerprints, equal gates on equal windows.

        The pages' caches of traces and runs are keyed by it (the weights never change after training).
        """
        h = hashlib.sha1(self.config.to_json().encode())
        h.update(self.data_key.encode())
        for name, value in sorted(self.forecaster.models[0].params.items()):
            h.update(name.encode())
            h.update(np.ascontiguousarray(value).tobytes())
        return h.hexdigest()[:16]


def get_model(allow_stale: bool = False) -> TrainedModel | None:
    """The trained model, or None if there is none or (unless ``allow_stale``) it was trained on other data."""
    model = st.session_state.get(MODEL)
    if model is None:
        return None
    if not allow_stale and model.is_stale():
        return None
    return model


def set_model(model: TrainedModel) -> None:
    """Keep ``model`` as this session's trained model."""
    st.session_state[MODEL] = model


def clear_model() -> None:
    """Forget the trained model."""
    st.session_state.pop(MODEL, None)
