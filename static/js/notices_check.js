/* "Is my address affected?": the "use my location" button fills the point and sends the form. */
(function () {
  "use strict";
  function start() {
    var button = document.getElementById("check-locate");
    var form = document.getElementById("notice-check");
    if (!button || !form || !("geolocation" in navigator)) return;
    var status = document.getElementById("check-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = button.dataset.locating;
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          document.getElementById("check-lat").value = pos.coords.latitude.toFixed(6);
          document.getElementById("check-lon").value = pos.coords.longitude.toFixed(6);
          document.getElementById("check-address").value = "";
          form.submit();
        },
        function () { status.textContent = button.dataset.failed; },
        { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
      );
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
