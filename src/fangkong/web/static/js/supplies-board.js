// The supplies board's chart: the day's orders by district, stacked by state (ECharts, served locally).
document.addEventListener("DOMContentLoaded", function () {
  var holder = document.getElementById("supplies-chart");
  if (!holder || !window.echarts) return;
  var data = JSON.parse(document.getElementById("supplies-chart-data").textContent);
  var names = JSON.parse(document.getElementById("supplies-state-names").textContent);
  var colors = {placed: "#8d99ae", prepared: "#f4a261", out_for_delivery: "#2a9d8f", delivered: "#1d3557", failed: "#e63946"};
  var chart = echarts.init(holder);
  chart.setOption({
    animation: false,
    tooltip: {trigger: "axis"},
    legend: {bottom: 0, data: data.series.map(function (s) { return names[s.state]; })},
    grid: {left: 48, right: 16, top: 16, bottom: 56},
    xAxis: {type: "category", data: data.districts},
    yAxis: {type: "value", minInterval: 1},
    series: data.series.map(function (s) {
      return {name: names[s.state], type: "bar", stack: "orders", data: s.values, itemStyle: {color: colors[s.state]}};
    })
  });
  holder.dataset.drawn = String(data.districts.length);
  window.addEventListener("resize", function () { chart.resize(); });
});
