/* Misto map behaviour: data layers fetched from the portal's own endpoints.
   Called from the folium-generated script as Misto.<function>(map, options). */
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function setStatus(text, isError) {
    var status = document.getElementById("map-status");
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("error", !!isError);
  }

  function loadBasemap(map, options) {
    map.createPane("basemap");
    map.getPane("basemap").style.zIndex = 250;
    fetch(options.url, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        L.geoJSON(data, {
          pane: "basemap",
          interactive: false,
          filter: function (f) {
            return options.drawStreets || (f.properties.kind !== "street" && f.properties.kind !== "building");
          },
          style: function (f) {
            var p = f.properties;
            if (p.kind === "district") return { color: "#94a3b8", weight: 1, fillColor: "#f1f5f9", fillOpacity: options.drawStreets ? 0.9 : 0.15 };
            if (p.kind === "water") return { color: "#60a5fa", weight: 1, fillColor: "#bfdbfe", fillOpacity: 1 };
            if (p.kind === "railway") return { color: "#334155", weight: 3, dashArray: "8 6" };
            if (p.kind === "building") return { color: "#a8a29e", weight: 1, fillColor: "#d6d3d1", fillOpacity: 1 };
            var w = p["class"] === "primary" ? 7 : p["class"] === "secondary" ? 5 : 3;
            return { color: "#ffffff", weight: w, opacity: 1, lineCap: "round" };
          }
        }).addTo(map);
      })
      .catch(function () { /* the basemap is decoration; facilities still load */ });
  }

  function markerIcon(category) {
    var html = '<span class="misto-marker" style="background:' + category.colour + '">' +
      '<span aria-hidden="true">' + category.icon + "</span></span>";
    return L.divIcon({ html: html, className: "misto-marker-wrap", iconSize: [26, 26], iconAnchor: [13, 13], popupAnchor: [0, -12] });
  }

  function popupContent(props, category, strings) {
    var box = el("div", { "class": "popup" });
    box.appendChild(el("strong", { "class": "popup-title" }, props.name));
    box.appendChild(el("div", { "class": "popup-category" }, category ? category.name : props.category));
    var dl = el("dl");
    function row(label, value, href) {
      if (!value) return;
      dl.appendChild(el("dt", {}, label));
      var dd = el("dd");
      if (href) dd.appendChild(el("a", { href: href }, value)); else dd.textContent = value;
      dl.appendChild(dd);
    }
    row(strings.address, props.address);
    (props.phones || []).forEach(function (p) { row(strings.phone, p, "tel:" + p.replace(/[^+\d]/g, "")); });
    row(strings.hours, props.opening_hours);
    box.appendChild(dl);
    return box;
  }

  function loadFacilities(map, options) {
    var cluster = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 50 });
    fetch(options.url, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        var markers = [];
        data.features.forEach(function (f) {
          var category = options.categories[f.properties.category];
          if (!category) return;
          var c = f.geometry.coordinates;
          var marker = L.marker([c[1], c[0]], { icon: markerIcon(category), title: f.properties.name, alt: f.properties.name });
          marker.bindPopup(function () { return popupContent(f.properties, category, options.strings); });
          markers.push(marker);
        });
        cluster.addLayers(markers);
        map.addLayer(cluster);
        window.Misto.map = map;
        setStatus(markers.length + " " + options.strings.shown);
        document.documentElement.dataset.facilitiesLoaded = String(markers.length);
      })
      .catch(function (err) { console.error("Misto: facilities failed to load", err); setStatus(options.strings.failed, true); });
  }

  window.Misto = { loadBasemap: loadBasemap, loadFacilities: loadFacilities };
})();
