"""Training runs for the app: a background job per session (its panel is ``ui.training_panel``).

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

import enum
import threading
import time
import uuid
from dataclasses import dataclass

import numpy as np

from lstm_core.errors import CoreError
from lstm_core.forecast import ForecastConfig
from lstm_core.train import TrainConfig
from lstm_core.windows import chronological_split
from ui import session_watch, state, teaching, workers
from ui.plots.colors import GATES_BY_CELL
from ui.workers import runner

DIVERGE_RATIO = TrainConfig().reference_factor  # the engine's divergence factor (the job has no guard of its own)
APP_ENSEMBLE = 1  # the app trains one network: the one whose gates the learner watches
MAX_RUNNING = workers.SIZE  # training runs at once in this server: one per core
LIVE_GATES = {"lstm": ("forget", "input"), "gru": ("update", "reset"), "rnn": ("hidden",)}  # Train's live view
LIVE_EVERY_S = 0.5  # the worker sends the live gates at most this often (the view redraws every 3 s)
REPLAY_BUDGET_BYTES = 24_000_000  # replay snapshots of one run stay under this (a big bidirectional stack has fewer)


def default_config(loaded: state.LoadedSeries, **overrides) -> ForecastConfig:
    """``ForecastConfig.auto`` for the series without the forecasting recipe, one member (``APP_ENSEMBLE``); the
    teaching series gets its teaching settings (``ui.teaching.train_defaults``) unless ``overrides`` set them."""
    overrides.setdefault("ensemble", APP_ENSEMBLE)
    if teaching.is_teaching(loaded.ref, loaded.source):
        for key, value in teaching.train_defaults(loaded.ref.get("params", {})).items():
            overrides.setdefault(key, value)
    return ForecastConfig.auto(n_points=loaded.n, season_length=loaded.season_length, recipe=False, **overrides)


class Outcome(enum.Enum):
    """Which model the session holds once a run has ended."""

    RUNNING = "running"  # not ended yet
    TRAINED = "trained"  # the run's best weights (a diverged run too, when nothing was trained before)
    KEPT_PREVIOUS = "kept_previous"  # a run that diverged or finished no epoch left the earlier model in place
    NOTHING = "nothing"  # no epoch finished and there was no earlier model on this data: no model
    FAILED = "failed"  # an error: ``job.error`` says which; the session's model is unchanged


@dataclass(frozen=True)
class Divergence:
    """The engine's reference test fired: at ``epoch`` the training loss was ``loss`` > factor × ``reference``."""

    epoch: int
    loss: float
    reference: float


@dataclass(frozen=True)
class LiveGates:
    """Layer 0's gates on the probe window after one epoch: ``gates[name]`` is (T, H) float32."""

    epoch: int
    gates: dict[str, np.ndarray]


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

    Read from the page (any thread): ``rows`` (copy via ``progress()``), ``done``, ``status`` (the engine's),
    ``outcome`` (which model the session keeps), ``result``, ``evaluation``, ``error``, ``divergence``.
    ``request_stop()`` asks the run to stop at the next batch.
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
        self.outcome = Outcome.RUNNING
        self.evaluation: dict | None = None
        self.error: Exception | None = None
        self.divergence: Divergence | None = None  # when the engine's reference test fired
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.session_id: str | None = None  # the browser session that started it (set by start_training)
        self.replay = self._new_replay(loaded)
        self.live: LiveGates | None = None  # the gates on the probe window after a recent epoch (LIVE_EVERY_S)
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
        """What the worker needs to record the gates on the probe window (see ``ui.workers.tasks.Recorder``)."""
        buf = self.replay
        if buf is None:
            return None
        return {"values": buf.probe_values, "num_layers": buf.num_layers, "directions": list(buf.directions),
                "names": list(buf.gate_names), "max": state.REPLAY_MAX, "budget": REPLAY_BUDGET_BYTES,
                "live": list(LIVE_GATES[self.config.cell]), "live_every_s": LIVE_EVERY_S}

    def _on_live(self, msg: dict) -> None:
        self.live = LiveGates(int(msg["epoch"]), dict(msg["gates"]))  # one reference swap: readers need no lock

    def _on_snapshot(self, snap: dict) -> None:
        """Keep a snapshot from the worker; when its stride doubled, every second older one goes (evenly spread)."""
        buf = self.replay
        stride = int(snap["stride"])
        with self._lock:
            buf.snapshots.append(state.ReplaySnapshot(int(snap["epoch"]), snap["train_loss"], snap["val_loss"],
                                                      snap["gates"]))
            if stride != buf.stride:
                buf.stride = stride
                buf.snapshots = [s for s in buf.snapshots if s.epoch == 0 or (s.epoch - 1) % stride == 0]

    def _on_epoch(self, info) -> bool:
        row = EpochRow(info.epoch, info.epochs, float(info.train_loss),
                       None if info.val_loss is None else float(info.val_loss), info.elapsed_s, info.eta_s)
        with self._lock:
            self.rows.append(row)
        return not self._stop.is_set()

    def _on_start(self) -> None:
        self.started = time.perf_counter()

    def _previous_on_same_data(self) -> bool:
        return self.previous is not None and self.previous.data_key == self.data_key

    def _run(self) -> None:
        runner.OWNER.id = self.session_id  # the training slots share themselves out by session
        try:
            fitted = workers.fit(self.values, self.config, on_epoch=self._on_epoch, on_snapshot=self._on_snapshot,
                                 on_live=self._on_live,
                                 probe=self._probe(), evaluate=True, stop=self._stop, on_start=self._on_start,
                                 ticket=self.id)
            if fitted is None:  # stopped while waiting for a slot: nothing trained, nothing changes
                self.outcome = Outcome.KEPT_PREVIOUS if self._previous_on_same_data() else Outcome.NOTHING
                self.status = "cancelled"
                return
            hist = fitted.history
            self.message_params = dict(hist.message_params)
            if hist.message_key == "engine.status.diverged_reference":
                p = hist.message_params
                self.divergence = Divergence(int(p["epoch"]), float(p["loss"]), float(p["reference"]))
            self.result = state.TrainedModel(forecaster=fitted.forecaster, history=hist, config=self.config,
                                             data_key=self.data_key)
            # a run that blew up, or was stopped before one epoch ended, does not replace a model trained
            # before on the same data; a run with no finished epoch leaves no model at all
            untrained = hist.best_epoch == 0
            if self._previous_on_same_data() and (hist.status == "diverged" or untrained):
                self.outcome = Outcome.KEPT_PREVIOUS
                self.evaluation = self.previous.forecaster.evaluate()
            elif untrained:
                self.outcome = Outcome.NOTHING
            else:
                self.outcome = Outcome.TRAINED
                self.evaluation = fitted.evaluation
            self.status = hist.status
        except Exception as exc:  # noqa: BLE001 - CoreError/WorkerError carry a key; others errors.unexpected
            self.error = exc
            self.status = "failed"
            self.outcome = Outcome.FAILED
        finally:
            self.finished = time.perf_counter()

    @property
    def kept_model(self) -> state.TrainedModel | None:
        """The model the session should hold after this run (None while running, after a failure or no epoch)."""
        if self.outcome is Outcome.KEPT_PREVIOUS:
            return self.previous
        return self.result if self.outcome is Outcome.TRAINED else None


def start_training(loaded: state.LoadedSeries, config: ForecastConfig) -> TrainingJob:
    """Start a run in the background and make it this session's job (streamlit side: call from a page)."""
    import streamlit as st

    job = TrainingJob(loaded, config, previous=state.get_model())
    st.session_state[state.TRAIN_JOB] = job
    st.session_state[state.TRAIN_RUNS] = int(st.session_state.get(state.TRAIN_RUNS, 0)) + 1
    if job.replay is not None:
        st.session_state[state.REPLAY] = job.replay
    job.session_id = session_watch.current_session_id()
    session_watch.WATCH.watch(job, job.session_id)  # a closed tab stops its run
    return job.start()


def current_job() -> TrainingJob | None:
    import streamlit as st

    return st.session_state.get(state.TRAIN_JOB)


def collect(job: TrainingJob | None) -> bool:
    """When ``job`` has finished, make its model the session's model (once per job). True if it is finished."""
    import streamlit as st

    if job is None or not job.done:
        return False
    if st.session_state.get(state.TRAIN_COLLECTED) != job.id:
        st.session_state[state.TRAIN_COLLECTED] = job.id
        if job.outcome is Outcome.TRAINED:
            state.set_model(job.result)
        st.session_state.pop(state.GATES_TRACES, None)  # views of the old model are not needed any more
    return True
