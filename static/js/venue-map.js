// The venue map: markers come from our GeoJSON; tiles are optional, so the
// markers and the list link still work when the tile host cannot be reached.
(function () {
  "use strict";
  var element = document.getElementById("venue-map");
  var status = document.querySelector("[data-map-status]");
  if (!element || !window.L) return;
  var center = element.dataset.center.split(",").map(Number);
  var map = L.map(element, { preferCanvas: false }).setView(center, 11);
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, {
      maxZoom: 18,
      attribution: element.dataset.attribution,
    }).addTo(map);
  }
  status.textContent = element.dataset.loading;
  fetch(element.dataset.geojson, { headers: { Accept: "application/geo+json" } })
    .then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    })
    .then(function (data) {
      var layer = L.geoJSON(data, {
        pointToLayer: function (feature, latlng) {
          return L.circleMarker(latlng, {
            radius: 8, weight: 2, color: "#ffffff", fillColor: "#b3261e", fillOpacity: 0.9,
          });
        },
        onEachFeature: function (feature, marker) {
          var p = feature.properties;
          var box = document.createElement("div");
          var title = document.createElement("a");
          title.href = p.url;
          title.textContent = p.name;
          title.className = "popup-title";
          var meta = document.createElement("p");
          meta.textContent = p.organization + " · " + p.category;
          var address = document.createElement("p");
          address.textContent = p.address;
          var more = document.createElement("a");
          more.href = p.url;
          more.textContent = element.dataset.details;
          box.append(title, meta, address, more);
          marker.bindPopup(box);
          marker.bindTooltip(p.name);
        },
      }).addTo(map);
      if (data.features.length) map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 15 });
      element.dataset.markers = String(data.features.length);
      status.textContent = "";
    })
    .catch(function () {
      status.textContent = element.dataset.failed;
    });
})();
