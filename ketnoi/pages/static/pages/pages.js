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
  var config = { responsive: true, displaylogo: false, locale: "vi" };
  function draw() {
    if (!window.Plotly) { return; }
    var page = data("page-chart");
    if (page && document.getElementById("chart-page")) {
      Plotly.newPlot("chart-page", [
        { x: page.days, y: page.audience, name: page.labels.audience, type: "scatter", mode: "lines", connectgaps: false },
        { x: page.months, y: page.posts, name: page.labels.posts, type: "bar", yaxis: "y2", opacity: 0.4 }
      ], withPosts({ tickformat: "%d/%m/%Y" }), config);
    }
    var board = data("board-charts");
    if (board && document.getElementById("chart-audience")) {
      Plotly.newPlot("chart-audience", [
        { x: board.months, y: board.audience, name: board.labels.audience, type: "scatter", mode: "lines+markers" },
        { x: board.months, y: board.posts, name: board.labels.posts, type: "bar", yaxis: "y2", opacity: 0.45 }
      ], withPosts({ tickformat: "%m/%Y" }), config);
    }
    if (board && document.getElementById("chart-platforms")) {
      Plotly.newPlot("chart-platforms", board.statuses.map(function (s) {
        return { x: board.platforms, y: s.values, name: s.label, type: "bar" };
      }), layout({ barmode: "stack", hovermode: "closest" }), config);
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
