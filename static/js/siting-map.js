// The siting map: demand cells coloured by the share covered, each venue's
// service circle and the suggested sites, all from our own JSON. Tiles are
// optional: on a blank background the cells and venues still draw, and the
// tables beside the map hold the same figures.
(function () {
  "use strict";
  var element = document.getElementById("siting-map");
  if (!element || !window.L) return;
  var data = element.dataset;
  var center = data.center.split(",").map(Number);
  var map = L.map(element).setView(center, 11);
  var tilesFailed = document.querySelector("[data-map-tiles-failed]");
  if (data.tiles) {
    L.tileLayer(data.tiles, { maxZoom: 18, attribution: data.attribution })
      .on("tileerror", function () { tilesFailed.hidden = false; })
      .addTo(map);
  } else {
    tilesFailed.hidden = false;
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/geo+json" } }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    });
  }

  function line(label, value) {
    var p = document.createElement("p");
    p.textContent = label + ": " + value;
    return p;
  }

  var bounds = L.latLngBounds([]);
  var radius = Number(data.radius);
  var venues = getJSON(data.venues).then(function (geojson) {
    geojson.features.forEach(function (feature) {
      var c = feature.geometry.coordinates;
      var latlng = L.latLng(c[1], c[0]);
      L.circle(latlng, { radius: radius, className: "siting-circle", interactive: false }).addTo(map);
      L.circleMarker(latlng, { radius: 5, className: "siting-venue", keyboard: false })
        .bindTooltip(feature.properties.name)
        .addTo(map);
      bounds.extend(latlng);
    });
  });
  var cells = getJSON(data.cells).then(function (geojson) {
    geojson.features.forEach(function (feature) {
      var p = feature.properties;
      if (p.kind === "cell") {
        var polygon = L.geoJSON(feature, { style: { className: "siting-cell siting-cell-" + p.band } });
        var box = document.createElement("div");
        box.append(line(data.demand, p.demand), line(data.covered, p.share), document.createTextNode(p.town));
        polygon.bindPopup(box).addTo(map);
        bounds.extend(polygon.getBounds());
      } else {
        var c = feature.geometry.coordinates;
        var icon = L.divIcon({ className: "siting-site", html: String(p.rank), iconSize: L.point(28, 28) });
        var site = document.createElement("div");
        site.append(line(data.site, p.rank), line(data.adds, p.adds), document.createTextNode(p.town));
        L.marker([c[1], c[0]], { icon: icon, keyboard: false }).bindPopup(site).addTo(map);
      }
    });
  });
  Promise.all([venues, cells]).then(function () {
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16], maxZoom: 14 });
    element.dataset.drawn = "true";
  }).catch(function () { element.dataset.drawn = "failed"; });
})();
