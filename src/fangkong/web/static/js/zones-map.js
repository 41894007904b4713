/* The zone map: districts, compounds and zone places from /api/v1/zones/map, drawn on a plain
   background (no tile server, nothing off the machine), with a date slider. Zones are coloured by
   tier: buildings and units as squares, compounds, villages and venues as circles. */
(function () {
  "use strict";

  var COLORS = { high: "#c8102e", medium: "#e9a23b", low: "#2e7d32" };

  function addDays(iso, days) {
    var day = new Date(iso + "T00:00:00Z");
    day.setUTCDate(day.getUTCDate() + days);
    return day.toISOString().slice(0, 10);
  }

  function initZoneMap(element) {
    if (element.dataset.mapReady || typeof L === "undefined") return;
    element.dataset.mapReady = "1";
    var map = L.map(element, { attributionControl: false, zoomSnap: 0.25, preferCanvas: true });
    var compounds = L.layerGroup().addTo(map);
    var districts = L.layerGroup().addTo(map);
    var zones = L.layerGroup().addTo(map);
    var slider = document.getElementById(element.dataset.slider);
    var label = document.getElementById(element.dataset.label);
    var count = document.getElementById(element.dataset.count);
    var first = element.dataset.first;
    var wanted = null;
    var fitted = false;

    function drawCompounds(points) {
      for (var i = 0; i + 1 < points.length; i += 2) {
        L.circleMarker([points[i], points[i + 1]], {
          radius: 2, stroke: false, fillColor: "#8d99a8", fillOpacity: 0.6, interactive: false
        }).addTo(compounds);
      }
    }

    function drawDistricts(list) {
      districts.clearLayers();
      list.forEach(function (d) {
        L.circleMarker([d.lat, d.lon], {
          radius: 9, color: d.zones ? COLORS.low : "#1d3557", weight: 2, fillColor: "#ffffff", fillOpacity: 0.9
        }).bindTooltip(d.name + (d.zones ? " (" + d.zones + ")" : ""), {
          permanent: true, direction: "right", className: "map-label"
        }).addTo(districts);
      });
      if (!fitted && list.length) {
        var bounds = list.map(function (d) { return [d.lat, d.lon]; });
        if (bounds.length > 1) map.fitBounds(bounds, { padding: [30, 30] });
        else map.setView(bounds[0], 13);
        fitted = true;
      }
    }

    function drawZones(list) {
      zones.clearLayers();
      list.forEach(function (z) {
        var id = z[0], tier = z[1], kind = z[2], lat = z[3], lon = z[4], name = z[5];
        var style = { color: COLORS[tier] || "#555", weight: 1, fillColor: COLORS[tier] || "#555", fillOpacity: 0.75 };
        var size = kind === "unit" ? 9 : 12;
        var shape = (kind === "unit" || kind === "building")
          ? L.marker([lat, lon], { icon: L.divIcon({ className: "zone-square tier-" + tier, iconSize: [size, size] }) })
          : L.circleMarker([lat, lon], Object.assign({ radius: kind === "village" ? 10 : 7 }, style));
        shape.bindTooltip("#" + id + " " + name).on("click", function () { window.location.href = "/zones/" + id; });
        shape.addTo(zones);
      });
      var distinct = {};
      list.forEach(function (z) { distinct[z[0]] = true; });
      count.textContent = String(Object.keys(distinct).length);
    }

    function load(day, withCompounds) {
      wanted = day;
      label.textContent = day;
      var url = element.dataset.zoneMap + "?on=" + day + "&lang=" + element.dataset.lang +
        (withCompounds ? "" : "&compounds=false");
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (data.on !== wanted) return; // a later day was asked meanwhile
          if (withCompounds) drawCompounds(data.compounds || []);
          drawDistricts(data.districts || []);
          drawZones(data.zones || []);
          element.dataset.drawn = data.on;
        });
    }

    var timer = null;
    slider.addEventListener("input", function () {
      var day = addDays(first, parseInt(slider.value, 10));
      label.textContent = day;
      clearTimeout(timer);
      timer = setTimeout(function () { load(day, false); }, 150);
    });
    load(addDays(first, parseInt(slider.value, 10)), true);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-zone-map]").forEach(initZoneMap);
  });
})();
