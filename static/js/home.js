/* The home page's "Report a problem": "Use my location" fills the place and opens the filing
   form there (/requests/new/?lat=&lon=); without it, the typed address is resolved by the form. */
(function () {
  "use strict";
  var button = document.getElementById("report-locate");
  var form = document.getElementById("report-start");
  var status = document.getElementById("report-status");
  if (!button || !form || !("geolocation" in navigator)) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.dataset.wait;
    navigator.geolocation.getCurrentPosition(
      function (pos) {
        document.getElementById("report-lat").value = pos.coords.latitude.toFixed(6);
        document.getElementById("report-lon").value = pos.coords.longitude.toFixed(6);
        document.getElementById("report-address").value = "";
        form.submit();
      },
      function () { status.textContent = button.dataset.failed; },
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
    );
  });
})();
