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

  // Near me: only after the user presses the button is the position asked for.
  var nearButton = document.querySelector("[data-map-near]");
  var nearList = document.querySelector("[data-near-list]");
  if (!nearButton || !("geolocation" in navigator)) return;
  nearButton.hidden = false;
  nearButton.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (position) {
      var here = [position.coords.latitude, position.coords.longitude];
      var params = new URLSearchParams({ lat: here[0].toFixed(5), lng: here[1].toFixed(5) });
      fetch(nearButton.dataset.url + "?" + params.toString())
        .then(function (response) { return response.json(); })
        .then(function (data) {
          nearList.textContent = "";
          data.venues.forEach(function (venue) {
            var item = document.createElement("li");
            var link = document.createElement("a");
            link.href = venue.url;
            link.textContent = venue.name;
            item.append(link, " · " + venue.distance_km + " km");
            nearList.append(item);
          });
          L.circleMarker(here, { radius: 7, color: "#1a56c4", fillOpacity: 0.8 }).addTo(map);
          map.setView(here, 13);
        });
    }, function () {
      status.textContent = nearButton.dataset.denied;
    });
  });
})();
