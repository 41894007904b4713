// The work-resumption board's chart: resumption rates per day, all and above-scale (ECharts, served locally).
document.addEventListener("DOMContentLoaded", function () {
  var holder = document.getElementById("enterprises-chart");
  if (!holder || !window.echarts) return;
  var days = JSON.parse(document.getElementById("enterprises-trend").textContent);
  var all = holder.dataset.all, above = holder.dataset.above;
  var chart = echarts.init(holder);
  chart.setOption({
    tooltip: {trigger: "axis"},
    legend: {data: [above, all]},
    xAxis: {type: "category", data: days.map(function (d) { return d.day.slice(5); })},
    yAxis: {type: "value", min: 0, max: 100},
    series: [
      {name: above, type: "line", data: days.map(function (d) { return d.above_scale_rate; })},
      {name: all, type: "line", data: days.map(function (d) { return d.rate; })}
    ]
  });
  holder.dataset.drawn = String(days.length);
  window.addEventListener("resize", function () { chart.resize(); });
});
