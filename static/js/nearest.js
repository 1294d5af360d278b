/* "Use my location" on the nearest page: fills lat/lon from the browser and submits. */
(function () {
  "use strict";
  var button = document.getElementById("n-locate");
  var status = document.getElementById("n-status");
  if (!button) return;
  if (!("geolocation" in navigator)) { button.hidden = true; return; }
  button.addEventListener("click", function () {
    status.textContent = button.dataset.wait || "…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("n-lat").value = pos.coords.latitude.toFixed(6);
      document.getElementById("n-lon").value = pos.coords.longitude.toFixed(6);
      document.getElementById("n-address").value = "";
      document.getElementById("nearest-form").submit();
    }, function (err) {
      status.textContent = err.message;
    }, { timeout: 10000 });
  });
})();
