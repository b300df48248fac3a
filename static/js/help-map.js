// The help-request map: one hexagon per area (H3 cell) with requests, darker
// where more are open. The list under it says the same without this script.
(function () {
  "use strict";
  var element = document.querySelector("[data-help-map]");
  var data = document.getElementById("help-cells");
  if (!element || !data || !window.L) return;
  var cells = JSON.parse(data.textContent);
  element.hidden = false;
  var center = element.dataset.center.split(",").map(Number);
  var map = L.map(element).setView(center, 11);
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, {
      maxZoom: 18,
      attribution: element.dataset.attribution,
    }).addTo(map);
  }
  var bounds = [];
  cells.forEach(function (cell) {
    var shape = L.polygon(cell.boundary, {
      color: "#b3261e",
      weight: 1,
      fillOpacity: cell.open ? 0.55 : 0.2,
      interactive: false,
    }).addTo(map);
    bounds.push(shape.getBounds());
  });
  if (bounds.length) {
    var all = bounds[0];
    bounds.forEach(function (b) { all.extend(b); });
    map.fitBounds(all, { maxZoom: 14, padding: [16, 16] });
  }
})();
