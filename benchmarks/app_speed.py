"""App speed figures for the Train and Gates pages (printed, not pass/fail).

    .venv/bin/python -m benchmarks.app_speed

1. Train: the default model (``ui.trainer.default_config``) on the default series, timed as the page runs it
   (a background ``TrainingJob``), target < 3 s; and its CPU seconds with the job in this thread
   (``LSTM_LAB_WORKERS=0``), fit + evaluation + replay snapshots, target <= 2 s (``--train-only``: just these).
2. Gates: server time to rebuild the view after a cursor or unit change on a 64-unit × 500-step window: the
   four figure builders plus their JSON serialisation (what ``st.plotly_chart`` sends), from the cached trace;
   and the same interaction through AppTest (whole page rerun with the fragment), target < 300 ms.
3. Gates: total JSON size of the page's figures for that view, target < 2 MB.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

TARGET_TRAIN_S = 3.0
TARGET_TRAIN_CPU_S = 2.0
TARGET_VIEW_MS = 300.0
TARGET_JSON_MB = 2.0


def _fmt_ok(ok: bool) -> str:
    return "ok" if ok else "OVER TARGET"


def bench_train(repeats: int = 3) -> float:
    from ui import state, trainer, workers

    loaded = state.teaching_series()  # the default path: what a class presses first
    cfg = trainer.default_config(loaded)
    times, cpu = [], []
    for _ in range(repeats):
        c0 = time.process_time()
        job = trainer.TrainingJob(loaded, cfg).start()
        job.wait()
        times.append(job.elapsed())
        cpu.append(time.process_time() - c0)
    best = min(times)
    where = "in this thread" if workers.in_process() else "in a worker process; the first run also starts it"
    print(f"train: default model ({cfg.cell}, {cfg.hidden_size} units, window {cfg.window}, {len(job.rows)} epochs, "
          f"{cfg.ensemble} member) on {loaded.name} ({loaded.n} points), {where}: best {best:.2f} s of "
          f"{repeats} [{', '.join(f'{t:.2f}' for t in times)}] (fit + evaluation)  target < {TARGET_TRAIN_S} s: "
          f"{_fmt_ok(best < TARGET_TRAIN_S)}; CPU time of this process {min(cpu):.2f} s")
    return best


def bench_train_cpu(repeats: int = 3) -> float:
    """CPU seconds of the default Train-page run (fit, evaluation, replay snapshots) run in this thread
    (``LSTM_LAB_WORKERS=0``, so that the CPU time is this process's), median of ``repeats``; target <= 2 s."""
    import os

    from ui import state, trainer
    from ui.workers import runner

    loaded = state.teaching_series()  # the default path: what a class presses first
    cfg = trainer.default_config(loaded)
    saved = os.environ.get(runner.ENV)
    os.environ[runner.ENV] = "0"
    try:
        cpu = []
        for _ in range(repeats):
            c0 = time.process_time()
            job = trainer.TrainingJob(loaded, cfg).start()
            job.wait()
            cpu.append(time.process_time() - c0)
    finally:
        if saved is None:
            os.environ.pop(runner.ENV, None)
        else:
            os.environ[runner.ENV] = saved
    med = statistics.median(cpu)
    print(f"train CPU: default model in this thread, {len(job.rows)} epochs: median {med:.2f} CPU s of {repeats} "
          f"[{', '.join(f'{t:.2f}' for t in cpu)}]  target <= {TARGET_TRAIN_CPU_S} s: "
          f"{_fmt_ok(med <= TARGET_TRAIN_CPU_S)}")
    return med


def _gates_model(hidden: int = 64):
    from lstm_core.forecast import Forecaster
    from ui import state, trainer

    loaded = state.bundled_series(state.default_dataset_id())
    cfg = trainer.default_config(loaded, hidden_size=hidden, epochs=1)
    fc = Forecaster(cfg)
    hist = fc.fit(loaded.series.to_numpy(dtype=float))
    return loaded, state.TrainedModel(fc, hist, cfg, loaded.key)


def _view_figures(view, unit: int, cursor: int, heatmaps=None):
    """The Gates view's four figures; ``heatmaps``: the grid built once per view (the page keeps it), whose
    cursor is moved, as on the page."""
    from ui.plots.colors import SIGMOID_GATES
    from ui.plots.gates import cell_composition, gate_heatmaps, saturation_scatter, set_cursor, unit_curves

    gates = {name: view.gates[(0, "forward", name)] for name in view.names}
    if heatmaps is None:
        heatmaps = gate_heatmaps(gates, view.values, time=view.index, c_range=view.c_range)
    return [
        set_cursor(heatmaps, view.index, cursor),
        unit_curves(gates, view.values, unit, time=view.index, cursor=cursor),
        cell_composition(gates["forget"], gates["input"], gates["candidate"], gates["cell"], unit,
                         time=view.index, cursor=cursor),
        saturation_scatter({k: v for k, v in gates.items() if k in SIGMOID_GATES}, unit=unit),
    ]


def bench_gates_view(steps: int = 500, hidden: int = 64, repeats: int = 7) -> tuple[float, float]:
    from ui import traces

    loaded, model = _gates_model(hidden)
    values = loaded.series.to_numpy(dtype=float)
    index = np.asarray(loaded.series.index)
    n = values.size
    view = traces.compute_trace(model, values[n - steps:], index[n - steps:], traces.model_cell_range(model))
    from ui.plots.gates import gate_heatmaps

    t0, c0 = time.perf_counter(), time.process_time()
    grid = gate_heatmaps({name: view.gates[(0, "forward", name)] for name in view.names}, view.values,
                         time=view.index, c_range=view.c_range)
    first = (1000 * (time.perf_counter() - t0), 1000 * (time.process_time() - c0))
    print(f"gates view: heatmap grid built once per window/layer/direction: {first[0]:.0f} ms (CPU {first[1]:.0f} ms)")
    times, cpu, size = [], [], 0
    for k in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        figs = _view_figures(view, unit=k % hidden, cursor=(37 * k) % steps, heatmaps=grid)
        payload = [f.to_json() for f in figs]
        times.append(1000 * (time.perf_counter() - t0))
        cpu.append(1000 * (time.process_time() - c0))
        size = sum(len(p) for p in payload)
    med = statistics.median(times)
    mb = size / 1e6
    print(f"gates view: {hidden} units × {steps} steps, rebuild after a cursor/unit change (4 figures + JSON): "
          f"median {med:.0f} ms of {repeats} (CPU {statistics.median(cpu):.0f} ms)  target < {TARGET_VIEW_MS:.0f} ms: "
          f"{_fmt_ok(med < TARGET_VIEW_MS)}")
    print(f"gates view: figures' JSON {mb:.2f} MB ({', '.join(f'{len(p) / 1e3:.0f} kB' for p in payload)})  "
          f"target < {TARGET_JSON_MB} MB: {_fmt_ok(mb < TARGET_JSON_MB)}")
    return med, mb


def bench_gates_apptest(steps: int = 500, hidden: int = 64, repeats: int = 5) -> float:
    """The same interaction through the page (AppTest: the whole script reruns, fragment included)."""
    from tests.conftest import open_app
    from ui import state

    loaded, model = _gates_model(hidden)
    at = open_app("en", timeout=120)
    at.session_state[state.MODEL] = model
    n = loaded.n
    at.session_state[state.GATES_WINDOW] = (n - steps, n)
    at.switch_page("views/gates.py").run()
    assert not at.exception, [e.value for e in at.exception]
    times = []
    for k in range(repeats):
        t0 = time.perf_counter()
        if k % 2:
            at.selectbox(key=state.GATES_UNIT).set_value(k).run()
        else:
            at.slider(key=state.GATES_CURSOR).set_value(10 * k).run()
        times.append(1000 * (time.perf_counter() - t0))
    assert not at.exception and at.session_state[state.GATES_TRACE_COUNT] == 1
    med = statistics.median(times)
    print(f"gates page (AppTest, whole script rerun incl. sidebar): median {med:.0f} ms of {repeats} per "
          f"cursor/unit change, trace computed once")
    return med


def main() -> None:
    import argparse
    import os

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-only", action="store_true", help="only the Train-page figures")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, load average: {', '.join(f'{v:.1f}' for v in os.getloadavg())}")
    bench_train_cpu()
    bench_train()
    if not args.train_only:
        bench_gates_view()
        bench_gates_apptest()


if __name__ == "__main__":
    main()
