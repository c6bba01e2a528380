"""Training runs for the app: a background job per session, its live progress panel, and gate traces for views.

Why a background thread: in Streamlit any click during a script run interrupts that run. If the network were
trained inside the script, pressing Stop (or switching language) would kill training half-way and lose it.
Here the training runs in a ``TrainingJob`` thread that never touches ``st.*``; the page only starts it,
polls it from an ``st.fragment(run_every=...)`` (throttled redraws), and the Stop button sets the job's stop
flag, which is passed on to the worker and read by the engine's per-epoch/per-batch callbacks there:
``fit_model`` then ends with status "cancelled" and restores the best weights so far. The job object lives
in ``st.session_state`` (``state.TRAIN_JOB``), so each browser session has its own and nothing is shared.

A classroom at once: the network itself learns in a worker process (``ui.workers``), at a lower CPU priority
and outside the server's GIL, so other sessions' pages and a newcomer's first load stay quick while a room
trains. At most ``MAX_RUNNING`` runs train at once (one per core but one); the others wait their turn in
arrival order, their page shows their place in the queue and Stop works while they wait. This thread only relays:
it waits on the worker's pipe (no GIL held) and stores each epoch's row for the live panel.

While training, every ``stride`` epochs the worker records what the gates do on a fixed probe window
(``state.ReplayBuffer``) for the Training-replay page.

Divergence is the engine's call (``lstm_core.train``: NaN/inf, or a training loss above
``reference_factor`` × the loss of the trivial forecast that ``Forecaster.fit`` passes): the job only reads
the status and its parameters from the history, so the app, the CLI and notebooks agree on what diverged.
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from lstm_core.errors import CoreError
from lstm_core.forecast import ForecastConfig
from lstm_core.train import TrainConfig
from lstm_core.windows import chronological_split
from ui import state, workers
from ui.plots.colors import GATES_BY_CELL, cell_range

DIVERGE_RATIO = TrainConfig().reference_factor  # the engine's divergence factor (the job has no guard of its own)
APP_ENSEMBLE = 1  # the app trains one network: the one whose gates the learner watches
MAX_RUNNING = workers.SIZE  # training runs at once in this server: one per core
REPLAY_BUDGET_BYTES = 24_000_000  # replay snapshots of one run stay under this (a big bidirectional stack has fewer)


def default_config(loaded: state.LoadedSeries, **overrides) -> ForecastConfig:
    """``ForecastConfig.auto`` for the series, with one ensemble member (see ``APP_ENSEMBLE``)."""
    overrides.setdefault("ensemble", APP_ENSEMBLE)
    return ForecastConfig.auto(n_points=loaded.n, season_length=loaded.season_length, **overrides)


def model_key(model: state.TrainedModel) -> str:
    """A fingerprint of a trained model's weights and settings: equal keys, equal gates on equal windows."""
    h = hashlib.sha1(model.config.to_json().encode())
    h.update(model.data_key.encode())
    for name, value in sorted(model.forecaster.models[0].params.items()):
        h.update(name.encode())
        h.update(np.ascontiguousarray(value).tobytes())
    return h.hexdigest()[:16]


@dataclass
class EpochRow:
    """One finished epoch as the progress panel shows it."""

    epoch: int
    epochs: int
    train_loss: float
    val_loss: float | None
    elapsed_s: float
    eta_s: float


class TrainingJob:
    """One training run of a ``Forecaster`` on one series, in a daemon thread.

    Read from the page (any thread): ``rows`` (copy via ``progress()``), ``done``, ``status``, ``result``,
    ``evaluation``, ``error``, ``diverged``. ``request_stop()`` asks the run to stop at the next batch.
    """

    def __init__(self, loaded: state.LoadedSeries, config: ForecastConfig,
                 previous: state.TrainedModel | None = None) -> None:
        self.id = uuid.uuid4().hex[:10]
        self.config = config.validate()
        self.data_key = loaded.key
        self.values = loaded.series.to_numpy(dtype=np.float64)
        self.index = np.asarray(loaded.series.index)
        self.previous = previous
        self.queued = time.perf_counter()
        self.started: float | None = None  # when the run got a training slot (None while it waits)
        self.finished: float | None = None
        self.rows: list[EpochRow] = []
        self.status = "running"  # running | completed | early_stopped | cancelled | diverged | failed
        self.message_params: dict = {}
        self.result: state.TrainedModel | None = None  # the model this run produced (best weights)
        self.kept_previous = False  # True when a diverged/empty run left the model trained before in place
        self.untrained = False  # True when the run ended before its first epoch finished
        self.collected = False  # True once the page has taken its model into the session
        self.evaluation: dict | None = None
        self.error: Exception | None = None
        self.diverged: dict | None = None  # {"epoch", "loss", "reference"} when the engine's reference test fired
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.replay = self._new_replay(loaded)
        self._thread = threading.Thread(target=self._run, name=f"lstm-lab-train-{self.id}", daemon=True)

    # -- control --------------------------------------------------------------------------------------
    def start(self) -> TrainingJob:
        self._thread.start()
        return self

    def request_stop(self) -> None:
        """Ask the run to stop; the engine keeps the best weights so far."""
        self._stop.set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    @property
    def done(self) -> bool:
        return self.finished is not None

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the run ends (tests, benchmarks); True if it ended."""
        self._thread.join(timeout)
        return self.done

    def progress(self) -> list[EpochRow]:
        with self._lock:
            return list(self.rows)

    def elapsed(self) -> float:
        """Seconds spent training (waiting for a slot not included)."""
        if self.started is None:
            return 0.0
        return (self.finished or time.perf_counter()) - self.started

    @property
    def waiting(self) -> bool:
        """True while the run waits for a free training slot."""
        return self.started is None and not self.done

    def queue_position(self) -> int:
        """1-based place among the runs waiting for a slot (0 once it trains or has ended)."""
        return workers.SLOTS.position(self.id) if self.waiting else 0

    # -- the run --------------------------------------------------------------------------------------
    def _new_replay(self, loaded: state.LoadedSeries) -> state.ReplayBuffer | None:
        cfg = self.config
        try:
            train_end, _ = chronological_split(self.values.size, cfg.val_fraction, cfg.test_fraction)
        except CoreError:
            return None
        start = max(0, train_end - cfg.window)
        if train_end - start < 1:
            return None
        return state.ReplayBuffer(
            run_id=self.id,
            data_key=loaded.key,
            cell=cfg.cell,
            num_layers=cfg.num_layers,
            directions=("forward", "backward") if cfg.bidirectional else ("forward",),
            hidden_size=cfg.hidden_size,
            gate_names=GATES_BY_CELL[cfg.cell],
            probe_start=start,
            probe_end=train_end,
            probe_values=self.values[start:train_end].copy(),
            probe_index=self.index[start:train_end].copy(),
        )

    def _probe(self) -> dict | None:
        """What the worker needs to record the gates on the probe window (see ``workers._Recorder``)."""
        buf = self.replay
        if buf is None:
            return None
        return {"values": buf.probe_values, "num_layers": buf.num_layers, "directions": list(buf.directions),
                "names": list(buf.gate_names), "max": state.REPLAY_MAX, "budget": REPLAY_BUDGET_BYTES}

    def _on_snapshot(self, snap: dict) -> None:
        """Keep a snapshot from the worker; when its stride doubled, every second older one goes (evenly spread)."""
        buf = self.replay
        stride = int(snap["stride"])
        with self._lock:
            buf.snapshots.append(state.ReplaySnapshot(int(snap["epoch"]), snap["train_loss"], snap["val_loss"],
                                                      snap["gates"]))
            if stride != buf.stride:
                buf.stride = stride
                buf.snapshots = [s for s in buf.snapshots if (s.epoch - 1) % stride == 0]

    def _on_epoch(self, info) -> bool:
        row = EpochRow(info.epoch, info.epochs, float(info.train_loss),
                       None if info.val_loss is None else float(info.val_loss), info.elapsed_s, info.eta_s)
        with self._lock:
            self.rows.append(row)
        return not self._stop.is_set()

    def _on_start(self) -> None:
        self.started = time.perf_counter()

    def _run(self) -> None:
        try:
            fitted = workers.fit(self.values, self.config, on_epoch=self._on_epoch, on_snapshot=self._on_snapshot,
                                 probe=self._probe(), evaluate=True, stop=self._stop, on_start=self._on_start,
                                 ticket=self.id)
            if fitted is None:  # stopped while waiting for a slot: nothing trained, nothing changes
                self.untrained = True
                self.kept_previous = self.previous is not None and self.previous.data_key == self.data_key
                self.status = "cancelled"
                return
            hist = fitted.history
            status = hist.status
            self.message_params = dict(hist.message_params)
            if hist.message_key == "engine.status.diverged_reference":
                p = hist.message_params
                self.diverged = {"epoch": int(p["epoch"]), "loss": float(p["loss"]),
                                 "reference": float(p["reference"])}
            model = state.TrainedModel(forecaster=fitted.forecaster, history=hist, config=self.config,
                                       data_key=self.data_key)
            self.result = model
            # a run that blew up, or was stopped before one epoch ended, does not replace a model trained
            # before on the same data; a run with no finished epoch leaves no model at all
            previous_ok = self.previous is not None and self.previous.data_key == self.data_key
            self.untrained = hist.best_epoch == 0
            self.kept_previous = previous_ok and (status == "diverged" or self.untrained)
            if self.kept_previous:
                self.evaluation = self.previous.forecaster.evaluate()
            elif not self.untrained:
                self.evaluation = fitted.evaluation
            self.status = status
        except Exception as exc:  # noqa: BLE001 - CoreError/WorkerError carry a key; others errors.unexpected
            self.error = exc
            self.status = "failed"
        finally:
            self.finished = time.perf_counter()

    def kept_model_now(self) -> state.TrainedModel | None:
        if self.kept_previous:
            return self.previous
        return None if self.untrained else self.result

    @property
    def kept_model(self) -> state.TrainedModel | None:
        """The model the session should hold after this run (None while running or after a failure)."""
        return self.kept_model_now() if self.done else None


def start_training(loaded: state.LoadedSeries, config: ForecastConfig) -> TrainingJob:
    """Start a run in the background and make it this session's job (streamlit side: call from a page)."""
    import streamlit as st

    job = TrainingJob(loaded, config, previous=state.get_model())
    st.session_state[state.TRAIN_JOB] = job
    st.session_state[state.TRAIN_RUNS] = int(st.session_state.get(state.TRAIN_RUNS, 0)) + 1
    if job.replay is not None:
        st.session_state[state.REPLAY] = job.replay
    return job.start()


def current_job() -> TrainingJob | None:
    import streamlit as st

    return st.session_state.get(state.TRAIN_JOB)


def collect(job: TrainingJob | None) -> bool:
    """When ``job`` has finished, make its kept model the session's model (once). True if it is finished."""
    import streamlit as st

    if job is None or not job.done:
        return False
    if not job.collected:
        job.collected = True
        if job.kept_model is not None and not job.kept_previous:
            state.set_model(job.kept_model)
        st.session_state.pop(state.GATES_TRACES, None)  # views of the old model are not needed any more
    return True


# --- gate traces for views ---------------------------------------------------------------------------
@dataclass
class TraceView:
    """The gates of one model on one window: ``gates[(layer, direction, name)]`` (T, H) float32."""

    gates: dict
    values: np.ndarray  # (T,) raw series values the network read
    index: np.ndarray  # (T,) their dates or steps
    names: tuple
    num_layers: int
    directions: tuple
    hidden_size: int
    c_range: float = 1.0
    extra: dict = field(default_factory=dict)


TRACE_CACHE_SIZE = 4


def compute_trace(model: state.TrainedModel, values: np.ndarray, index: np.ndarray, c_range: float) -> TraceView:
    """Run the trained network (member 0) on ``values`` and keep every gate of every layer/direction (pure)."""
    fc = model.forecaster
    cfg = model.config
    trace = fc.trace(values)
    names = GATES_BY_CELL[cfg.cell]
    dirs = ("forward", "backward") if cfg.bidirectional else ("forward",)
    gates = workers.gate_arrays(trace, cfg.num_layers, dirs, names)
    return TraceView(gates, np.asarray(values, dtype=np.float64), np.asarray(index), names, cfg.num_layers, dirs,
                     cfg.hidden_size, c_range)


def model_cell_range(model: state.TrainedModel) -> float:
    """Fixed half-range of the cell-state colours for a model: from its cell states over the whole series."""
    cfg = model.config
    if cfg.cell != "lstm":
        return 1.0
    fc = model.forecaster
    trace = fc.trace(fc.values)
    dirs = ("forward", "backward") if cfg.bidirectional else ("forward",)
    peak = max(cell_range(trace.gate("cell", layer=layer, direction=d))
               for layer in range(cfg.num_layers) for d in dirs)
    return float(peak)


def cached_trace(model: state.TrainedModel, key: str, start: int, end: int, series_values: np.ndarray,
                 series_index: np.ndarray) -> TraceView:
    """The trace of ``model`` on positions [start, end) of the series, from this session's small LRU cache.

    A miss computes it (and counts it in ``state.GATES_TRACE_COUNT``); cursor, unit, layer or direction
    changes reuse the same entry, so they never run the network again.
    """
    import streamlit as st

    cache: OrderedDict = st.session_state.setdefault(state.GATES_TRACES, OrderedDict())
    ck = (key, int(start), int(end))
    if ck in cache:
        cache.move_to_end(ck)
        return cache[ck]
    ranges = st.session_state.setdefault(state.GATES_C_RANGE, {})
    if key not in ranges:
        ranges.clear()
        ranges[key] = model_cell_range(model)
    view = compute_trace(model, series_values[start:end], series_index[start:end], ranges[key])
    cache[ck] = view
    while len(cache) > TRACE_CACHE_SIZE:
        cache.popitem(last=False)
    st.session_state[state.GATES_TRACE_COUNT] = int(st.session_state.get(state.GATES_TRACE_COUNT, 0)) + 1
    return view


# --- streamlit side: the live panel and the run's outcome --------------------------------------------
REFRESH_S = 1.0  # seconds between two redraws of the live panel (throttled: the figure is resent each time)


def live_panel(job: TrainingJob, lang: str, *, key: str) -> None:
    """Progress bar, epoch counter, elapsed time and estimate, live loss curves; reruns the app when done.

    Drawn in an ``st.fragment`` that reruns itself every ``REFRESH_S`` seconds: only this panel is redrawn
    while the job trains in its thread.
    """
    import streamlit as st

    from ui import widgets
    from ui.i18n import fmt_num, translate
    from ui.plots.training import loss_curves

    @st.fragment(run_every=REFRESH_S)
    def _panel() -> None:
        if job.done:
            st.rerun(scope="app")
        if job.waiting:  # other sessions hold every training slot: say where this run stands, no figure
            position = max(1, job.queue_position())
            st.progress(0.0, text=translate(lang, "train.live.waiting", position=position))
            st.caption(translate(lang, "train.live.waiting_help", slots=MAX_RUNNING))
            if job.stop_requested:
                st.caption(translate(lang, "train.live.stopping"))
            return
        rows = job.progress()
        last = rows[-1] if rows else None
        epochs = job.config.epochs
        epoch = last.epoch if last else 0
        st.progress(min(1.0, epoch / epochs), text=translate(lang, "train.live.epoch", epoch=epoch, epochs=epochs))
        eta = fmt_num(last.eta_s, 1, lang) if last else "…"
        st.caption(translate(lang, "train.live.time", elapsed=fmt_num(job.elapsed(), 1, lang), eta=eta))
        if job.stop_requested:
            st.caption(translate(lang, "train.live.stopping"))
        widgets.show_figure(
            loss_curves([r.train_loss for r in rows], [r.val_loss for r in rows], epochs=epochs, lang=lang),
            key=f"{key}.live_loss",
        )

    _panel()


def status_message(job: TrainingJob, lang: str) -> None:
    """The outcome of a finished run in one translated box (stopped, diverged, failed, early stop, completed)."""
    import streamlit as st

    from ui.i18n import error_text, fmt_num, translate

    p = dict(job.message_params)
    best = job.result.history.best_epoch if job.result is not None else 0
    if job.status == "failed":
        st.error(error_text(job.error, lang), icon=":material/error:")
    elif job.status == "cancelled" and job.untrained:
        key = "train.status.stopped_empty_previous" if job.kept_previous else "train.status.stopped_empty"
        st.warning(translate(lang, key), icon=":material/stop_circle:")
    elif job.status == "cancelled":
        st.warning(translate(lang, "train.status.cancelled", epoch=len(job.rows), best_epoch=best),
                   icon=":material/stop_circle:")
    elif job.status == "diverged":
        if job.diverged is not None:
            d = job.diverged
            text = translate(lang, "train.status.diverged", epoch=d["epoch"], loss=fmt_num(d["loss"], 2, lang),
                             ratio=fmt_num(d["loss"] / d["reference"], 0, lang),
                             lr=f"{job.config.learning_rate:g}")
        else:
            text = translate(lang, "train.status.diverged_nan", epoch=p.get("epoch", len(job.rows)),
                             lr=f"{job.config.learning_rate:g}")
        if job.kept_previous:
            kept = translate(lang, "train.status.kept_previous")
        elif job.untrained:
            kept = translate(lang, "train.status.diverged_no_model")
        else:
            kept = translate(lang, "train.status.kept_run", best_epoch=best)
        st.error(f"{text} {kept}", icon=":material/trending_up:")
    elif job.status == "early_stopped":
        st.success(translate(lang, "train.status.early_stopped", epoch=len(job.rows), best_epoch=best),
                   icon=":material/check_circle:")
    else:
        st.success(translate(lang, "train.status.completed", epochs=len(job.rows), best_epoch=best),
                   icon=":material/check_circle:")
