// The dashboard's 14-day charts (ECharts, served locally): one small bar chart per series.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.echarts) return;
  var days = JSON.parse(document.getElementById("dashboard-days").textContent);
  var charts = [];
  document.querySelectorAll(".dashboard-chart").forEach(function (holder) {
    var series = JSON.parse(holder.dataset.series);
    var labels = holder.dataset.forward === "1"
      ? series.map(function (_, i) { return "+" + i; })
      : days.map(function (d) { return d.slice(5); });
    var chart = echarts.init(holder);
    chart.setOption({
      title: {text: holder.dataset.label, textStyle: {fontSize: 13}},
      tooltip: {trigger: "axis"},
      grid: {left: 40, right: 10, top: 30, bottom: 24},
      xAxis: {type: "category", data: labels},
      yAxis: {type: "value", minInterval: 1},
      series: [{name: holder.dataset.label, type: "bar", data: series}]
    });
    holder.dataset.drawn = String(series.length);
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
});
