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

  // A change in points: rounded to one decimal, never "-0.0"; coloured by whether it is good
  // or bad for peace (`good`: a rise is good), grey when inside the noise band.
  delta(v, good = true, noise = 0) {
    if (v === null || v === undefined) return D.el("span", { class: "meta" }, "–");
    let points = Math.round(1000 * v) / 10;
    if (Object.is(points, -0) || points === 0) points = 0;
    const text = `${points > 0 ? "+" : points < 0 ? "−" : "±"}${Math.abs(points).toFixed(1)}`;
    const inside = Math.abs(v) <= (noise || 0) || points === 0;
    const better = (points > 0) === good;
    const cls = inside ? "noise" : better ? "up" : "down";
    const title = inside ? `within the noise band ±${(100 * (noise || 0)).toFixed(1)} points`
      : `${better ? "better" : "worse"} for peace (noise ±${(100 * (noise || 0)).toFixed(1)} points)`;
    return D.el("span", { class: cls, title }, text);
  },

  // A term with its glossary entry as a tooltip (GLOSSARY is set by the page).
  term(text, key) {
    const entry = (window.GLOSSARY || {})[key || text];
    return entry ? D.el("abbr", { title: entry, class: "term" }, text) : text;
  },

  label(forecast, id) {
    const t = forecast.tables[id];
    return t && t.name ? t.name.replace(/\s*\(.*\)\s*$/, "") : id;
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

  // The bottom line: the server's sentences (numbers from the same JSON).
  summary(summary) {
    return D.el("ul", { id: "summary-list" }, summary.sentences.map(s => D.el("li", { "data-topic": s.topic }, s.text)));
  },

  // Formats ranked by P(ceasefire by the date), with each interval named by what it measures.
  ranking(summary) {
    if (!summary.ceasefire.length) return D.el("p", { class: "meta" }, "No ranking without dated questions.");
    const ongoing = Object.fromEntries(summary.ongoing.map(r => [r.table, r]));
    const rows = summary.ceasefire.map(r => {
      const o = ongoing[r.table];
      const engines = r.engines ? `${D.pct(r.engine_low)}–${D.pct(r.engine_high)}` : "–";
      return D.el("tr", { "data-table": r.table },
        D.el("td", { class: "n" }, r.rank), D.el("td", {}, r.label),
        D.el("td", { class: "n" }, D.pct(r.p)),
        D.el("td", { class: "n" }, D.el("small", {}, `${D.pct(r.mc_low)}–${D.pct(r.mc_high)}`)),
        D.el("td", { class: "n" }, D.el("small", {}, engines)),
        D.el("td", { class: "n" }, D.pct(o.p), " ", D.el("small", {}, `(${D.pct(o.mc_low)}–${D.pct(o.mc_high)})`)),
        D.el("td", { class: "n" }, o.rank));
    });
    const head = ["rank", "format", D.term(`P(ceasefire by ${summary.by})`, "ceasefire"),
      D.term("Monte Carlo 95%"), D.term("engine range"),
      D.term("P(still fighting, still talking)", "still fighting, still talking"), "rank by P(still fighting)"];
    return D.wrap(D.table("ranking", head, rows));
  },

  wrap(node) { return D.el("div", { class: "scroll" }, node); },

  // The dated questions at the date per table, with Δ and noise when comparing with a baseline.
  datedTable(forecast, difference = null, noise = null) {
    if (!Object.values(forecast.tables).every(t => t.by))
      return D.el("p", { class: "meta" }, "No dated questions: the scenario needs an as_of date and a war between two belligerents.");
    const qs = [["ceasefire", "ceasefire", true], ["agreement", "signed agreement", true],
                ["abandoned", "format abandoned", false], ["ongoing", "still fighting, still talking", false]];
    const by = forecast.meta.by;
    const head = ["format"];
    qs.forEach(([, label]) => { head.push(D.term(label)); if (difference) head.push("Δ"); });
    head.push(D.term("ceasefire holds 2 y", "ceasefire holds"));
    if (difference) head.push("Δ");
    const rows = Object.entries(forecast.tables).map(([id, t]) => {
      const cells = [D.el("td", {}, D.label(forecast, id))];
      const d = (difference || {})[id] || {}, n = (noise || {})[id] || {};
      qs.forEach(([q, , good]) => {
        cells.push(D.el("td", { class: "n", "data-q": q }, D.pct(t.by[q])));
        if (difference) cells.push(D.el("td", { class: "n" }, D.delta(d[q], good, n[q])));
      });
      const ic = t.if_ceasefire || {};
      const count = ic.expected_draws_with_ceasefire || 0;
      cells.push(count < D.FEW
        ? D.el("td", { class: "n few", title: `rests on ≈${count.toFixed(0)} simulated ceasefires` }, "–", D.el("br"), D.el("small", {}, `≈${count.toFixed(0)} draws`))
        : D.el("td", { class: "n" }, D.pct((ic.holds || {})["2y"]), D.el("br"), D.el("small", {}, `≈${Math.round(count).toLocaleString("en")} draws`)));
      if (difference) cells.push(D.el("td", { class: "n" }, D.delta(d.ceasefire_holds_2y, true, n.ceasefire_holds_2y)));
      return D.el("tr", { "data-table": id }, cells);
    });
    const base = forecast.meta.base_rate;
    if (base) rows.push(D.el("tr", { class: "base" }, D.el("td", {}, D.term("base rate")),
      qs.flatMap(([q]) => [D.el("td", { class: "n" }, D.pct(base.by[q]))].concat(difference ? [D.el("td")] : [])),
      D.el("td"), difference ? D.el("td") : null));
    const table = D.table("dated", head, rows);
    table.prepend(D.el("caption", {}, `Probability by ${by}`));
    return D.wrap(table);
  },

  FEW: 30,

  // The one-shot classes side by side; `difference` adds a Δ column per output (with noise).
  formatsTable(forecast, difference, noise = null) {
    const partial = (forecast.meta.separable_issues || []).length
      ? [["partial_agreement", "partial deal, war goes on", true]] : [];
    const classes = [["comprehensive_settlement", "settlement", true], ["ceasefire_frozen_conflict", "frozen ceasefire", true],
                     ...partial, ["collapse_war", "war", false]];
    const headers = ["format"];
    classes.forEach(([c, l]) => {
      headers.push(c === "partial_agreement" ? D.term(l, "partial deal") : l);
      if (difference) headers.push("Δ");
    });
    headers.push(D.term("coerced"), D.term("treaty holds 2 y", "treaty holds"), D.term("peace holds 5 y", "peace holds"));
    if (difference) headers.push("Δ peace 5 y");
    const rows = Object.entries(forecast.tables).map(([id, t]) => {
      const cells = [D.el("td", {}, D.label(forecast, id))];
      const d = (difference || {})[id] || {}, n = (noise || {})[id] || {};
      classes.forEach(([c, , good]) => {
        const k = t.outcome_classes[c];
        cells.push(D.el("td", { class: "n", "data-class": c }, D.pct(k.p), D.el("br"),
          D.el("small", {}, `${D.pct(k.low)}–${D.pct(k.high)}`)));
        if (difference) cells.push(D.el("td", { class: "n" }, D.delta(d[c], good, n[c])));
      });
      const settled = t.outcome_classes.comprehensive_settlement.draws;
      if (settled < D.FEW) {
        cells.push(D.el("td", { class: "n few", colspan: 2, title: "too few settled draws to say" },
          `${D.pct(t.coercion.rate_among_settlements)} · ${D.pct(t.durability.settlement["2y"])}`, D.el("br"),
          D.el("small", {}, `${settled} settled draw${settled === 1 ? "" : "s"}`)));
      } else {
        cells.push(D.el("td", { class: "n" }, D.pct(t.coercion.rate_among_settlements), D.el("br"), D.el("small", {}, `${settled} draws`)));
        cells.push(D.el("td", { class: "n" }, D.pct(t.durability.settlement["2y"])));
      }
      cells.push(D.el("td", { class: "n" }, D.pct(t.durability.peace_holds["5y"])));
      if (difference) cells.push(D.el("td", { class: "n" }, D.delta(d.peace_holds_5y, true, n.peace_holds_5y)));
      return D.el("tr", { "data-table": id }, cells);
    });
    return D.wrap(D.table("formats", headers, rows));
  },

  // Download links for a stored run: every chart shown (SVG, PNG), the tables (CSV), the
  // forecast (JSON, Parquet).
  exports(run, charts) {
    const a = (href, text) => D.el("a", { href, download: "" , class: "download" }, text);
    const items = [a(`/api/runs/${run}/forecast.json`, "forecast JSON"), a(`/api/runs/${run}/forecast.parquet`, "Parquet")];
    for (const t of ["dated", "ranking", "monthly", "classes", "settlement"]) items.push(a(`/api/runs/${run}/table/${t}.csv`, `${t}.csv`));
    for (const c of charts) items.push(D.el("span", { class: "pill" }, `${c}: `, a(`/api/runs/${run}/chart/${c}.svg`, "SVG"), " ", a(`/api/runs/${run}/chart/${c}.png`, "PNG")));
    return D.el("p", { class: "exports meta", id: "exports" }, "Download: ", items.flatMap((x, i) => i ? [" · ", x] : [x]));
  },

  meta(forecast, extra = "") {
    const m = forecast.meta;
    return `engine ${m.engine} ${m.engine_version} · seed ${m.seed} · ${m.draws.toLocaleString("en")} draws · ` +
      `input ${m.input_hash.slice(0, 12)} · sources ${m.sources.join(", ")}${extra}`;
  },
};
