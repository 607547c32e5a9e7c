// The live page: polls /api/v1/progress every second and /api/v1/history every two, draws with uPlot.
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const num = (v, digits) => v == null ? "–"
      : Number(v).toLocaleString("en-US", {maximumFractionDigits: digits || 0, minimumFractionDigits: digits || 0});
  const duration = (s) => {
    if (s == null) return "–";
    s = Math.ceil(s);
    const h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, sec = s % 60;
    return (h > 0 ? h + ":" + String(m).padStart(2, "0") : String(m)) + ":" + String(sec).padStart(2, "0");
  };
  const escape = (s) => String(s).replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})[c]);

  const axis = {stroke: "#8b98a5", grid: {stroke: "#2a3542", width: 1}, ticks: {stroke: "#2a3542", width: 1}};
  const charts = {};
  function chart(id, series) {
    const el = $(id);
    const opts = {
      width: Math.max(300, el.clientWidth), height: 180,
      scales: {x: {time: true}},
      axes: [axis, Object.assign({}, axis, {size: 60})].concat(series.some((s) => s.scale === "limit")
          ? [Object.assign({}, axis, {scale: "limit", side: 1, size: 40, grid: {show: false}})] : []),
      legend: {show: true, live: false},
      cursor: {points: {size: 6}},
      series: [{}].concat(series.map((s) => ({label: s.label, stroke: s.color, width: 2, spanGaps: false,
        fill: s.fill || undefined, scale: s.scale || "y"}))),
    };
    const data = [[]].concat(series.map(() => []));
    charts[id] = {plot: new uPlot(opts, data, el), columns: series.map((s) => s.column), el: el};
  }
  chart("chart-throughput", [{label: "documents/s", column: "documentsPerSecond", color: "#3fb950", fill: "rgba(63,185,80,.12)"}]);
  chart("chart-latency", [{label: "p50 ms", column: "latencyP50Millis", color: "#58a6ff"},
                          {label: "p99 ms", column: "latencyP99Millis", color: "#d29922"}]);
  chart("chart-throttled", [{label: "throttled/s", column: "throttledPerSecond", color: "#f85149", fill: "rgba(248,81,73,.12)"}]);
  chart("chart-pacing", [{label: "pacing rate/s", column: "pacingRate", color: "#a371f7"},
                         {label: "concurrency limit (right)", column: "concurrencyLimit", color: "#58a6ff", scale: "limit"}]);
  chart("chart-lag", [{label: "lag s", column: "lagSeconds", color: "#d29922", fill: "rgba(210,153,34,.12)"}]);

  function drawHistory(h) {
    for (const id in charts) {
      const c = charts[id];
      c.plot.setData([h.t].concat(c.columns.map((col) => h[col] || [])));
      const points = c.columns.reduce((n, col) => n + (h[col] || []).filter((v) => v != null).length, 0);
      c.el.dataset.points = String(points);
      const card = c.el.closest(".charts .card");
      if (card) card.classList.toggle("empty", points === 0);
    }
  }

  function drawProgress(p) {
    document.body.dataset.state = p.state;
    const state = $("state");
    state.textContent = p.state;
    state.className = "state " + p.state;
    $("updated").textContent = p.updatedAt ? "updated " + new Date(p.updatedAt).toLocaleTimeString() : "";
    $("percent").textContent = p.percent == null ? "–" : num(p.percent, 1) + "%";
    $("overall-fill").style.width = (p.percent || 0) + "%";
    $("overall-fill").dataset.percent = p.percent == null ? "" : String(p.percent);
    $("overall-text").textContent = num(p.documentsCopied) + (p.documentsTotal == null ? "" : " of " + num(p.documentsTotal))
        + " documents";
    $("eta").textContent = p.etaSeconds == null ? "–" : duration(p.etaSeconds);
    $("k-docs").textContent = num(p.documentsPerSecond);
    $("k-mb").textContent = num(p.bytesPerSecond / 1048576, 1);
    $("k-p99").textContent = p.latencyMillis && p.latencyMillis.batches > 0 ? num(p.latencyMillis.p99, 1) + " ms" : "–";
    $("k-throttled").textContent = num(p.throttledPerSecond, 1);
    $("k-pacing").textContent = (p.pacingRate == null ? "–" : num(p.pacingRate)) + " / "
        + (p.concurrencyLimit == null ? "–" : num(p.concurrencyLimit));
    $("k-errors").textContent = num(p.errors);
    $("k-retries").textContent = num(p.retries);
    $("k-elapsed").textContent = duration(p.elapsedSeconds);

    const rows = p.namespaces.map((n) => {
      const pct = n.percent == null ? null : n.percent;
      return '<tr class="ns-row" data-source="' + escape(n.source) + '" data-percent="' + (pct == null ? "" : pct) + '">'
          + "<td>" + escape(n.source) + (n.target ? " → " + escape(n.target) : "") + "</td>"
          + '<td><span class="state ' + escape(n.state) + '">' + escape(n.state) + "</span></td>"
          + '<td><div class="bar"><div class="fill" style="width:' + (pct || 0) + '%"></div></div>'
          + '<span class="pct">' + (pct == null ? "no estimate" : num(pct, 1) + "%") + "</span></td>"
          + "<td>" + num(n.documentsCopied) + (n.documentsTotal == null ? "" : " / " + num(n.documentsTotal)) + "</td>"
          + "<td>" + num(n.documentsPerSecond) + "</td>"
          + "<td>" + (n.etaSeconds == null ? "–" : duration(n.etaSeconds)) + "</td>"
          + "<td>" + (n.partitionsTotal == null ? "–" : n.partitionsDone + " / " + n.partitionsTotal) + "</td>"
          + "<td>" + (n.verification == null ? "–" : escape(n.verification) + (n.mismatches ? " (" + n.mismatches + ")" : "")) + "</td>"
          + "<td>" + num(n.deadLetters) + "</td></tr>";
    });
    document.querySelector("#namespaces tbody").innerHTML = rows.join("")
        || '<tr><td colspan="9" class="muted">no namespace reported yet</td></tr>';

    const following = p.state === "following" || p.lagSeconds != null;
    $("follow").classList.toggle("hidden", !following);
    if (following) {
      const lag = charts["chart-lag"];
      if (Math.abs(lag.plot.width - lag.el.clientWidth) > 10) lag.plot.setSize({width: Math.max(300, lag.el.clientWidth), height: 180});
      const pill = $("cutover");
      pill.textContent = p.canCutover ? "ready to cut over" : "not ready";
      pill.classList.toggle("ready", p.canCutover);
      $("checklist").innerHTML = p.cutover.checks.map((c) =>
          '<li class="' + (c.ok ? "ok" : "") + '"><b>' + escape(c.name) + "</b> " + escape(c.detail) + "</li>").join("");
    }
    const outcome = [];
    if (p.verification) outcome.push("Verification: <b>" + escape(p.verification.status) + "</b>"
        + (p.verification.mismatches ? ", " + num(p.verification.mismatches) + " mismatches" : ""));
    if (p.deadLetters > 0) outcome.push("Dead letters: <b>" + num(p.deadLetters) + "</b> documents refused by the target");
    if (p.lastError) outcome.push("Last error: " + escape(p.lastError));
    $("outcome").classList.toggle("hidden", outcome.length === 0);
    $("outcome-text").innerHTML = outcome.join("<br>");
  }

  let seenProgress = false, seenHistory = false;
  function ready() {
    if (seenProgress && seenHistory) document.body.dataset.ready = "true";
  }
  function fail(e) {
    const el = $("error");
    el.textContent = "Cannot reach the run (" + e + "): it may have ended.";
    el.classList.remove("hidden");
  }
  function pollProgress() {
    fetch("api/v1/progress", {cache: "no-store"}).then((r) => r.json()).then((p) => {
      $("error").classList.add("hidden");
      drawProgress(p);
      seenProgress = true;
      ready();
    }).catch(fail);
  }
  function pollHistory() {
    fetch("api/v1/history", {cache: "no-store"}).then((r) => r.json()).then((h) => {
      drawHistory(h);
      seenHistory = true;
      ready();
    }).catch(fail);
  }
  window.addEventListener("resize", () => {
    for (const id in charts) charts[id].plot.setSize({width: Math.max(300, charts[id].el.clientWidth), height: 180});
  });
  pollProgress();
  pollHistory();
  setInterval(pollProgress, 1000);
  setInterval(pollHistory, 2000);
})();
