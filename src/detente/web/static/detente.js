// detente dashboard: a few helpers over fetch() for the pages; every number comes from /api.
"use strict";

const D = {
  async api(path, options = {}) {
    const init = { method: options.method || "GET", headers: { Accept: "application/json" } };
    if (options.json !== undefined) {
      init.method = options.method || "POST";
      init.body = JSON.stringify(options.json);
      init.headers["Content-Type"] = "application/json";
    }
    if (options.body !== undefined) { init.method = options.method || "POST"; init.body = options.body; }
    if (options.signal) init.signal = options.signal;
    const response = await fetch(path, init);
    let body;
    try { body = await response.json(); } catch (e) { body = { error: `${response.status} ${response.statusText}` }; }
    if (!response.ok) throw new Error((body && body.error) || `request failed (${response.status})`);
    return body;
  },

  // Build an element; children are nodes or strings (always inserted as text, never as HTML).
  el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v; else node.setAttribute(k, v === true ? "" : v);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  },

  table(id, headers, rows) {
    const head = D.el("tr", {}, headers.map(h => D.el("th", {}, h)));
    return D.el("table", { id }, head, rows);
  },

  pct(v) { return v === null || v === undefined ? "–" : `${(100 * v).toFixed(0)}%`; },

  delta(v) {
    const points = 100 * (v || 0);
    const text = `${points > 0 ? "+" : ""}${points.toFixed(1)}`;
    return D.el("span", { class: points >= 0.05 ? "up" : points <= -0.05 ? "down" : "" }, text);
  },

  // Text with the search engine's [match] markers shown as <mark> (built as nodes, not HTML).
  marked(text) {
    const parts = String(text || "").split(/(\[[^\]]*\])/);
    return parts.map(p => p.startsWith("[") && p.endsWith("]") ? D.el("mark", {}, p.slice(1, -1)) : p);
  },

  // Put server-rendered SVG charts (our own /api output) into their slots: <div id="chart-NAME">.
  charts(charts) {
    for (const [name, svg] of Object.entries(charts || {})) {
      const slot = document.getElementById(`chart-${name}`);
      if (slot) slot.innerHTML = svg;
    }
  },

  debounce(fn, ms) {
    let timer;
    return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
  },

  status(text, isError = false) {
    const node = document.getElementById("status");
    if (!node) return;
    node.textContent = text;
    node.className = isError ? "error" : "";
  },

  // The formats side by side as a table; `difference` adds a Δ column per outcome class.
  formatsTable(forecast, difference) {
    const classes = ["comprehensive_settlement", "ceasefire_frozen_conflict", "collapse_war"];
    const labels = ["settlement", "frozen ceasefire", "war"];
    const headers = ["table"];
    labels.forEach(l => { headers.push(l); if (difference) headers.push("Δ"); });
    headers.push("coerced", "treaty holds 2 y", "peace holds 5 y");
    const rows = Object.entries(forecast.tables).map(([id, t]) => {
      const cells = [D.el("td", {}, id, D.el("br"), D.el("small", {}, t.name))];
      classes.forEach(c => {
        const k = t.outcome_classes[c];
        cells.push(D.el("td", { class: "n", "data-class": c }, D.pct(k.p), D.el("br"),
          D.el("small", {}, `${D.pct(k.low)}–${D.pct(k.high)}`)));
        if (difference) cells.push(D.el("td", { class: "n" }, D.delta((difference[id] || {})[c])));
      });
      cells.push(D.el("td", { class: "n" }, D.pct(t.coercion.rate_among_settlements)));
      cells.push(D.el("td", { class: "n" }, D.pct(t.durability.settlement["2y"])));
      cells.push(D.el("td", { class: "n" }, D.pct(t.durability.peace_holds["5y"])));
      return D.el("tr", { "data-table": id }, cells);
    });
    return D.table("formats", headers, rows);
  },

  meta(forecast, extra = "") {
    const m = forecast.meta;
    return `engine ${m.engine} ${m.engine_version} · seed ${m.seed} · ${m.draws.toLocaleString("en")} draws · ` +
      `input ${m.input_hash.slice(0, 12)} · sources ${m.sources.join(", ")}${extra}`;
  },
};
