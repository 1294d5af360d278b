/* "Use my location" on the nearest page: the place picker's locate (static/js/map.js) fills
   lat/lon and submits; without it the typed address is matched on the server. */
(function () {
  "use strict";
  var button = document.getElementById("n-locate");
  var status = document.getElementById("n-status");
  if (!button) return;
  if (!("geolocation" in navigator)) { button.hidden = true; return; }
  button.addEventListener("click", function () {
    status.textContent = button.dataset.wait || "…";
    window.Misto.locate(function (lat, lon) {
      document.getElementById("n-lat").value = lat.toFixed(6);
      document.getElementById("n-lon").value = lon.toFixed(6);
      document.getElementById("n-address").value = "";
      document.getElementById("nearest-form").submit();
    }, function (err) {
      status.textContent = err.message;
    });
  });
})();
