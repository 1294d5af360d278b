/* The notice form's area (staff): the area method shows its own inputs; a polygon is drawn with
   Leaflet-Geoman and kept as GeoJSON in the hidden field; a radius's centre is a map click. The
   server builds and checks the area (notices/areas.py): this only collects what staff give. */
(function () {
  "use strict";

  var Misto = (window.Misto = window.Misto || {});
  var $ = function (id) { return document.getElementById(id); };

  function methodChosen() {
    var checked = document.querySelector("input[name=area_method]:checked");
    return checked ? checked.value : "polygon";
  }

  function showParts() {
    var method = methodChosen();
    document.querySelectorAll("[data-method]").forEach(function (node) {
      node.hidden = node.dataset.method.split(" ").indexOf(method) < 0;
    });
    if (Misto.noticeMap) setTimeout(function () { Misto.noticeMap.invalidateSize(); }, 0);
  }

  Misto.initNoticeArea = function (map, options) {
    Misto.noticeMap = map;
    var field = $("id_geojson");
    var style = { color: "#b91c1c", weight: 2, fillOpacity: 0.2 };
    var drawn = L.featureGroup().addTo(map);

    function save() {
      var features = [];
      drawn.eachLayer(function (layer) { if (layer.toGeoJSON) features.push(layer.toGeoJSON()); });
      field.value = features.length ? JSON.stringify({ type: "FeatureCollection", features: features }) : "";
      document.documentElement.dataset.noticeArea = String(features.length);
    }

    if (options.geojson) {
      try {
        L.geoJSON(JSON.parse(options.geojson), { style: function () { return style; } }).eachLayer(function (layer) {
          drawn.addLayer(layer);
        });
        if (drawn.getLayers().length) map.fitBounds(drawn.getBounds(), { maxZoom: 16 });
      } catch (e) { field.value = ""; }
    }

    if (map.pm) {
      map.pm.setLang(options.lang === "uk" ? "ua" : "en");
      map.pm.setGlobalOptions({ allowSelfIntersection: false, pathOptions: style });
      map.pm.addControls({
        position: "topleft", drawMarker: false, drawPolyline: false, drawCircle: false, drawCircleMarker: false,
        drawText: false, drawPolygon: true, drawRectangle: true, editMode: true, dragMode: true,
        cutPolygon: false, removalMode: true, rotateMode: false
      });
      document.querySelectorAll(".leaflet-buttons-control-button").forEach(function (button) {
        var title = button.parentElement && button.parentElement.getAttribute("title");
        if (title) button.setAttribute("aria-label", title);
      });
      map.on("pm:create", function (e) {
        drawn.addLayer(e.layer);
        e.layer.on("pm:edit", save);
        save();
      });
      map.on("pm:remove", function (e) { drawn.removeLayer(e.layer); save(); });
      drawn.eachLayer(function (layer) { layer.on("pm:edit", save); });
    }

    // The radius: a click (or drag of the pin) sets the centre.
    var lat = $("id_lat"), lon = $("id_lon"), metres = $("id_metres");
    var circle = null;
    function drawCircle() {
      if (circle) { map.removeLayer(circle); circle = null; }
      if (methodChosen() !== "radius" || !lat.value || !lon.value) return;
      var r = parseFloat(metres.value);
      if (r > 0) circle = L.circle([parseFloat(lat.value), parseFloat(lon.value)], Object.assign({ radius: r }, style)).addTo(map);
    }
    var picker = Misto.placePicker(map, function (la, lo) {
      if (methodChosen() !== "radius") return;
      lat.value = la.toFixed(6); lon.value = lo.toFixed(6);
      drawCircle();
    });
    if (lat.value && lon.value) picker.set(parseFloat(lat.value), parseFloat(lon.value));
    metres.addEventListener("input", drawCircle);
    drawCircle();
  };

  function start() {
    document.querySelectorAll("input[name=area_method]").forEach(function (input) {
      input.addEventListener("change", showParts);
    });
    showParts();
    // The service's phone fills the phone field while it is empty or still the previous service's.
    var phones = $("notice-service-phones");
    var service = $("id_service"), phone = $("id_phone");
    if (phones && service && phone) {
      var table = JSON.parse(phones.textContent);
      var last = table[service.value] || "";
      service.addEventListener("change", function () {
        if (!phone.value || phone.value === last) phone.value = table[service.value] || "";
        last = table[service.value] || "";
      });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
