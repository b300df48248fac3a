// The venue map: markers come from our GeoJSON, clustered; tiles are optional,
// so the markers, the list of the venues in view and the list page still work
// when the tile host cannot be reached (and a message says so).
(function () {
  "use strict";
  var element = document.getElementById("venue-map");
  var status = document.querySelector("[data-map-status]");
  if (!element || !window.L) return;
  var center = element.dataset.center.split(",").map(Number);
  var map = L.map(element).setView(center, 11);

  var tilesFailed = document.querySelector("[data-map-tiles-failed]");
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, {
      maxZoom: 18,
      attribution: element.dataset.attribution,
    })
      .on("tileerror", function () { tilesFailed.hidden = false; })
      .addTo(map);
  } else {
    tilesFailed.hidden = false;
  }

  // Markers and clusters stay out of the tab order: keyboard and screen-reader
  // users pan the map (it takes the arrow keys) and use the list of the venues
  // in view, instead of one tab stop per marker.
  L.MarkerCluster.mergeOptions({ keyboard: false });
  var clusters = L.markerClusterGroup({
    showCoverageOnHover: false,
    maxClusterRadius: 60,
    iconCreateFunction: function (cluster) {
      var count = document.createElement("div");
      count.textContent = String(cluster.getChildCount());
      return L.divIcon({ html: count, className: "marker-cluster", iconSize: L.point(48, 48) });
    },
  });
  var pin = L.divIcon({ className: "venue-pin", iconSize: L.point(24, 24) });
  var venues = [];

  var inView = document.querySelector("[data-in-view]");
  var inViewList = document.querySelector("[data-in-view-list]");
  var inViewCount = document.querySelector("[data-in-view-count]");

  function countText(count) {
    if (count === 0) return inViewCount.dataset.none;
    return inViewCount.dataset.some.replace("%(count)s", String(count));
  }

  // The venues inside the map's bounds, nearest to its centre first.
  function listVenuesInView() {
    var bounds = map.getBounds();
    var middle = map.getCenter();
    var shown = venues
      .filter(function (venue) { return bounds.contains(venue.latlng); })
      .sort(function (a, b) { return middle.distanceTo(a.latlng) - middle.distanceTo(b.latlng); });
    inViewList.textContent = "";
    shown.forEach(function (venue) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = venue.url;
      link.textContent = venue.name;
      var meta = document.createElement("p");
      meta.textContent = [venue.organization, venue.category].filter(Boolean).join(" · ");
      var address = document.createElement("p");
      address.textContent = venue.address;
      item.append(link, meta, address);
      inViewList.append(item);
    });
    inViewCount.textContent = countText(shown.length);
    inView.dataset.count = String(shown.length);
  }

  function popupFor(p) {
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
    return box;
  }

  status.textContent = element.dataset.loading;
  fetch(element.dataset.geojson, { headers: { Accept: "application/geo+json" } })
    .then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    })
    .then(function (data) {
      data.features.forEach(function (feature) {
        var p = feature.properties;
        var latlng = L.latLng(feature.geometry.coordinates[1], feature.geometry.coordinates[0]);
        var marker = L.marker(latlng, { icon: pin, keyboard: false, title: p.name });
        marker.bindPopup(popupFor(p));
        clusters.addLayer(marker);
        venues.push({
          latlng: latlng, name: p.name, url: p.url, address: p.address,
          organization: p.organization, category: p.category,
        });
      });
      map.addLayer(clusters);
      if (venues.length) map.fitBounds(clusters.getBounds(), { padding: [24, 24], maxZoom: 15 });
      map.on("moveend", listVenuesInView);
      inView.hidden = false;
      listVenuesInView();
      element.dataset.markers = String(venues.length);
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
