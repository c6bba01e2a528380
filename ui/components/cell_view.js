/* LSTM Lab, Inside the cell: the cell's diagram and its equations in one view, linked term by term.
 *
 * lstmLabCellView(root, scene, steps) draws the diagram of ``scene`` (elements from ui/cell_diagram.py, in
 * diagram units, y up) as SVG into the element of ``root`` with data-role="diagram", and returns a view for the
 * player (player.js): view.show(k) writes step k's numbers on the wires (steps[k].vals), in the equations'
 * number slots (steps[k].slots, elements with data-slot), the boxes' fills (steps[k].fills) and the reading
 * (steps[k].read). The SVG is built here, not sent as markup: st.html keeps HTML only.
 *
 * Linking: every element of the diagram and every symbol of the equations carries data-term (the quantity it
 * stands for). Pointing at one (mouse or keyboard focus) lights every element with the same term, in the
 * diagram and in the equations, and dims the rest; a click pins the term until the next click.
 * root.dataset.term holds the term lit, for tests.
 */
function lstmLabCellView(root, scene, steps) {
  var NS = "http://www.w3.org/2000/svg";
  var S = scene.scale;
  var W = (scene.x1 - scene.x0) * S, H = (scene.y1 - scene.y0) * S;
  function X(x) { return (x - scene.x0) * S; }
  function Y(y) { return (scene.y1 - y) * S; }
  function el(tag, attrs, parent) {
    var e = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(e);
    return e;
  }
  function group(e, parent) {
    var g = el("g", {"class": "cv-el"}, parent);
    if (e.term) { g.setAttribute("data-term", e.term); }
    g.setAttribute("data-name", e.name);
    return g;
  }

  var svg = el("svg", {viewBox: "0 0 " + W + " " + H, "class": "cv-svg", role: "img", "aria-label": scene.title});
  var layers = {wire: el("g", {}, svg), box: el("g", {}, svg), op: el("g", {}, svg), val: el("g", {}, svg)};
  var vals = {}, boxes = {};
  scene.elements.forEach(function (e) {
    if (e.kind === "wire") {
      var d = e.points.map(function (p, j) { return (j ? "L" : "M") + X(p[0]) + " " + Y(p[1]); }).join(" ");
      var g = group(e, layers.wire);
      el("path", {d: d, fill: "none", stroke: e.color, "stroke-width": e.width, "stroke-linecap": "round",
                  "stroke-linejoin": "round"}, g);
    } else if (e.kind === "arrow") {
      var tail = e.points[0], tip = e.points[1];
      var dx = X(tip[0]) - X(tail[0]), dy = Y(tip[1]) - Y(tail[1]), len = Math.hypot(dx, dy) || 1;
      var ux = dx / len, uy = dy / len, s = 0.32 * S;
      var bx = X(tip[0]) - ux * s, by = Y(tip[1]) - uy * s;
      var pts = [[X(tip[0]), Y(tip[1])], [bx - uy * s * 0.6, by + ux * s * 0.6], [bx + uy * s * 0.6, by - ux * s * 0.6]];
      el("polygon", {points: pts.map(function (p) { return p.join(","); }).join(" "), fill: e.color}, group(e, layers.wire));
    } else if (e.kind === "box") {
      var gb = group(e, layers.box);
      var w = e.width * S, h = scene.box_h * S;
      var rect = el("rect", {x: X(e.at[0]) - w / 2, y: Y(e.at[1]) - h / 2, width: w, height: h, rx: 5,
                             stroke: e.color, "stroke-width": 3, fill: "#F4F4F4"}, gb);
      var txt = el("text", {x: X(e.at[0]), y: Y(e.at[1]), "text-anchor": "middle", "dominant-baseline": "central",
                            "class": "cv-box-label"}, gb);
      txt.textContent = e.label + ": " + e.symbol;
      el("title", {}, gb).textContent = e.title;
      boxes[e.term] = {rect: rect, text: txt};
    } else if (e.kind === "op") {
      var go = group(e, layers.op);
      el("circle", {cx: X(e.at[0]), cy: Y(e.at[1]), r: e.radius * S, fill: "#F4F4F4", stroke: e.color,
                    "stroke-width": 2}, go);
      var t = el("text", {x: X(e.at[0]), y: Y(e.at[1]), "text-anchor": "middle", "dominant-baseline": "central",
                          "class": e.symbol.length > 2 ? "cv-op-word" : "cv-op"}, go);
      t.textContent = e.symbol;
    } else if (e.kind === "val") {
      var gv = group(e, layers.val);
      var bg = el("rect", {rx: 4, fill: "#FFFFFF", stroke: e.color, "stroke-width": 1.2}, gv);
      var tv = el("text", {x: X(e.at[0]), y: Y(e.at[1]), "text-anchor": "middle", fill: e.color, "class": "cv-val"}, gv);
      el("tspan", {x: X(e.at[0]), dy: "-0.25em"}, tv).textContent = e.symbol;
      var number = el("tspan", {x: X(e.at[0]), dy: "1.1em", "font-weight": "700"}, tv);
      var title = el("title", {}, gv);
      vals[e.term] = {bg: bg, text: tv, number: number, title: title};
    }
  });
  var holder = root.querySelector('[data-role="diagram"]');
  holder.textContent = "";
  holder.appendChild(svg);
  var read = root.querySelector('[data-role="read"]');
  var slots = root.querySelectorAll("[data-slot]");
  root.querySelectorAll(".cv-eqs [data-term]").forEach(function (e) {
    e.style.setProperty("--c", scene.colors[e.dataset.term] || "#7A8B99");
    e.setAttribute("tabindex", "0");
  });

  function fit(v) {  // the pale box behind a number follows the number's width
    var b = v.text.getBBox();
    v.bg.setAttribute("x", b.x - 4); v.bg.setAttribute("y", b.y - 2);
    v.bg.setAttribute("width", b.width + 8); v.bg.setAttribute("height", b.height + 4);
  }

  function show(k) {
    var s = steps[k];
    Object.keys(vals).forEach(function (term) {
      var v = vals[term];
      v.number.textContent = s.vals[term];
      v.title.textContent = s.hover[term];
      fit(v);
    });
    Object.keys(boxes).forEach(function (term) {
      boxes[term].rect.setAttribute("fill", s.fills[term][0]);
      boxes[term].text.setAttribute("fill", s.fills[term][1]);
    });
    slots.forEach(function (e) { var text = s.slots[e.dataset.slot]; if (text !== undefined) e.textContent = text; });
    if (read) read.textContent = s.read;
    root.dataset.step = String(k);
  }

  var pinned = null;
  function light(term) {
    root.classList.toggle("cv-hl", !!term);
    root.querySelectorAll(".cv-on").forEach(function (e) { e.classList.remove("cv-on"); });
    if (term) root.querySelectorAll('[data-term="' + term + '"]').forEach(function (e) { e.classList.add("cv-on"); });
    root.dataset.term = term || "";
  }
  function termOf(target) {
    var t = target && target.closest ? target.closest("[data-term]") : null;
    return t && root.contains(t) ? t.dataset.term : null;
  }
  root.addEventListener("mouseover", function (ev) { var t = termOf(ev.target); if (t) light(t); });
  root.addEventListener("mouseout", function (ev) { if (!termOf(ev.relatedTarget)) light(pinned); });
  root.addEventListener("focusin", function (ev) { var t = termOf(ev.target); if (t) light(t); });
  root.addEventListener("focusout", function () { light(pinned); });
  root.addEventListener("click", function (ev) {
    var t = termOf(ev.target);
    if (!t) return;
    pinned = pinned === t ? null : t;
    light(pinned || t);
  });
  root.addEventListener("keydown", function (ev) {
    var t = termOf(ev.target);
    if (t && (ev.key === "Enter" || ev.key === " ") && ev.target.closest(".cv-eqs")) {
      ev.preventDefault(); ev.stopPropagation();
      pinned = pinned === t ? null : t;
      light(pinned || t);
    }
  });
  return {show: show, light: light};
}
