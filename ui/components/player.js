/* LSTM Lab player: Play / Pause / step / speed over the frames of one view, entirely in the browser.
 *
 * lstmLabPlayer(root, cfg, view) wires the controls inside ``root`` (the markup of ui/components/player.py:
 * buttons with data-act="first|back|play|fwd|last", a select with data-act="speed", a range input with
 * data-act="scrub" and an element with data-role="label"). ``view.show(k)`` draws frame k (it may return a
 * promise). While playing, the player draws the frames itself at the chosen speed, unless the view has its own
 * clock: ``view.play(from, fps, onFrame, onEnd)`` starts it (returning false when it cannot), ``view.stop()``
 * stops it; a Plotly chart plays its own frames that way, at the pace plotly.js can draw them.
 * cfg: {n, start, labels: [n strings], play, pause}.
 *
 * Nothing here talks to the server: no frame causes a Streamlit rerun. The state is mirrored on the root for
 * tests and benchmarks: data-frame (frame shown), data-playing ("1" / "0"), data-shown (frames drawn so far).
 */
function lstmLabPlayer(root, cfg, view) {
  var q = function (sel) { return root.querySelector(sel); };
  var playBtn = q('[data-act="play"]');
  var speedSel = q('[data-act="speed"]');
  var scrub = q('[data-act="scrub"]');
  var label = q('[data-role="label"]');
  var n = cfg.n, k = Math.min(Math.max(cfg.start, 0), n - 1), playing = false, run = 0, shown = 0, own = false;

  function speed() { return Math.max(0.1, parseFloat(speedSel ? speedSel.value : "5") || 5); }
  function sleep(ms) { return new Promise(function (ok) { setTimeout(ok, ms); }); }

  function mark() {
    root.dataset.frame = String(k);
    root.dataset.playing = playing ? "1" : "0";
    root.dataset.shown = String(shown);
    if (scrub) scrub.value = String(k);
    if (label) label.textContent = cfg.labels[k];
    if (playBtn) {
      playBtn.querySelector('[data-role="icon"]').className = playing ? "lstm-ico lstm-ico-pause" : "lstm-ico lstm-ico-play";
      playBtn.querySelector('[data-role="play-text"]').textContent = playing ? cfg.pause : cfg.play;
      playBtn.setAttribute("aria-pressed", playing ? "true" : "false");
    }
    root.querySelectorAll('[data-act="first"], [data-act="back"]').forEach(function (b) { b.disabled = k <= 0; });
    root.querySelectorAll('[data-act="fwd"], [data-act="last"]').forEach(function (b) { b.disabled = k >= n - 1; });
  }

  function shownBy(j) {  // the view drew frame j (on its own clock, or asked by show)
    k = Math.min(Math.max(j, 0), n - 1);
    shown += 1;
    mark();
  }

  function show(j) {
    shownBy(j);
    var out;
    try { out = view.show(k); } catch (err) { out = null; }
    return Promise.resolve(out).catch(function () { return null; });
  }

  function pause() {
    var wasOwn = own;
    playing = false; own = false; run += 1;
    if (wasOwn && view.stop) view.stop();
    mark();
  }

  function ended(mine) { if (mine === run) pause(); }

  async function loop(mine) {  // the player's own clock: one frame, then wait what is left of 1 / speed
    var due = performance.now();
    while (playing && mine === run && k < n - 1) {
      await show(k + 1);
      due += 1000 / speed();
      var wait = due - performance.now();
      if (wait > 0) await sleep(wait); else due = performance.now();  // behind: slow down, never skip a frame
    }
    ended(mine);
  }

  async function play() {
    if (n < 2) return;
    var mine = ++run;
    playing = true;
    mark();
    if (k >= n - 1) {  // at the end, Play starts again from the beginning
      await show(0);
      await sleep(1000 / speed());
      if (mine !== run) return;
    }
    if (view.play && view.play(k, speed(), function (j) { if (mine === run) shownBy(j); },
                               function () { own = false; ended(mine); }) !== false) {
      own = true;
      return;
    }
    loop(mine);
  }

  function restart() { if (playing) { pause(); play(); } }  // a new speed takes effect at once

  root.addEventListener("click", function (ev) {
    var btn = ev.target.closest("button[data-act]");
    if (!btn || !root.contains(btn)) return;
    var act = btn.dataset.act;
    if (act === "play") { if (playing) pause(); else play(); return; }
    pause();
    if (act === "first") show(0);
    else if (act === "back") show(k - 1);
    else if (act === "fwd") show(k + 1);
    else if (act === "last") show(n - 1);
  });
  if (speedSel) speedSel.addEventListener("change", restart);
  if (scrub) scrub.addEventListener("input", function () { pause(); show(parseInt(scrub.value, 10)); });
  root.addEventListener("keydown", function (ev) {
    if (ev.target === speedSel || ev.target === scrub) return;
    if (ev.key === " " && ev.target.tagName !== "BUTTON") { ev.preventDefault(); if (playing) pause(); else play(); }
    else if (ev.key === "ArrowRight") { ev.preventDefault(); pause(); show(k + 1); }
    else if (ev.key === "ArrowLeft") { ev.preventDefault(); pause(); show(k - 1); }
  });
  mark();
  root.lstmLabPlayer = { play: play, pause: pause, show: function (j) { pause(); return show(j); } };
  return root.lstmLabPlayer;
}
