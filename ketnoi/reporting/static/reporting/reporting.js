// Reporting pages: print buttons, and plotly charts drawn from the JSON the page embeds beside each table.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) { event.preventDefault(); window.print(); }
});
// Charts (specifications from ketnoi/reporting/charts.py): ranked bars of the units for the latest period beside
// the total's line over the periods, or small multiples, one per indicator. Vietnamese numbers (16.000; 3,5),
// Vietnamese toolbar (plotly-locale-vi.js), axis titles with units, a running period marked as partial.
(function () {
  var config = { displaylogo: false, responsive: true, locale: "vi",
                 modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines"] };
  function fmt(d) { return d > 0 ? ",." + d + "f" : ",d"; }
  function esc(t) { return String(t).replace(/&/g, "&amp;").replace(/</g, "&lt;"); }
  function box(parent, cls, height) {
    var el = document.createElement("div");
    el.className = cls;
    if (height) { el.style.height = height + "px"; }
    parent.appendChild(el);
    return el;
  }
  function trendLine(el, t, d, axis) {
    var solid = t.y.map(function (v, i) { return t.partial[i] ? null : v; });
    var lastFull = -1;
    t.partial.forEach(function (p, i) { if (!p) { lastFull = i; } });
    var running = t.y.map(function (v, i) { return (t.partial[i] || i === lastFull) ? v : null; });
    var traces = [
      { x: t.x, y: solid, type: "scatter", mode: t.x.length > 1 ? "lines+markers" : "markers",
        marker: { size: 8 }, line: { width: 2.5, color: "#0b57d0" }, name: "",
        hovertemplate: "%{x}: %{y:" + fmt(d) + "}<extra></extra>" },
      { x: t.x, y: running, type: "scatter", mode: "lines+markers", name: t.partial_label,
        line: { width: 2, dash: "dot", color: "#0b57d0" },
        marker: { size: 9, symbol: "circle-open", color: "#0b57d0" },
        hovertemplate: "%{x}: %{y:" + fmt(d) + "} (" + esc(t.partial_label) + ")<extra></extra>" }
    ];
    var anyPartial = t.partial.some(function (p) { return p; });
    Plotly.newPlot(el, anyPartial ? traces : traces.slice(0, 1), {
      margin: { t: 36, r: 16, b: 56, l: 72 }, separators: ",.", showlegend: anyPartial,
      legend: { orientation: "h", y: -0.28, x: 0 },
      title: { text: esc(t.title), font: { size: 13 }, x: 0, xanchor: "left" },
      xaxis: { type: "category", automargin: true },
      yaxis: { rangemode: "tozero", tickformat: fmt(d), title: { text: esc(axis) }, automargin: true }
    }, config);
  }
  function ranked(holder, spec) {
    var wrap = box(holder, "rp-chart-pair");
    var bars = spec.bars.slice().reverse();  // plotly draws the first bar at the bottom
    var el = box(wrap, "rp-chart-ranked", spec.height);
    var room = holder.clientWidth < 600 ? 22 : 48;  // on a phone, long unit names are shortened (full in the tooltip)
    var short = function (name) { return name.length > room ? name.slice(0, room - 1) + "…" : name; };
    Plotly.newPlot(el, [{
      type: "bar", orientation: "h", x: bars.map(function (b) { return b.value; }),
      y: bars.map(function (b) { return short(b.name); }), customdata: bars.map(function (b) { return b.name; }),
      marker: { color: bars.map(function (b) { return b.rest ? "#bdc1c6" : "#b3261e"; }) },
      text: bars.map(function (b) { return b.value; }), texttemplate: "%{x:" + fmt(spec.decimals) + "}",
      textposition: "outside", cliponaxis: false,
      hovertemplate: "%{customdata}: %{x:" + fmt(spec.decimals) + "}<extra></extra>"
    }], {
      margin: { t: 36, r: 60, b: 48, l: 10 }, separators: ",.", showlegend: false,
      title: { text: esc(spec.period), font: { size: 13 }, x: 0, xanchor: "left" },
      xaxis: { rangemode: "tozero", tickformat: fmt(spec.decimals), title: { text: esc(spec.axis) }, automargin: true },
      yaxis: { automargin: true, type: "category" }
    }, config);
    trendLine(box(wrap, "rp-chart-trend", 300), spec.trend, spec.decimals, spec.axis);
    if (spec.note) { var p = document.createElement("p"); p.className = "muted"; p.textContent = spec.note; holder.appendChild(p); }
  }
  function multiples(holder, spec) {
    var grid = box(holder, "rp-multiples");
    spec.panels.forEach(function (panel) {
      trendLine(box(grid, "rp-multiple", 260),
                { title: panel.name, x: spec.x, y: panel.y, partial: spec.partial, partial_label: spec.partial_label },
                panel.decimals, panel.axis);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.Plotly) return;
    document.querySelectorAll("[data-chart]").forEach(function (holder) {
      var source = document.getElementById(holder.getAttribute("data-chart"));
      if (!source) return;
      var spec = JSON.parse(source.textContent);
      if (spec.kind === "ranked") { ranked(holder, spec); } else if (spec.kind === "multiples") { multiples(holder, spec); }
    });
  });
})();
// A select that reloads the page with only its own choice (e.g. another form: its indicators and periods).
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("[data-autosubmit]")) {
    window.location.search = "?" + encodeURIComponent(el.name) + "=" + encodeURIComponent(el.value);
  }
});
