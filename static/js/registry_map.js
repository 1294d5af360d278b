/* Housing registry maps (staff only): the map of buildings coloured by an attribute (vector
   tiles), and the small map on a building's sheet. The maps are made by static/js/map.js
   (Misto.createMap) from the page's config; data come from the registry's own endpoints. */
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

  // The map of buildings: vector tiles of the registry's own door (staff only, with the
  // filters as their query) drawn by Leaflet.VectorGrid on canvas, coloured by the class each
  // building carries (`cls`) through the legend of the summary, which also gives the count,
  // the extent and the first buildings by address for the list beside the map.
  function buildingMap(options) {
    var strings = options.strings;
    var view = Misto.viewFromUrl();
    if (view) { options.center = view.center; options.zoom = view.zoom; }
    var map = Misto.createMap(options.element, options);
    var form = document.getElementById(options.form);
    var legendTitle = document.getElementById("legend-attribute");
    var list = document.getElementById("building-list");
    var classes = {};
    var grid = null;
    var generation = 0;

    function style(properties) {
      var cls = classes[properties.cls] || {};
      return { fill: true, fillColor: cls.colour || "#9ca3af", fillOpacity: 0.85, color: "#1f2937", weight: 1 };
    }
    function highlight(id, on) {
      if (!grid) return;
      if (on) grid.setFeatureStyle(id, L.extend(style({ cls: highlight.cls[id] }), { weight: 4 }));
      else grid.resetFeatureStyle(id);
    }
    highlight.cls = {};

    function makeGrid(url) {
      var styles = {};
      styles[options.tileLayer] = style;
      var layer = Misto.staffTiles(url, styles, true);
      function where(e) { return e.latlng || map.mouseEventToLatLng(e.originalEvent); }
      layer.on("click", function (e) {
        var p = e.layer && e.layer.properties;
        if (p && p.id) window.location.href = options.sheetUrl + p.id + "/";
      });
      layer.on("mouseover", function (e) {
        var p = (e.layer && e.layer.properties) || {};
        var label = (classes[p.cls] || {}).label || "";
        layer.bindTooltip(p.address + (label ? " — " + label : ""), { sticky: true }).openTooltip(where(e));
      });
      layer.on("mouseout", function () { layer.closeTooltip(); layer.unbindTooltip(); });
      layer.on("tileerror", function () { Misto.setStatus(strings.failed, true); });
      return layer;
    }

    function renderList(data) {
      list.innerHTML = "";
      highlight.cls = {};
      data.buildings.forEach(function (b) {
        highlight.cls[b.id] = b.cls;
        var item = el("li");
        var link = el("a", { href: b.url }, b.address);
        link.addEventListener("mouseenter", function () { highlight(b.id, true); });
        link.addEventListener("mouseleave", function () { highlight(b.id, false); });
        var swatch = el("span", { "class": "swatch-box", "aria-hidden": "true" });
        swatch.style.background = (classes[b.cls] || {}).colour || "#9ca3af";
        item.appendChild(swatch);
        item.appendChild(link);
        item.appendChild(el("span", { "class": "muted" }, " " + ((classes[b.cls] || {}).label || "")));
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
      var mine = ++generation;
      updateLink();
      Misto.setStatus(strings.loading);
      delete document.documentElement.dataset.buildingsLoaded;
      Misto.getJSON(options.summaryUrl + (query ? "?" + query : ""))
        .then(function (data) {
          if (mine !== generation) return;
          classes = {};
          data.legend.classes.forEach(function (c) { classes[c.key] = c; });
          legendTitle.textContent = data.legend.title;
          Misto.legend("legend", data.legend.classes);
          renderList(data);
          var n = data.count;
          var status = n ? n + " " + strings.shown : strings.none;
          if (n > data.buildings.length) status += ". " + strings.listed.replace("%(n)s", data.buildings.length);
          Misto.setStatus(status);
          // A new layer for new filters: tiles of the old one still on their way land in a
          // layer that is gone, never in the new one's places.
          if (grid) map.removeLayer(grid);
          grid = makeGrid(options.tilesUrl + (query ? "?" + query : ""));
          if (fit && n && data.bounds) {
            var b = data.bounds;
            map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { maxZoom: 17, padding: [20, 20], animate: false });
          }
          // The signal that the buildings are drawn: the summary is in and the tiles in view too.
          grid.once("load", function () {
            if (mine === generation) document.documentElement.dataset.buildingsLoaded = String(n);
          });
          grid.addTo(map);
          window.MistoRegistry.map = map;
          window.MistoRegistry.layer = grid;
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
