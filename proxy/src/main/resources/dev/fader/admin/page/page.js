// Fader's live page: polls /status and /status/history every 2 s and redraws in place.
// Text from the server is only ever set as textContent, never parsed as HTML.
"use strict";
const REFRESH_MS = 2000;
const COLORS = ["#2557a7", "#c62828", "#1a7f37", "#b26a00", "#6a1b9a", "#00838f"];
const charts = {}; // rollout -> metric -> uPlot

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? "" : String(c)));
  return e;
}

const pct = x => x == null ? "-" : (100 * x).toFixed(2) + "%";
const ms = x => x == null || x === "NaN" ? "-" : Number(x).toFixed(1) + " ms";
const num = x => x == null ? "-" : Number(x).toLocaleString("en-US");

// Every call to the admin port goes through here: with the token this tab was given, if any; on a 401 the
// token is asked for once and kept for the tab (sessionStorage), so GETs under admin-read-token work too.
async function call(url, options) {
  const send = () => fetch(url, Object.assign({}, options,
    {headers: sessionStorage.faderToken ? {Authorization: "Bearer " + sessionStorage.faderToken} : {}}));
  let r = await send();
  if (r.status === 401 && !call.asking) {
    call.asking = true;
    const token = prompt("This admin API needs a token (" + (options && options.method === "POST"
      ? "admin-token" : "admin-read-token or admin-token") + "):");
    call.asking = false;
    if (!token) return r;
    sessionStorage.faderToken = token;
    r = await send();
  }
  return r;
}

async function control(rollout, action) {
  if (!confirm(action[0].toUpperCase() + action.slice(1) + " rollout " + rollout + "? This acts at once.")) return;
  const r = await call("/rollouts/" + encodeURIComponent(rollout) + "/" + action, {method: "POST"});
  const text = (await r.text()).trim();
  if (!r.ok) alert(action + " refused (" + r.status + "): " + text);
  refresh();
}

function header(r) {
  const state = r.state || "static";
  const top = el("div", {class: "top"}, el("h2", {}, r.name), el("span", {class: "badge state " + state}, state));
  if (r.step != null) top.append(el("span", {class: "step"}, "step " + r.step + " of " + r.steps + ": "
      + r.canary + " at " + r.canaryWeightPercent + "%"));
  const actions = {progressing: ["pause", "promote", "abort"], paused: ["resume", "promote", "abort"]}[state] || [];
  if (actions.length) {
    const controls = el("span", {class: "controls"});
    for (const action of actions) {
      const b = el("button", {"data-action": action, type: "button"}, action);
      b.addEventListener("click", () => control(r.name, action));
      controls.append(b);
    }
    top.append(controls);
  }
  return top;
}

function split(r) {
  const box = el("div", {class: "split"});
  for (const l of r.layers) {
    const shares = Object.entries(l.shares).map(([v, s]) => v + " " + s + "%").join(", ");
    box.append(el("span", {class: "layer", title: l.test}, l.name + ": " + (shares || l.test)));
  }
  return box;
}

function variants(r) {
  const model = Object.values(r.variants).some(v => v.ai);
  const head = ["variant", "upstream", "requests", "errors", "error rate", "p50", "p99", "fallbacks", "feedback +/-"];
  if (model) head.push("TTFT p50", "out tokens/answer", "finish");
  head.push("verdict");
  const body = el("tbody");
  for (const [name, v] of Object.entries(r.variants)) {
    const cells = [name, v.upstream, num(v.requests), num(v.errors), pct(v.errorRate), ms(v.p50Ms), ms(v.p99Ms),
      num(v.fallbacks), v.feedback.positive + " / " + v.feedback.negative];
    if (model) {
      const ai = v.ai || {finish: {}};
      cells.push(ms(ai.ttftP50Ms), ai.meanOutputTokens == null ? "-" : Number(ai.meanOutputTokens).toFixed(1),
        Object.entries(ai.finish).map(([k, n]) => k + " " + n).join(", ") || "-");
    }
    const row = el("tr", {"data-variant": name});
    const classes = ["name", "upstream", "requests", "errors", "error-rate", "p50", "p99", "fallbacks", "feedback",
      "ttft", "tokens", "finish"];
    cells.forEach((c, i) => row.append(el("td", {class: classes[i]}, c)));
    const verdict = el("td", {class: "verdict " + v.verdict, title: v.verdictReason || ""}, v.verdict);
    if (v.evidence != null && v.verdict !== "BASELINE" && v.evidence === v.evidence) {
      verdict.append(" (" + Number(v.evidence).toPrecision(3) + " of " + Number(v.evidenceNeeded).toPrecision(3) + ")");
    }
    row.append(verdict);
    body.append(row);
  }
  return el("div", {class: "table"}, el("table", {}, el("thead", {}, el("tr", {}, ...head.map(h => el("th", {}, h)))), body));
}

function details(r) {
  const out = [];
  if (r.gates && r.gates.length) {
    const list = el("ol", {class: "gates"});
    for (const g of r.gates) list.append(el("li", {class: g.failed ? "failed" : ""}, g.evidence));
    out.push(el("details", {open: ""}, el("summary", {}, "Evidence per gate"), list));
  }
  if (r.history && r.history.length) {
    const list = el("ol", {class: "history", reversed: ""});
    for (const e of r.history.slice().reverse()) {
      list.append(el("li", {}, new Date(e.at).toLocaleString() + ": " + e.from + " \u2192 " + e.to + " at step "
        + e.step + ": " + e.reason));
    }
    out.push(el("details", {}, el("summary", {}, "Transitions (" + r.history.length + ")"), list));
  }
  if (r.shadow) out.push(el("div", {class: "extra shadow"}, "Shadow: " + r.shadow));
  if (r.sampleRatio && r.sampleRatio.mismatch) {
    out.push(el("div", {class: "extra DEGRADED"}, "Sample ratio mismatch: users are not in the split's shares."));
  }
  return out;
}

const METRICS = [
  ["rps", "requests / s", v => v],
  ["errorRate", "error rate %", v => v == null ? null : 100 * v],
  ["p99Ms", "p99 ms (window)", v => v],
  ["ttftMs", "TTFT p50 ms (window)", v => v],
];

function drawCharts(section, name, history) {
  const h = history.rollouts[name];
  if (!h || typeof uPlot === "undefined") return;
  let box = section.querySelector(".charts");
  if (!box) { box = el("div", {class: "charts"}); section.append(box); }
  const variants = Object.keys(h.variants);
  charts[name] = charts[name] || {};
  const series = [["weight", "canary share %", [{label: "canary %", stroke: COLORS[0], width: 2}], [h.weight]]];
  for (const [key, title, f] of METRICS) {
    const cols = variants.map(v => h.variants[v][key].map(f));
    if (key === "ttftMs" && cols.every(c => c.every(x => x == null))) continue;
    series.push([key, title, variants.map((v, i) => ({label: v, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: true})), cols]);
  }
  for (const [key, title, s, cols] of series) {
    const data = [history.t, ...cols];
    let c = charts[name][key];
    if (!c) {
      const holder = el("div", {class: "chart", "data-metric": key}, el("h3", {}, title));
      box.append(holder);
      c = new uPlot({width: Math.max(200, holder.clientWidth), height: 140, legend: {live: false},
        scales: {x: {time: true}}, series: [{}, ...s], axes: [{}, {size: 46}]}, data, holder);
      charts[name][key] = c;
    } else {
      c.setData(data);
    }
  }
}

async function refresh() {
  const live = document.getElementById("live");
  try {
    const status = await (await call("/status")).json();
    const history = await (await call("/status/history")).json();
    document.getElementById("meta").textContent = "epoch " + status.epoch + ", window " + status.window
      + (status.cluster ? ", fleet: " + status.cluster.instance + " (leader " + (status.cluster.leader || "none")
      + (status.cluster.connected ? "" : ", etcd unreachable") + ")" : "")
      + (status.lastReload.ok ? "" : ", last reload refused");
    const main = document.getElementById("rollouts");
    const seen = new Set();
    for (const r of status.rollouts) {
      seen.add(r.name);
      let section = main.querySelector('section[data-rollout="' + CSS.escape(r.name) + '"]');
      if (!section) {
        section = el("section", {class: "rollout", "data-rollout": r.name}, el("div", {class: "now"}));
        main.append(section);
      }
      const open = [...section.querySelectorAll(".now details")].map(d => d.open);
      const now = el("div", {class: "now"}, header(r), el("div", {class: "reason"}, r.reason || ""), split(r),
        variants(r), ...details(r));
      [...now.querySelectorAll("details")].forEach((d, i) => { if (i < open.length) d.open = open[i]; });
      section.querySelector(".now").replaceWith(now);
      drawCharts(section, r.name, history);
    }
    for (const s of [...main.querySelectorAll("section.rollout")]) {
      if (!seen.has(s.dataset.rollout)) { s.remove(); delete charts[s.dataset.rollout]; }
    }
    live.textContent = "updated " + new Date().toLocaleTimeString();
    live.className = "";
  } catch (e) {
    live.textContent = "cannot reach this instance: " + e.message;
    live.className = "stale";
  }
}

// Charts follow their cells' width (a phone turned, a window resized).
window.addEventListener("resize", () => {
  for (const byMetric of Object.values(charts)) {
    for (const c of Object.values(byMetric)) c.setSize({width: Math.max(200, c.root.parentNode.clientWidth), height: 140});
  }
});

refresh();
setInterval(refresh, REFRESH_MS);
