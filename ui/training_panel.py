"""A training run on screen: the live progress panel while it trains, and its outcome in one translated box."""

from __future__ import annotations

import time

import streamlit as st

from ui import markup, widgets
from ui.i18n import fmt_num, translate
from ui.plots.live import live_heatmaps
from ui.plots.training import loss_curves
from ui.trainer import MAX_RUNNING, Outcome, TrainingJob

REFRESH_S = 1.0  # seconds between two redraws of the live panel (throttled: the figure is resent each time)
WAIT_REFRESH_S = 2.0  # seconds between two redraws of a run's place in the queue (a room waits mostly)
GATES_REFRESH_S = 3.0  # seconds between two redraws of the live gates: a heatmap costs the server more than curves
FIRST_GATES_WAIT_S = 1.0  # the gate view's first draw waits this long for the first epoch (a default run takes ~2 s)


def live_panel(job: TrainingJob, lang: str, *, key: str) -> None:
    """Progress bar, epoch counter, elapsed time and estimate, live loss curves and gates; reruns the app when done.

    Drawn in ``st.fragment`` s that rerun themselves, the curves every ``REFRESH_S`` seconds and the gates beside
    them every ``GATES_REFRESH_S``: only this panel is redrawn while the job trains in its thread (with a
    classroom on one server, redrawing the heatmaps every second slowed newcomers' page loads measurably).
    """
    if job.waiting:
        _queue_panel(job, lang)
        return
    progress, gates = st.columns([3, 2]) if job.replay is not None else (st.container(), None)

    @st.fragment(run_every=REFRESH_S)
    def _panel() -> None:
        if job.done:
            st.rerun(scope="app")
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

    @st.fragment(run_every=GATES_REFRESH_S)
    def _gates() -> None:
        if not job.done and not job.waiting:
            live_gates(job, lang, key=key)

    with progress:
        _panel()
    if gates is not None:
        with gates:
            _gates()


def _queue_panel(job: TrainingJob, lang: str) -> None:
    """While other sessions hold every training slot: the run's place in the queue, redrawn every
    ``WAIT_REFRESH_S`` (most of a classroom waits here, so this redraw is the server's most frequent one);
    the whole page reruns once the run has a slot or has ended."""
    @st.fragment(run_every=WAIT_REFRESH_S)
    def _waiting() -> None:
        if not job.waiting:
            st.rerun(scope="app")
        position = max(1, job.queue_position())
        st.progress(0.0, text=translate(lang, "train.live.waiting", position=position))
        st.caption(translate(lang, "train.live.waiting_help", slots=MAX_RUNNING))
        if job.stop_requested:
            st.caption(translate(lang, "train.live.stopping"))

    _waiting()


def live_gates(job: TrainingJob, lang: str, *, key: str) -> None:
    """The gates of layer 0 on the run's probe window after its latest epoch (as TensorFlow Playground shows
    its neurons while it learns); a note until the first epoch has ended."""
    deadline = time.monotonic() + FIRST_GATES_WAIT_S
    while job.live is None and not job.done and time.monotonic() < deadline:
        time.sleep(0.05)  # without this, a short run's gates would first show 3 s later, after it has ended
    live, buf = job.live, job.replay
    if live is None:
        st.caption(translate(lang, "train.live.gates_wait"))
        return
    st.markdown(f"**{translate(lang, 'train.live.gates_title', epoch=live.epoch)}**")
    widgets.show_figure(live_heatmaps(live.gates, time=buf.probe_index, lang=lang), key=f"{key}.live_gates")
    st.caption(translate(lang, "train.live.gates_help", steps=len(buf.probe_index)))


def status_message(job: TrainingJob, lang: str) -> None:
    """The outcome of a finished run in one translated box (stopped, diverged, failed, early stop, completed)."""
    p = dict(job.message_params)
    best = job.result.history.best_epoch if job.result is not None else 0
    if job.status == "failed":
        st.error(markup.error_md(job.error), icon=":material/error:")
    elif job.status == "cancelled" and job.outcome is not Outcome.TRAINED:  # stopped before one epoch ended
        key = ("train.status.stopped_empty_previous" if job.outcome is Outcome.KEPT_PREVIOUS
               else "train.status.stopped_empty")
        st.warning(translate(lang, key), icon=":material/stop_circle:")
    elif job.status == "cancelled":
        st.warning(translate(lang, "train.status.cancelled", epoch=len(job.rows), best_epoch=best),
                   icon=":material/stop_circle:")
    elif job.status == "diverged":
        if job.divergence is not None:
            d = job.divergence
            text = translate(lang, "train.status.diverged", epoch=d.epoch, loss=fmt_num(d.loss, 2, lang),
                             ratio=fmt_num(d.loss / d.reference, 0, lang),
                             lr=f"{job.config.learning_rate:g}")
        else:
            text = translate(lang, "train.status.diverged_nan", epoch=p.get("epoch", len(job.rows)),
                             lr=f"{job.config.learning_rate:g}")
        if job.outcome is Outcome.KEPT_PREVIOUS:
            kept = translate(lang, "train.status.kept_previous")
        elif job.outcome is Outcome.NOTHING:
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


def trained_model_or_stop(page: str, loaded, lang: str):
    """The session's trained model for a page that shows one (``page``: "gates", "explore", the prefix of its
    catalog keys); otherwise the page ends here, after the live panel of a run in progress, or after an offer
    to train the default model on this series and a link to the Train page."""
    from lstm_core.errors import CoreError
    from ui import state, trainer

    job = trainer.current_job()
    trainer.collect(job)
    if job is not None and not job.done:
        st.info(translate(lang, f"{page}.training_now"), icon=":material/hourglass_top:")
        live_panel(job, lang, key=page)
        widgets.stop_page()
    model = state.get_model()
    if model is not None:
        return model
    stale = state.get_model(allow_stale=True) is not None
    st.info(translate(lang, f"{page}.stale_model" if stale else f"{page}.no_model"), icon=":material/school:")
    if st.button(translate(lang, f"{page}.train_default"), type="primary", icon=":material/play_arrow:",
                 key=f"{page}.train_btn"):
        try:
            trainer.start_training(loaded, trainer.default_config(loaded))
            st.rerun()
        except CoreError as exc:
            widgets.show_error(exc)
    st.page_link("views/train.py", label=translate(lang, f"{page}.to_train"), icon=":material/model_training:",
                 query_params=widgets.page_params())
    widgets.stop_page()
