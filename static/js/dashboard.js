/* The requests dashboard's heat layer: grid cells with their request counts from the portal's
   own JSON endpoint, drawn with the vendored Leaflet.heat over the city's basemap. */
(function () {
  "use strict";

  function heatMap(id, options, strings) {
    var map = window.Misto.createMap(id, options);
    var status = document.getElementById("heat-status");
    var result = { map: map, layer: null, points: 0, requests: 0 };
    window.MistoDashboard.current = result;
    fetch(options.heat, { credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      })
      .then(function (data) {
        var max = data.points.reduce(function (m, p) { return Math.max(m, p[2]); }, 1);
        result.layer = L.heatLayer(data.points, { radius: 18, blur: 14, max: max, minOpacity: 0.3 }).addTo(map);
        result.points = data.points.length;
        result.requests = data.requests;
        if (data.points.length) {
          map.fitBounds(L.latLngBounds(data.points.map(function (p) { return [p[0], p[1]]; })), { maxZoom: 15, padding: [20, 20] });
          status.textContent = data.requests + " " + strings.shown;
        } else {
          status.textContent = strings.none;
        }
        document.getElementById(id).dataset.ready = "1";
      })
      .catch(function () {
        status.textContent = strings.failed;
        status.classList.add("error");
      });
    return result;
  }

  window.MistoDashboard = { heatMap: heatMap, current: null };
})();
