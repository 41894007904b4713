/* Fangkong page helpers. Maps: markers on a blank background; no tile layer, nothing off the machine. */
(function () {
  "use strict";

  function initMap(element) {
    if (element.dataset.mapReady || typeof L === "undefined") return;
    var source = document.getElementById(element.dataset.mapSource);
    if (!source) return;
    var points = JSON.parse(source.textContent || "[]");
    var map = L.map(element, { attributionControl: false, zoomSnap: 0.25 });
    var bounds = [];
    points.forEach(function (p) {
      L.circleMarker([p.lat, p.lon], { radius: 7, color: "#1d3557", weight: 2, fillColor: "#c8102e", fillOpacity: 0.85 })
        .bindTooltip(p.name, { permanent: true, direction: "right", className: "map-label" })
        .addTo(map);
      bounds.push([p.lat, p.lon]);
    });
    if (bounds.length > 1) map.fitBounds(bounds, { padding: [40, 40] });
    else if (bounds.length === 1) map.setView(bounds[0], 10);
    else map.setView([0, 0], 2);
    element.dataset.mapReady = "1";
  }

  function initMaps(root) {
    (root || document).querySelectorAll("[data-map-source]").forEach(initMap);
  }

  document.addEventListener("DOMContentLoaded", function () { initMaps(document); });
  // buttons that print the page (no inline onclick: strict CSP)
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) window.print();
  });
  document.addEventListener("htmx:load", function (event) { initMaps(event.target); });
})();
