// "Near me": ask for the position only when the user presses the button.
(function () {
  "use strict";
  var button = document.querySelector("[data-near-me]");
  var status = document.querySelector("[data-near-me-status]");
  if (!button || !("geolocation" in navigator)) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    status.hidden = false;
    status.textContent = button.dataset.locating || "…";
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var params = new URLSearchParams(window.location.search);
        params.set("lat", position.coords.latitude.toFixed(5));
        params.set("lng", position.coords.longitude.toFixed(5));
        params.set("sort", "distance");
        params.delete("page");
        window.location.href = button.dataset.target + "?" + params.toString();
      },
      function () {
        status.textContent = button.dataset.denied;
      },
      { enableHighAccuracy: false, timeout: 10000, maximumAge: 60000 }
    );
  });
})();
