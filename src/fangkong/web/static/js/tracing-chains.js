/* Transmission chains: one node per cluster on a fixed grid (no force layout: thousands of clusters
   stay fast); a click draws that cluster's cases and contacts from /api/v1/tracing/chains/{id}. */
(function () {
  "use strict";

  function overview(element, detail) {
    var clusters = JSON.parse(element.dataset.clusters || "[]");
    var columns = Math.max(1, Math.ceil(Math.sqrt(clusters.length)));
    // a node fills at most its grid cell (log scale of the cases, largest first): 2,000 clusters stay apart
    var cell = Math.min(60, Math.max(4, Math.min(element.clientWidth || 600, element.clientHeight || 400) / columns));
    var largest = Math.log(1 + (clusters.length ? clusters[0].cases : 1));
    var nodes = clusters.map(function (c, i) {
      return { id: String(c.id), name: "#" + c.id, value: c.cases, x: (i % columns) * 10, y: Math.floor(i / columns) * 10,
               symbolSize: Math.max(3, 0.85 * cell * Math.log(1 + c.cases) / largest) };
    });
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: { formatter: function (p) { return p.name + " · " + p.value + " " + element.dataset.labelCases; } },
      series: [{ type: "graph", layout: "none", roam: true, data: nodes, links: [],
                 itemStyle: { color: "#c1121f" }, label: { show: clusters.length <= 200, position: "right" } }]
    });
    element.dataset.drawn = String(nodes.length);  // what the browser test reads: the overview is drawn
    chart.on("click", function (p) { if (p.dataType === "node") cluster(detail, p.data.id); });
    window.addEventListener("resize", function () { chart.resize(); });
    if (clusters.length) cluster(detail, String(clusters[0].id));
  }

  function cluster(element, id) {
    fetch("/api/v1/tracing/chains/" + encodeURIComponent(id), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (graph) {
        if (!graph) return;
        var names = { "case": element.dataset.labelCase, close_contact: element.dataset.labelClose,
                      secondary_contact: element.dataset.labelSecondary };
        var colors = { "case": "#c1121f", close_contact: "#f4a261", secondary_contact: "#2a9d8f" };
        var chart = echarts.getInstanceByDom(element) || echarts.init(element, null, { renderer: "canvas" });
        chart.setOption({
          animation: false,
          title: { text: "#" + graph.id, left: 8, top: 4, textStyle: { fontSize: 14 } },
          tooltip: {},
          series: [{ type: "graph", layout: "force", roam: true,
                     force: graph.nodes.length > 300 ? { repulsion: 12, edgeLength: 8, gravity: 0.3 }
                                                     : { repulsion: 60, edgeLength: 40 },
                     edgeSymbol: ["none", "arrow"],
                     data: graph.nodes.map(function (n) {
                       return { id: n.id, name: (names[n.kind] || n.kind) + " " + n.id.slice(1),
                                symbolSize: (n.kind === "case" ? 16 : 8) * (graph.nodes.length > 300 ? 0.5 : 1),
                                itemStyle: { color: colors[n.kind] } };
                     }),
                     links: graph.edges.map(function (e) {
                       return { source: e.source, target: e.target,
                                lineStyle: { width: e.kind === "infected" ? 2 : 1 } };
                     }) }]
        }, true);
        element.dataset.cluster = String(graph.id);
        element.dataset.nodes = String(graph.nodes.length);
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("chain-overview");
    if (element && typeof echarts !== "undefined") overview(element, document.getElementById("chain-cluster"));
  });
})();
