/* Maps of the citizen requests pages (vendored Leaflet, data from the portal's own endpoints):
   MistoRequests.createMap (the city's basemap or configured tiles), pointMap (a request's
   page), publicMap (the public map of requests, clustered, loaded by the visible area). */
(function () {
  "use strict";

  var basemapData = null;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function drawBasemap(map, url) {
    map.createPane("basemap");
    map.getPane("basemap").style.zIndex = 250;
    basemapData = basemapData || fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    });
    basemapData.then(function (data) {
      L.geoJSON(data, {
        pane: "basemap",
        interactive: false,
        style: function (f) {
          var p = f.properties;
          if (p.kind === "district") return { color: "#94a3b8", weight: 1, fillColor: "#f1f5f9", fillOpacity: 0.9 };
          if (p.kind === "water") return { color: "#60a5fa", weight: 1, fillColor: "#bfdbfe", fillOpacity: 1 };
          if (p.kind === "railway") return { color: "#334155", weight: 3, dashArray: "8 6" };
          if (p.kind === "building") return { color: "#a8a29e", weight: 1, fillColor: "#d6d3d1", fillOpacity: 1 };
          var w = p["class"] === "primary" ? 7 : p["class"] === "secondary" ? 5 : 3;
          return { color: "#ffffff", weight: w, opacity: 1, lineCap: "round" };
        }
      }).addTo(map);
    }).catch(function () { /* decoration only: the map works without it */ });
  }

  function createMap(id, options, extra) {
    var settings = { center: options.center, zoom: options.zoom, maxZoom: 19, minZoom: 10 };
    Object.keys(extra || {}).forEach(function (k) { settings[k] = extra[k]; });
    var map = L.map(id, settings);
    if (options.tiles) {
      L.tileLayer(options.tiles, { attribution: options.attribution, maxZoom: 19 }).addTo(map);
    } else {
      drawBasemap(map, options.basemap);
    }
    L.control.scale({ imperial: false }).addTo(map);
    return map;
  }

  function pinIcon() {
    return L.divIcon({ className: "", html: '<div class="pin-marker"></div>', iconSize: [30, 30], iconAnchor: [15, 30] });
  }

  function pointMap(id, options) {
    var map = createMap(id, options, { scrollWheelZoom: false, dragging: !L.Browser.mobile, tap: false });
    map.setView(options.point, options.zoom);
    L.marker(options.point, { icon: pinIcon(), keyboard: false, interactive: false }).addTo(map);
    return map;
  }

  function markerIcon(props) {
    var html = el("span", { "class": "request-marker" });
    html.style.background = props.colour;
    html.appendChild(el("span", { "aria-hidden": "true" }, props.icon));
    return L.divIcon({ html: html, className: "request-marker-wrap", iconSize: [26, 26], iconAnchor: [13, 13], popupAnchor: [0, -12] });
  }

  function popup(props) {
    var box = el("div", { "class": "popup" });
    var title = el("a", { href: props.url, "class": "popup-title" }, props.category_name + " № " + props.number);
    box.appendChild(title);
    box.appendChild(el("div", { "class": "popup-category" }, props.status_label));
    if (props.address) box.appendChild(el("div", {}, props.address));
    return box;
  }

  function setStatus(text, isError) {
    var status = document.getElementById("map-status");
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("error", !!isError);
  }

  function publicMap(id, options) {
    var map = createMap(id, options);
    var cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50, chunkedLoading: true });
    map.addLayer(cluster);
    var filters = document.getElementById("map-filters");
    var limit = 2000;
    var timer = null;
    var generation = 0;

    function load() {
      var b = map.getBounds();
      var params = new URLSearchParams({
        bbox: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (n) { return n.toFixed(5); }).join(","),
        limit: String(limit)
      });
      if (filters) {
        new FormData(filters).forEach(function (value, key) { if (value) params.set(key, value); });
      }
      var mine = ++generation;
      fetch(options.data + "?" + params.toString(), { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (data) {
          if (mine !== generation) return;
          var markers = data.features.map(function (f) {
            var c = f.geometry.coordinates;
            var p = f.properties;
            var marker = L.marker([c[1], c[0]], { icon: markerIcon(p), title: p.category_name + " № " + p.number, alt: p.category_name });
            marker.bindPopup(function () { return popup(p); });
            return marker;
          });
          cluster.clearLayers();
          cluster.addLayers(markers);
          var text = markers.length + " " + options.strings.shown;
          if (markers.length >= limit) text += ". " + options.strings.more;
          setStatus(text);
          document.documentElement.dataset.requestsLoaded = String(markers.length);
        })
        .catch(function () { setStatus(options.strings.failed, true); });
    }

    function later() { clearTimeout(timer); timer = setTimeout(load, 250); }
    map.on("moveend", later);
    if (filters) filters.addEventListener("change", load);
    load();
    window.MistoRequests.map = map;
    return map;
  }

  window.MistoRequests = { createMap: createMap, pointMap: pointMap, publicMap: publicMap, pinIcon: pinIcon, el: el };
})();
