/* Housing registry maps (staff only): the map of buildings coloured by an attribute, and the
   small map on a building's sheet. The maps are made by static/js/map.js (Misto.createMap)
   from the page's config; data come from the registry's own endpoints. */
(function () {
  "use strict";

  var Misto = window.Misto;
  var el = Misto.el;

  function sheetMap(id, options) {
    var node = document.getElementById(id);
    if (!node || !window.L) return;
    var map = Misto.createMap(node, options, { scrollWheelZoom: false });
    var shape = L.geoJSON(options.footprint, { style: { color: "#0b5fa5", weight: 2, fillColor: "#0b5fa5", fillOpacity: 0.35 } }).addTo(map);
    map.fitBounds(shape.getBounds(), { maxZoom: 17, padding: [30, 30] });
  }

  function buildingMap(options) {
    var strings = options.strings;
    var view = Misto.viewFromUrl();
    if (view) { options.center = view.center; options.zoom = view.zoom; }
    var map = Misto.createMap(options.element, options);
    var form = document.getElementById(options.form);
    var legendTitle = document.getElementById("legend-attribute");
    var list = document.getElementById("building-list");
    var byId = {};

    var layer = L.geoJSON(null, {
      style: function (f) {
        return { color: "#1f2937", weight: 1, fillColor: f.properties.colour, fillOpacity: 0.85 };
      },
      onEachFeature: function (f, shape) {
        byId[f.properties.id] = shape;
        shape.bindTooltip(f.properties.address + " — " + f.properties.label, { sticky: true });
        shape.on("click", function () { window.location.href = f.properties.url; });
        shape.on("mouseover", function () { shape.setStyle({ weight: 3 }); });
        shape.on("mouseout", function () { shape.setStyle({ weight: 1 }); });
      }
    }).addTo(map);

    function renderList(features) {
      list.innerHTML = "";
      features.slice(0, 500).forEach(function (f) {
        var item = el("li");
        var link = el("a", { href: f.properties.url }, f.properties.address);
        link.addEventListener("mouseenter", function () { byId[f.properties.id].setStyle({ weight: 4 }); });
        link.addEventListener("mouseleave", function () { byId[f.properties.id].setStyle({ weight: 1 }); });
        var swatch = el("span", { "class": "swatch-box", "aria-hidden": "true" });
        swatch.style.background = f.properties.colour;
        item.appendChild(swatch);
        item.appendChild(link);
        item.appendChild(el("span", { "class": "muted" }, " " + f.properties.label));
        list.appendChild(item);
      });
    }

    function filterParams() {
      var params = new URLSearchParams(new FormData(form));
      Array.from(params.keys()).forEach(function (k) { if (!params.get(k)) params.delete(k); });
      return params;
    }
    var updateLink = Misto.permalink(map, { params: filterParams });

    function load(fit) {
      var query = filterParams().toString();
      updateLink();
      Misto.setStatus(strings.loading);
      Misto.getJSON(options.dataUrl + (query ? "?" + query : ""))
        .then(function (data) {
          byId = {};
          layer.clearLayers();
          layer.addData(data);
          legendTitle.textContent = data.legend.title;
          Misto.legend("legend", data.legend.classes);
          renderList(data.features);
          var n = data.features.length;
          Misto.setStatus(n ? n + " " + strings.shown : strings.none);
          if (fit && n) map.fitBounds(layer.getBounds(), { maxZoom: 17, padding: [20, 20] });
          document.documentElement.dataset.buildingsLoaded = String(n);
          window.MistoRegistry.map = map;
          window.MistoRegistry.layer = layer;
        })
        .catch(function (err) { console.error("Misto: buildings failed to load", err); Misto.setStatus(strings.failed, true); });
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); load(true); });
    var colour = form.querySelector("[name=colour]");
    if (colour) colour.addEventListener("change", function () { load(false); });
    // A permalink's view is kept; filters without one fit the map to what they find.
    load(!view && window.location.search.length > 1);
  }

  window.MistoRegistry = { sheetMap: sheetMap, buildingMap: buildingMap };
})();
