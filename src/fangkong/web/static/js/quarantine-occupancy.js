/* The occupancy chart: places needed per day now, and under another pack when chosen (data-* attributes,
   no inline script under the strict CSP). */
(function () {
  "use strict";

  function draw(element) {
    if (element.dataset.drawn || typeof echarts === "undefined") return;
    var labels = JSON.parse(element.dataset.labels || "[]");
    var series = [{ name: element.dataset.currentName, type: "line", data: JSON.parse(element.dataset.current || "[]"),
                    itemStyle: { color: "#1d3557" } }];
    if (element.dataset.other) {
      series.push({ name: element.dataset.otherName, type: "line", data: JSON.parse(element.dataset.other),
                    lineStyle: { type: "dashed" }, itemStyle: { color: "#c8102e" } });
    }
    var chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 32, bottom: 28 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: labels },
      yAxis: { type: "value", minInterval: 1 },
      series: series
    });
    element.dataset.drawn = String(series.length);
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("#occupancy-chart").forEach(draw);
  });
})();
