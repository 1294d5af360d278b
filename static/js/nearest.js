/* "Use my location" on the nearest page: the place picker's locate (static/js/map.js) fills
   lat/lon and submits; without it the typed address is matched on the server. The button
   is shown only where the browser can locate. Typing an address forgets a located point. */
(function () {
  "use strict";
  var button = document.getElementById("n-locate");
  var status = document.getElementById("n-status");
  var lat = document.getElementById("n-lat");
  var lon = document.getElementById("n-lon");
  var address = document.getElementById("n-address");
  if (!button) return;
  address.addEventListener("input", function () { lat.value = ""; lon.value = ""; });
  if (!("geolocation" in navigator)) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.dataset.wait || "…";
    window.Misto.locate(function (la, lo) {
      lat.value = la.toFixed(6);
      lon.value = lo.toFixed(6);
      address.value = "";
      document.getElementById("nearest-form").submit();
    }, function (err) {
      status.textContent = err.message;
    });
  });
})();
