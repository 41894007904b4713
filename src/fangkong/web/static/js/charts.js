/* ECharts bar charts from data-* attributes: <div class="chart" data-chart="bar" data-labels="[…]"
   data-values="[…]" data-series="…">. No inline script (strict CSP); HTMX-swapped partials too. */
(function () {
  "use strict";

  function initChart(element) {
    if (element.dataset.chartReady || typeof echarts === "undefined") return;
    var labels = JSON.parse(element.dataset.labels || "[]");
    var values = JSON.parse(element.dataset.values || "[]");
    var chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: 40, right: 16, top: 16, bottom: 28 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: labels },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ name: element.dataset.series || "", type: "bar", data: values, itemStyle: { color: "#1d3557" } }]
    });
    element.dataset.chartReady = "1";
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function initCharts(root) {
    (root || document).querySelectorAll("[data-chart='bar']").forEach(initChart);
  }

  document.addEventListener("DOMContentLoaded", function () { initCharts(document); });
  document.addEventListener("htmx:load", function (event) { initCharts(event.target); });
})();
