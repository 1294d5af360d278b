/* Housing registry maps (staff only): the map of buildings coloured by an attribute, and the
   small map on a building's sheet. Data come from the registry's own endpoints; the city's
   streets, districts and water are drawn from the public basemap GeoJSON. */
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function drawBasemap(map, url) {
    map.createPane("basemap");
    map.getPane("basemap").style.zIndex = 250;
    return fetch(url, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        L.geoJSON(data, {
          pane: "basemap",
          interactive: false,
          filter: function (f) { return f.properties.kind !== "building"; },
          style: function (f) {
            var p = f.properties;
            if (p.kind === "district") return { color: "#94a3b8", weight: 1, fillColor: "#f1f5f9", fillOpacity: 0.9 };
            if (p.kind === "water") return { color: "#60a5fa", weight: 1, fillColor: "#bfdbfe", fillOpacity: 1 };
            if (p.kind === "railway") return { color: "#334155", weight: 3, dashArray: "8 6" };
            var w = p["class"] === "primary" ? 7 : p["class"] === "secondary" ? 5 : 3;
            return { color: "#ffffff", weight: w, opacity: 1, lineCap: "round" };
          }
        }).addTo(map);
      })
      .catch(function () { /* decoration only */ });
  }

  function sheetMap(id, footprint, basemapUrl) {
    var node = document.getElementById(id);
    if (!node || !window.L) return;
    var map = L.map(node, { scrollWheelZoom: false, attributionControl: false });
    var shape = L.geoJSON(footprint, { style: { color: "#0b5fa5", weight: 2, fillColor: "#0b5fa5", fillOpacity: 0.35 } }).addTo(map);
    map.fitBounds(shape.getBounds(), { maxZoom: 17, padding: [30, 30] });
    drawBasemap(map, basemapUrl);
  }

  function buildingMap(options) {
    var strings = options.strings;
    var map = L.map(options.element, { preferCanvas: false }).setView(options.center, options.zoom);
    var form = document.getElementById(options.form);
    var status = document.getElementById("map-status");
    var legend = document.getElementById("legend");
    var legendTitle = document.getElementById("legend-attribute");
    var list = document.getElementById("building-list");
    var byId = {};
    drawBasemap(map, options.basemapUrl);

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

    function setStatus(text, isError) {
      status.textContent = text;
      status.classList.toggle("error", !!isError);
    }

    function renderLegend(data) {
      legend.innerHTML = "";
      legendTitle.textContent = data.legend.title;
      data.legend.classes.forEach(function (c) {
        if (!c.count) return;
        var item = el("li", { "data-class": c.key });
        item.appendChild(el("span", { "class": "swatch-box", style: "background:" + c.colour, "aria-hidden": "true" }));
        item.appendChild(document.createTextNode(" " + c.label + " "));
        item.appendChild(el("span", { "class": "count" }, String(c.count)));
        legend.appendChild(item);
      });
    }

    function renderList(features) {
      list.innerHTML = "";
      features.slice(0, 500).forEach(function (f) {
        var item = el("li");
        var link = el("a", { href: f.properties.url }, f.properties.address);
        link.addEventListener("mouseenter", function () { byId[f.properties.id].setStyle({ weight: 4 }); });
        link.addEventListener("mouseleave", function () { byId[f.properties.id].setStyle({ weight: 1 }); });
        item.appendChild(el("span", { "class": "swatch-box", style: "background:" + f.properties.colour, "aria-hidden": "true" }));
        item.appendChild(link);
        item.appendChild(el("span", { "class": "muted" }, " " + f.properties.label));
        list.appendChild(item);
      });
    }

    function load(fit) {
      var params = new URLSearchParams(new FormData(form));
      Array.from(params.keys()).forEach(function (k) { if (!params.get(k)) params.delete(k); });
      var query = params.toString();
      window.history.replaceState(null, "", query ? "?" + query : window.location.pathname);
      setStatus(strings.loading);
      fetch(options.dataUrl + (query ? "?" + query : ""), { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (data) {
          byId = {};
          layer.clearLayers();
          layer.addData(data);
          renderLegend(data);
          renderList(data.features);
          var n = data.features.length;
          setStatus(n ? n + " " + strings.shown : strings.none);
          if (fit && n) map.fitBounds(layer.getBounds(), { maxZoom: 17, padding: [20, 20] });
          document.documentElement.dataset.buildingsLoaded = String(n);
          window.MistoRegistry.map = map;
          window.MistoRegistry.layer = layer;
        })
        .catch(function (err) { console.error("Misto: buildings failed to load", err); setStatus(strings.failed, true); });
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); load(true); });
    var colour = form.querySelector("[name=colour]");
    if (colour) colour.addEventListener("change", function () { load(false); });
    load(window.location.search.length > 1);
  }

  window.MistoRegistry = { sheetMap: sheetMap, buildingMap: buildingMap };
})();
