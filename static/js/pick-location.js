// Picks a venue's position on a small map. The latitude and longitude inputs
// stay the source of truth and work without this script: clicking the map or
// dragging the marker fills them in, and typing in them moves the marker.
(function () {
  "use strict";
  var box = document.querySelector("[data-pick-location]");
  if (!box || !window.L) return;
  var latInput = document.getElementById(box.dataset.latInput);
  var lngInput = document.getElementById(box.dataset.lngInput);
  if (!latInput || !lngInput) return;

  // Show the map right under the longitude field, where the eye already is.
  var field = lngInput.closest(".field");
  if (field) field.after(box);
  box.hidden = false;

  var center = box.dataset.center.split(",").map(Number);
  var map = L.map(box.querySelector(".pick-map")).setView(center, 12);
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, {
      maxZoom: 19,
      attribution: box.dataset.attribution,
    }).addTo(map);
  }
  var marker = null;

  function typed() {
    var lat = parseFloat(latInput.value);
    var lng = parseFloat(lngInput.value);
    if (!isFinite(lat) || !isFinite(lng)) return null;
    if (lat < -90 || lat > 90 || lng < -180 || lng > 180) return null;
    return L.latLng(lat, lng);
  }

  function fill(latlng) {
    var point = latlng.wrap();
    // Six decimals is about 10 cm: more would only be noise.
    latInput.value = point.lat.toFixed(6);
    lngInput.value = point.lng.toFixed(6);
  }

  function place(latlng) {
    if (marker) {
      marker.setLatLng(latlng);
      return;
    }
    marker = L.marker(latlng, {
      draggable: true,
      title: box.dataset.markerLabel,
      alt: box.dataset.markerLabel,
    }).addTo(map);
    marker.on("dragend", function () {
      fill(marker.getLatLng());
    });
  }

  map.on("click", function (event) {
    place(event.latlng);
    fill(event.latlng);
  });

  function follow() {
    var point = typed();
    if (!point) return;
    place(point);
    map.panTo(point);
  }
  latInput.addEventListener("input", follow);
  lngInput.addEventListener("input", follow);

  var start = typed();
  if (start) {
    place(start);
    map.setView(start, 16);
  }
})();
