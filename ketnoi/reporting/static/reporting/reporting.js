// Reporting pages: print buttons, and plotly charts drawn from the JSON the page embeds beside each table.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) { event.preventDefault(); window.print(); }
});
document.addEventListener("DOMContentLoaded", function () {
  if (!window.Plotly) return;
  document.querySelectorAll("[data-chart]").forEach(function (box) {
    var source = document.getElementById(box.getAttribute("data-chart"));
    if (!source) return;
    var spec = JSON.parse(source.textContent);
    var traces = spec.series.map(function (s) {
      return { type: spec.kind === "bar" ? "bar" : "scatter", mode: "lines+markers", name: s.name, x: spec.x, y: s.y,
               hovertemplate: "%{y:,.2f}<extra>" + s.name.replace(/</g, "&lt;") + "</extra>" };
    });
    var layout = { margin: { t: 30, r: 10, b: 60, l: 70 }, legend: { orientation: "h" }, barmode: "group",
                   separators: ",.", title: { text: spec.title, font: { size: 14 } }, yaxis: { rangemode: "tozero" } };
    window.Plotly.newPlot(box, traces, layout, { displaylogo: false, responsive: true, locale: "vi" });
  });
});
// A select that reloads the page with only its own choice (e.g. another form: its indicators and periods).
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("[data-autosubmit]")) {
    window.location.search = "?" + encodeURIComponent(el.name) + "=" + encodeURIComponent(el.value);
  }
});
