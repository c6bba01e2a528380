"""Training replay: how the gates on one fixed probe window changed while the network learned.

Reads the snapshots the Train page records (``state.ReplayBuffer``: gates on the probe window before training,
epoch 0, then every few epochs). An epoch slider, inside a fragment, picks a snapshot: nothing is trained or
recomputed here, the figures are drawn from stored arrays with fixed colour scales so that frames compare. The
player above the figures replays every snapshot in the browser (``ui.components.chart_player``), without a rerun.
"""

from __future__ import annotations

import streamlit as st

from ui import state, widgets
from ui.components.chart_player import AnimatedChart, chart_player
from ui.i18n import t
from ui.plots.replay import (
    fixed_cell_range,
    frame_names,
    gate_means_over_epochs,
    loss_with_marker,
    marker_moves,
    replay_heatmaps,
    replay_saturation,
)
from ui.replay_text import frame_label, reading, scale_text

SPEEDS = (0.5, 1, 2, 4)  # snapshots per second the player offers (a frame redraws every heatmap: ~5 per second at most)
SPEED = 2  # and starts with

lang = st.session_state.get(state.LANG, "en")
classroom = state.is_classroom()
st.title(t("nav.replay"))
st.markdown(t("replay.intro"))
widgets.glossary_link("epoch")


def no_replay() -> None:
    """Explain what the page needs and link to the Train page."""
    if state.get_replay(allow_stale=True) is not None:
        st.warning(t("replay.stale"), icon=":material/warning:")
    else:
        st.info(t("replay.none"), icon=":material/info:")
    st.page_link("views/train.py", label=t("replay.to_train"), icon=":material/model_training:",
                 query_params=widgets.page_params())


# (no widgets.stop_page() on this page: app.py draws the sidebar status after the page returns)
buf = state.get_replay()
snaps = [] if buf is None else list(buf.snapshots)  # a copy: the training thread may still append
job = st.session_state.get(state.TRAIN_JOB)
if buf is None:
    no_replay()
elif not snaps:
    st.info(t("replay.empty"), icon=":material/hourglass_top:")
    st.page_link("views/train.py", label=t("replay.to_train"), icon=":material/model_training:",
                 query_params=widgets.page_params())
else:
    running = job is not None and getattr(job, "id", None) == buf.run_id and not getattr(job, "done", True)
    st.caption(t("replay.about", cell=t(f"cell_kind.{buf.cell}"), hidden=buf.hidden_size,
                 T=buf.probe_end - buf.probe_start, n=len(snaps), first=snaps[0].epoch, last=snaps[-1].epoch))
    if running:
        st.caption(t("replay.running"))

layer, direction = 0, "forward"
if snaps and (buf.num_layers > 1 or len(buf.directions) > 1):
    s1, s2 = st.columns(2)
    layer_labels = {v: t("replay.layer_n", n=v + 1) for v in range(buf.num_layers)}  # fixed in this language
    dir_labels = {d: t(f"replay.dir.{d}") for d in buf.directions}
    layer = s1.selectbox(t("replay.layer"), list(layer_labels), key=state.REPLAY_LAYER, format_func=layer_labels.get)
    direction = s2.radio(t("replay.direction"), list(dir_labels), horizontal=True, key=state.REPLAY_DIRECTION,
                         format_func=dir_labels.get)


def loss_points() -> tuple[list[int], list[float], list]:
    """Per-epoch losses: every epoch when the run that recorded the snapshots is this session's job."""
    if job is not None and getattr(job, "id", None) == buf.run_id and getattr(job, "rows", None):
        rows = list(job.rows)
        return [r.epoch for r in rows], [r.train_loss for r in rows], [r.val_loss for r in rows]
    return [s.epoch for s in snaps], [s.train_loss for s in snaps], [s.val_loss for s in snaps]


@st.fragment
def replay_view() -> None:
    """The epoch slider, the player and everything they drive (drawn from stored snapshots only)."""
    epochs = [s.epoch for s in snaps]
    if st.session_state.get(state.REPLAY_EPOCH) not in epochs:  # a new run: its epochs differ
        st.session_state.pop(state.REPLAY_EPOCH, None)
    epoch = st.select_slider(t("replay.epoch"), options=epochs, value=epochs[-1], key=state.REPLAY_EPOCH,
                             help=t("replay.epoch_help"))
    k = epochs.index(epoch)
    snap = snaps[k]
    gates = {name: snap.gates[(layer, direction, name)] for name in buf.gate_names}
    frames = [{n: s.gates[(layer, direction, n)] for n in buf.gate_names} for s in snaps]
    c_range = fixed_cell_range([f["cell"] for f in frames if "cell" in f])
    ep, tr, va = loss_points()
    loss_fig = loss_with_marker(ep, tr, va, epoch, lang=lang, marks=epochs)
    heat_fig = replay_heatmaps(frames, k, buf.probe_values, time=buf.probe_index, c_range=c_range, lang=lang)
    sigmoid = any(n in gates for n in ("input", "forget", "output", "reset", "update"))
    names = frame_names(len(snaps))
    charts = [AnimatedChart("replay.heatmaps", frames=names, redraw=True),
              AnimatedChart("replay.loss", moves=marker_moves(loss_fig, epochs, lang))]
    if sigmoid:
        sat_fig = replay_saturation(frames, k, lang=lang)
        means_fig = gate_means_over_epochs(epochs, frames, epoch, lang=lang)
        charts += [AnimatedChart("replay.saturation", frames=names),
                   AnimatedChart("replay.means", moves=marker_moves(means_fig, epochs, lang))]
    st.markdown(reading(snap, gates, frames[0], snaps[0].epoch, lang))
    st.html(chart_player("replay.player", charts, [frame_label(s, lang) for s in snaps], k, speeds=SPEEDS, speed=SPEED,
                         unit="epoch", lang=lang), unsafe_allow_javascript=True)
    widgets.show_figure(loss_fig, key="replay.loss")
    widgets.show_figure(heat_fig, key="replay.heatmaps")
    st.caption(scale_text(c_range, lang))
    if sigmoid:
        a, b = st.columns(2)
        with a:
            widgets.show_figure(sat_fig, key="replay.saturation")
        with b:
            widgets.show_figure(means_fig, key="replay.means")
        st.caption(t("replay.saturation_note"))


if snaps:
    replay_view()
st.divider()
st.page_link("views/lesson.py", label=t("replay.to_lesson"), icon=":material/school:",
             query_params=widgets.page_params())
