// The hotline board's chart: tickets received and replied per day of receipt (ECharts, served locally).
document.addEventListener("DOMContentLoaded", function () {
  var holder = document.getElementById("hotline-chart");
  if (!holder || !window.echarts) return;
  var days = JSON.parse(document.getElementById("hotline-days").textContent);
  var received = holder.dataset.received, replied = holder.dataset.replied;
  var chart = echarts.init(holder);
  chart.setOption({
    tooltip: {trigger: "axis"},
    legend: {data: [received, replied]},
    xAxis: {type: "category", data: days.map(function (d) { return d.key.slice(5); })},
    yAxis: {type: "value"},
    series: [
      {name: received, type: "bar", data: days.map(function (d) { return d.received; })},
      {name: replied, type: "line", data: days.map(function (d) { return d.replied; })}
    ]
  });
  holder.dataset.drawn = String(days.length);
  window.addEventListener("resize", function () { chart.resize(); });
});
