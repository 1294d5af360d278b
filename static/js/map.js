/* Misto maps: the portal's one map front-end. Every map page is set up the same way: the
   server describes the map in a small JSON config (portal/maps.py map_options: centre, zoom,
   basemap, localised control titles, plus the page's own options) and this module builds it.

   Why one JS module fed by JSON rather than folium for every page: half the maps (requests,
   registry, coverage, the place picker, the editor) are interactive pages that must own their
   Leaflet map object anyway, and folium's generated inline script fits a nonce-only
   Content-Security-Policy badly. One hand-written module with a JSON config serves every page
   with no inline script at all, and keeps the set-up (basemap, attribution, controls, markers,
   legend, permalink, place picker) in one place.

   Pages whose map needs no page script (the city map, a facility, an import preview, the layer
   editor) carry <div data-misto-map="config-id">: the module starts them itself and calls the
   functions the config names (Misto.<name>(map, options)). Page scripts call Misto.createMap. */
(function () {
  "use strict";

  var Misto = (window.Misto = window.Misto || {});

  // Leaflet.VectorGrid 1.3 answers a click on a canvas tile with L.DomEvent.fakeStop, which
  // Leaflet 1.9 no longer has (the click then threw and nothing opened). Leaflet 1.9 keeps the
  // map's own handlers off canvas tiles by itself, so nothing is left to do there.
  if (window.L && L.DomEvent && !L.DomEvent.fakeStop) L.DomEvent.fakeStop = function () {};

  // Staff tiles (the registry's buildings, the analysts' homes): canvas vector tiles sent with
  // the session cookie, fetched at every zoom (VectorGrid finds a clicked feature only on tiles
  // of the map's own zoom), each feature's id also in its properties for the handlers.
  Misto.staffTiles = function (url, styles, interactive) {
    return L.vectorGrid.protobuf(url, {
      rendererFactory: L.canvas.tile,
      interactive: interactive,
      maxZoom: 19,
      fetchOptions: { credentials: "same-origin" },
      vectorTileLayerStyles: styles,
      getFeatureId: function (f) { if (f.properties) f.properties.id = f.id; return f.id; }
    });
  };

  /* --- DOM helpers ------------------------------------------------------------------- */

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function byId(id) { return document.getElementById(id); }

  function setStatus(text, isError, id) {
    var status = byId(id || "map-status");
    if (!status) return;
    status.textContent = text || "";
    status.classList.toggle("error", !!isError);
  }

  function debounce(fn, ms) {
    var timer;
    return function () { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }

  function getJSON(url, options) {
    var init = Object.assign({ credentials: "same-origin", headers: { Accept: "application/json" } }, options || {});
    return fetch(url, init).then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
  }

  function bboxParam(bounds, digits) {
    return [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]
      .map(function (v) { return v.toFixed(digits || 5); }).join(",");
  }

  Misto.el = el;
  Misto.byId = byId;
  Misto.setStatus = setStatus;
  Misto.debounce = debounce;
  Misto.getJSON = getJSON;
  Misto.bboxParam = bboxParam;

  /* --- the map and its basemap --------------------------------------------------------- */

  var basemapData = {};
  var basemapLibrary = null;

  // The scripts of the city's own basemap (MapLibre GL and its Leaflet layer), loaded once per
  // page as soon as a map starts (the basemap is what a person looks at first): downloaded side
  // by side, run in order (async = false); the map's own data does not wait for them.
  function loadBasemapLibrary(library) {
    if (window.maplibregl && L.maplibreGL) return Promise.resolve();
    if (!basemapLibrary) {
      basemapLibrary = new Promise(function (resolve, reject) {
        document.head.appendChild(el("link", { rel: "stylesheet", href: library.css }));
        var waiting = library.scripts.length;
        library.scripts.forEach(function (src) {
          var script = el("script", { src: src });
          script.async = false;
          script.onload = function () { if (--waiting === 0) resolve(); };
          script.onerror = reject;
          document.head.appendChild(script);
        });
      });
    }
    return basemapLibrary;
  }

  function webglAvailable() {
    try {
      var canvas = document.createElement("canvas");
      return !!(canvas.getContext("webgl2") || canvas.getContext("webgl"));
    } catch (e) { return false; }
  }

  // The city's own basemap: vector tiles from the portal drawn by MapLibre GL under the Leaflet
  // map (streets and their names, buildings and house numbers, water, green areas, landmarks).
  // map.mistoBasemap is the layer once it is drawn; the page's <html data-basemap> says
  // "ready" when its first view has rendered (or "fallback" when the plain drawing is used).
  // Each step of the first render is marked on the page's performance timeline
  // ("basemap:library", "basemap:style", "basemap:idle"; the bench reads them).
  function mark(name) { if (window.performance && performance.mark) performance.mark(name); }

  function vectorBasemap(map, basemap) {
    return loadBasemapLibrary(basemap.library).then(function () {
      mark("basemap:library");
      // No fade-in of labels: the first view is complete as soon as it is drawn. The canvas
      // reaches 5% beyond each edge of the map (the plug-in's default is 10%) — enough to cover
      // a pan until the next redraw, while every frame draws 16% fewer pixels (where WebGL is
      // drawn in software, each pixel of each frame is the CPU's work).
      var layer = L.maplibreGL({
        style: basemap.style, attribution: basemap.attribution, interactive: false, fadeDuration: 0, padding: 0.05,
        locale: { "Map.Title": basemap.title || "Map" }
      });
      layer.addTo(map);
      map.mistoBasemap = layer;
      var gl = layer.getMaplibreMap();
      gl.once("load", function () { mark("basemap:style"); });
      gl.once("idle", function () {
        mark("basemap:idle");
        document.documentElement.dataset.basemap = "ready";
        map.fire("basemapready");
      });
      return layer;
    });
  }

  // The plain drawing of the city (districts, water, railway; streets and building tiles too
  // when there is no tile server): the basemap where the vector one cannot be drawn.
  function plainBasemap(map, basemap, tiles) {
    if (basemap.geojson) {
      basemapData[basemap.geojson] = basemapData[basemap.geojson] || getJSON(basemap.geojson);
      basemapData[basemap.geojson].then(function (data) {
        L.geoJSON(data, {
          pane: "basemap",
          interactive: false,
          filter: function (f) { return !tiles || f.properties.kind !== "street"; },
          style: function (f) {
            var p = f.properties;
            if (p.kind === "district") return { color: "#94a3b8", weight: 1, fillColor: "#f1f5f9", fillOpacity: tiles ? 0.15 : 0.9 };
            if (p.kind === "water") return { color: "#60a5fa", weight: 1, fillColor: "#bfdbfe", fillOpacity: 1 };
            if (p.kind === "railway") return { color: "#334155", weight: 3, dashArray: "8 6" };
            var w = p["class"] === "primary" ? 7 : p["class"] === "secondary" ? 5 : 3;
            return { color: "#ffffff", weight: w, opacity: 1, lineCap: "round" };
          }
        }).addTo(map);
      }).catch(function () { /* the basemap is decoration: the map's data still loads */ });
    }
    if (!tiles && basemap.buildings && L.vectorGrid) {
      // Building outlines from the portal's vector tiles once they are big enough to see.
      map.createPane("buildings");
      map.getPane("buildings").style.zIndex = 260;
      L.vectorGrid.protobuf(basemap.buildings, {
        pane: "buildings", minZoom: 15, maxNativeZoom: 16, maxZoom: 19, interactive: false,
        vectorTileLayerStyles: { buildings: { color: "#a8a29e", weight: 1, fill: true, fillColor: "#d6d3d1", fillOpacity: 1 } }
      }).addTo(map);
    }
  }

  // The basemap: the configured tile server with its attribution and the city's districts and
  // water over it, or the city's own vector basemap (the plain drawing without WebGL).
  Misto.basemap = function (map, basemap) {
    if (!basemap) return;
    var tiles = !!basemap.tiles;
    map.createPane("basemap");
    map.getPane("basemap").style.zIndex = 250;
    if (tiles) {
      L.tileLayer(basemap.tiles, { attribution: basemap.attribution, maxZoom: 19 }).addTo(map);
      plainBasemap(map, basemap, true);
      return;
    }
    function fallback() {
      document.documentElement.dataset.basemap = "fallback";
      if (map.attributionControl) map.attributionControl.addAttribution(basemap.attribution);
      plainBasemap(map, basemap, false);
    }
    if (basemap.style && basemap.library && webglAvailable()) vectorBasemap(map, basemap).catch(fallback);
    else fallback();
  };

  // The portal's map: zoom limits, localised zoom buttons, a metric scale and the basemap.
  // `extra` are Leaflet options of the page (no scroll zoom on a small map, canvas, ...).
  Misto.createMap = function (node, config, extra) {
    node = typeof node === "string" ? byId(node) : node;
    var controls = config.controls || {};
    var settings = { center: config.center, zoom: config.zoom, minZoom: config.minZoom || 10, maxZoom: config.maxZoom || 19, zoomControl: false };
    Object.keys(extra || {}).forEach(function (k) { settings[k] = extra[k]; });
    var map = L.map(node, settings);
    L.control.zoom({ zoomInTitle: controls.zoomIn || "+", zoomOutTitle: controls.zoomOut || "−" }).addTo(map);
    scaleControl({ imperial: false, metres: controls.metres || "m", kilometres: controls.kilometres || "km" }).addTo(map);
    Misto.basemap(map, config.basemap);
    Misto.keyboard(map, controls);
    Misto.controls = controls;
    return map;
  };

  /* --- keyboard and screen readers ---------------------------------------------------- */

  // Leaflet's scale bar writes "m" and "km"; the page's language gives the units. (Made on
  // first use: pages without a map load this module without Leaflet, e.g. "nearest".)
  var Scale = null;
  function scaleControl(options) {
    Scale = Scale || L.Control.Scale.extend({
      _updateMetric: function (maxMeters) {
        var meters = this._getRoundNum(maxMeters);
        var label = meters < 1000 ? meters + " " + this.options.metres : (meters / 1000) + " " + this.options.kilometres;
        this._updateScale(this._mScale, label, meters / maxMeters);
      }
    });
    return new Scale(options);
  }

  // The Leaflet link's title in the page's language; a popup takes the focus when it opens (its
  // pane comes after every marker, so Tab from the marker would never reach its links) and gives
  // it back to its marker when it closes.
  Misto.keyboard = function (map, controls) {
    if (map.attributionControl && controls.leaflet) {
      var prefix = el("span");
      prefix.innerHTML = map.attributionControl.options.prefix || "";
      var link = prefix.querySelector("a");
      if (link) { link.title = controls.leaflet; map.attributionControl.setPrefix(prefix.innerHTML); }
    }
    // Space presses a marker as Enter does (both are a button's keys); clusters see to their own.
    // Escape in a popup closes it (Leaflet listens for Escape only while the map itself has focus).
    L.DomEvent.on(map.getContainer(), "keydown", function (e) {
      var icon = e.target;
      if (e.key === "Escape" && icon.closest && icon.closest(".leaflet-popup")) { map.closePopup(); return; }
      if (e.key !== " " || !icon.classList || !icon.classList.contains("leaflet-marker-icon") || icon.classList.contains("marker-cluster")) return;
      e.preventDefault();
      icon.click();
    });
    map.on("popupopen", function (e) {
      var content = e.popup.getElement() && e.popup.getElement().querySelector(".leaflet-popup-content");
      if (!content) return;
      content.setAttribute("tabindex", "-1");
      content.focus({ preventScroll: true });
    });
    map.on("popupclose", function (e) {
      var box = e.popup.getElement();
      var active = document.activeElement;
      if (active !== document.body && !(box && box.contains(active))) return;  // focus moved on already
      var source = e.popup._source;
      var icon = source && map.hasLayer(source) && source.getElement && source.getElement();
      if (icon && icon.tabIndex >= 0) icon.focus({ preventScroll: true });
      else map.getContainer().focus({ preventScroll: true });
    });
  };

  // A divIcon whose element carries a name for screen readers (and a tooltip for the mouse).
  var NamedDivIcon = null;
  function namedDivIcon(options) {
    NamedDivIcon = NamedDivIcon || L.DivIcon.extend({
      createIcon: function (oldIcon) {
        var div = L.DivIcon.prototype.createIcon.call(this, oldIcon);
        div.setAttribute("aria-label", this.options.label);
        div.title = this.options.label;
        return div;
      }
    });
    return new NamedDivIcon(options);
  }

  // "12 об'єктів": the count in the page's language; `forms` are the plural forms by the
  // category Intl.PluralRules gives (one, few, many; "other" falls back to many).
  var pluralRules = {};
  Misto.plural = function (forms, n) {
    var lang = document.documentElement.lang || "uk";
    // One Intl.PluralRules per language: making one is dear, and every cluster's label asks.
    var rule = (pluralRules[lang] = pluralRules[lang] || new Intl.PluralRules(lang)).select(n);
    return (forms[rule] || forms.many || forms.other || "%s").replace("%s", String(n));
  };

  // Markers grouped in clusters that the keyboard opens (Enter, as Leaflet.markercluster does,
  // and Space, as for any button) and that are named by what they hold: "12 об'єктів: Аптеки,
  // Школи…". kindOf(marker) names a marker's kind; `plural` are the count's forms (places by
  // default, from the map's config).
  Misto.clusterGroup = function (options, kindOf, plural) {
    var settings = Object.assign({
      iconCreateFunction: function (cluster) {
        var n = cluster.getChildCount();
        var kinds = {};
        cluster.getAllChildMarkers().forEach(function (m) { var k = kindOf(m); if (k) kinds[k] = (kinds[k] || 0) + 1; });
        var names = Object.keys(kinds).sort(function (a, b) { return kinds[b] - kinds[a] || a.localeCompare(b); });
        var label = Misto.plural(plural || (Misto.controls || {}).places || {}, n) + (names.length ? ": " + names.slice(0, 3).join(", ") + (names.length > 3 ? "…" : "") : "");
        var size = n < 10 ? "small" : n < 100 ? "medium" : "large";
        var html = el("div");
        html.appendChild(el("span", { "aria-hidden": "true" }, String(n)));
        return namedDivIcon({ html: html, className: "marker-cluster marker-cluster-" + size, iconSize: L.point(40, 40), label: label });
      }
    }, options);
    var group = L.markerClusterGroup(settings);
    group.on("clusterkeydown", function (e) {
      if (e.originalEvent.key !== " ") return;
      e.originalEvent.preventDefault();  // no page scroll
      // Leaflet.markercluster opens a cluster on Enter (keypress); Space does the same.
      group._zoomOrSpiderfy({ type: "clusterkeypress", layer: e.layer, originalEvent: { keyCode: 13 } });
    });
    return group;
  };

  /* --- markers ------------------------------------------------------------------------ */

  // A round marker in a colour with a symbol (facilities, requests, GIS points in the editor).
  Misto.dotIcon = function (colour, symbol) {
    var dot = el("span", { "class": "misto-marker" });
    dot.style.background = colour;
    dot.appendChild(el("span", { "aria-hidden": "true" }, symbol || ""));
    return L.divIcon({ html: dot, className: "misto-marker-wrap", iconSize: [26, 26], iconAnchor: [13, 13], popupAnchor: [0, -12] });
  };

  // The pin of a chosen place (the place picker, a request's page).
  Misto.pinIcon = function () {
    return L.divIcon({ className: "", html: '<div class="pin-marker"></div>', iconSize: [30, 30], iconAnchor: [15, 30] });
  };

  // A small circle for one place or a few inlined features.
  Misto.circleStyle = function (colour) {
    return { radius: 7, color: "#ffffff", weight: 2, fill: true, fillColor: colour, fillOpacity: 1 };
  };

  /* --- legend ------------------------------------------------------------------------- */

  // items: [{colour, label, count?, key?}]; items with count 0 are left out.
  Misto.legend = function (list, items) {
    list = typeof list === "string" ? byId(list) : list;
    if (!list) return;
    list.textContent = "";
    items.forEach(function (item) {
      if (item.count === 0) return;
      var li = el("li", item.key ? { "data-class": item.key } : {});
      var swatch = el("span", { "class": "swatch-box", "aria-hidden": "true" });
      swatch.style.background = item.colour;
      li.appendChild(swatch);
      li.appendChild(document.createTextNode(" " + item.label + " "));
      if (item.count !== undefined && item.count !== null) li.appendChild(el("span", { "class": "count" }, String(item.count)));
      list.appendChild(li);
    });
  };

  /* --- permalink: z and c in the address bar ------------------------------------------ */

  // The view a permalink asks for (?z=15&c=49.2,33.4), or null.
  Misto.viewFromUrl = function () {
    var params = new URLSearchParams(window.location.search);
    var z = parseInt(params.get("z"), 10);
    var c = (params.get("c") || "").split(",").map(parseFloat);
    if (isNaN(z) || c.length !== 2 || isNaN(c[0]) || isNaN(c[1])) return null;
    return { zoom: z, center: c };
  };

  // Keeps the address bar (and `link`, if given) on the map's view; `params()` adds the page's
  // own parameters (filters, layers). Returns the function that rewrites it, for other changes.
  Misto.permalink = function (map, options) {
    options = options || {};
    var base = options.base || window.location.pathname;
    function update() {
      var params = options.params ? options.params() : new URLSearchParams();
      var c = map.getCenter();
      params.set("z", String(map.getZoom()));
      params.set("c", c.lat.toFixed(5) + "," + c.lng.toFixed(5));
      var url = base + "?" + params.toString().replace(/%2C/g, ",").replace(/%3A/g, ":");
      history.replaceState(null, "", url);
      var link = options.link && byId(options.link);
      if (link) link.href = url;
      if (options.onUpdate) options.onUpdate(url);
      return url;
    }
    map.on("moveend", update);
    return update;
  };

  /* --- place picker: tap the map, drag the pin, or "use my location" ------------------- */

  // The browser's position, or an error message; both once.
  Misto.locate = function (onFound, onError) {
    if (!("geolocation" in navigator)) return false;
    navigator.geolocation.getCurrentPosition(
      function (pos) { onFound(pos.coords.latitude, pos.coords.longitude); },
      function (err) { if (onError) onError(err); },
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
    );
    return true;
  };

  // A draggable pin placed by a tap; onPick(lat, lon) on every move. Returns {set(lat, lon, pan)}.
  Misto.placePicker = function (map, onPick) {
    var marker = null;
    function set(lat, lon, pan) {
      if (!marker) {
        marker = L.marker([lat, lon], { draggable: true, autoPan: true, icon: Misto.pinIcon() }).addTo(map);
        marker.on("dragend", function () { var p = marker.getLatLng(); onPick(p.lat, p.lng); });
      } else {
        marker.setLatLng([lat, lon]);
      }
      if (pan) map.setView([lat, lon], Math.max(map.getZoom(), 17));
    }
    map.on("click", function (e) { set(e.latlng.lat, e.latlng.lng); onPick(e.latlng.lat, e.latlng.lng); });
    return { set: set };
  };

  /* --- simple layers for maps started from their config ------------------------------ */

  Misto.addGeoJSON = function (map, options) {
    var layer = L.geoJSON(options.data, {
      interactive: options.interactive !== false,
      style: function () { return options.style; },
      pointToLayer: function (_f, latlng) { return L.circleMarker(latlng, options.style); }
    }).addTo(map);
    if (options.fit && layer.getLayers().length) map.fitBounds(layer.getBounds(), { maxZoom: options.fitMaxZoom || 17 });
    return layer;
  };

  Misto.addPlace = function (map, options) {
    return L.circleMarker(options.point, Object.assign(Misto.circleStyle(options.colour), { radius: 10, weight: 3 }))
      .bindTooltip(options.title).addTo(map);
  };

  function start() {
    document.querySelectorAll("[data-misto-map]").forEach(function (node) {
      var config = JSON.parse(byId(node.dataset.mistoMap).textContent);
      var map = Misto.createMap(node, config, config.leaflet);
      (config.layers || []).forEach(function (step) { Misto[step.call](map, step.options); });
    });
  }
  // After every deferred script (the page's own, which the config names) has run.
  if (document.readyState === "complete") start(); else document.addEventListener("DOMContentLoaded", start);
})();
