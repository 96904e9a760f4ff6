// Charts of the official pages, drawn with plotly from data the server embeds with json_script.
(function () {
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  var layout = function (extra) {
    var base = { margin: { t: 20, r: 20, b: 40, l: 70 }, separators: ",.", hovermode: "x unified",
                 legend: { orientation: "h" }, xaxis: {}, yaxis: { rangemode: "tozero", tickformat: ",d" } };
    return Object.assign(base, extra || {});
  };
  // Audience on the left, posts on a second axis on the right: the right margin leaves room for its labels.
  var withPosts = function (xaxis) {
    return layout({ xaxis: xaxis, margin: { t: 20, r: 60, b: 40, l: 70 },
                    yaxis2: { overlaying: "y", side: "right", rangemode: "tozero", tickformat: ",d" } });
  };
  // One page over years: month ticks (a day's date rotated and cut on a phone), few of them, each axis
  // titled, the legend below the plot; the hover still tells the day.
  var pageLayout = function (labels) {
    var lay = withPosts({ tickformat: "%m/%Y", hoverformat: "%d/%m/%Y", nticks: 6, automargin: true });
    lay.yaxis.title = { text: labels.audience };
    lay.yaxis.automargin = true;
    lay.yaxis2.title = { text: labels.posts };
    lay.yaxis2.automargin = true;
    lay.yaxis2.showgrid = false;
    lay.legend = { orientation: "h", y: -0.2 };
    return lay;
  };
  var config = { responsive: true, displaylogo: false, locale: "vi" };
  function draw() {
    if (!window.Plotly) { return; }
    var page = data("page-chart");
    if (page && document.getElementById("chart-page")) {
      Plotly.newPlot("chart-page", [
        { x: page.days, y: page.audience, name: page.labels.audience, type: "scatter", mode: "lines", connectgaps: false },
        { x: page.months, y: page.posts, name: page.labels.posts, type: "bar", yaxis: "y2", opacity: 0.4 }
      ], pageLayout(page.labels), config);
    }
    var board = data("board-charts");
    if (board && document.getElementById("chart-audience")) {
      // A running month is drawn apart (hatched bar, open marker) so its few days do not read as a collapse.
      var partial = board.partial || [];
      var full = function (v, i) { return partial[i] ? null : v; };
      var traces = [
        { x: board.months, y: board.audience.map(full), name: board.labels.audience, type: "scatter",
          mode: "lines+markers", line: { width: 2.5, color: "#0b57d0" }, hovertemplate: "%{x|%m/%Y}: %{y:,d}<extra></extra>" },
        { x: board.months, y: board.posts, name: board.labels.posts, type: "bar", yaxis: "y2",
          marker: { color: "#f4a259", opacity: 0.55,
                    pattern: { shape: partial.map(function (p) { return p ? "/" : ""; }) } },
          hovertemplate: "%{x|%m/%Y}: %{y:,d}<extra>" + board.labels.posts + "</extra>" }
      ];
      if (partial.some(function (p) { return p; })) {
        traces.push({ x: board.months, y: board.audience.map(function (v, i) { return partial[i] || partial[i + 1] ? v : null; }),
          name: board.labels.partial, type: "scatter", mode: "lines+markers", line: { dash: "dot", color: "#0b57d0" },
          marker: { symbol: "circle-open", size: 9 }, hovertemplate: "%{x|%m/%Y}: %{y:,d}<extra></extra>" });
      }
      var lay = withPosts({ tickformat: "%m/%Y", title: { text: "" } });
      lay.yaxis.title = { text: board.labels.audience_axis };
      lay.yaxis2.title = { text: board.labels.posts_axis };
      lay.yaxis2.showgrid = false;
      lay.yaxis2.tickmode = "auto";
      lay.yaxis2.nticks = 6;
      lay.margin = { t: 20, r: 80, b: 40, l: 80 };
      lay.legend = { orientation: "h", y: -0.18 };
      Plotly.newPlot("chart-audience", traces, lay, config);
    }
    if (board && document.getElementById("chart-platforms")) {
      Plotly.newPlot("chart-platforms", board.statuses.map(function (s) {
        return { x: board.platforms, y: s.values, name: s.label, type: "bar" };
      }), layout({ barmode: "stack", hovermode: "closest" }), config);
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
