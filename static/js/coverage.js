/* Coverage maps: walking distance classes over the city, on the map static/js/map.js makes.
   Public mode draws hexagons (aggregates only) and switches service type in place;
   staff modes draw homes (vector tiles), suggested sites and what-if changes. Data come from
   /api/v1/coverage/ and /coverage/staff/tiles/; the page's configuration from the
   #coverage-config JSON. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("coverage-config").textContent);
  var resultNode = document.getElementById("coverage-result");
  var result = resultNode ? JSON.parse(resultNode.textContent) : {};
  var strings = config.strings;
  var root = document.documentElement;
  var mapNode = document.getElementById("coverage-map");
  if (!mapNode) return;

  var map = window.Misto.createMap(mapNode, config, { preferCanvas: true });
  var dataLayer = null, facilityLayer = null, extraLayer = L.layerGroup().addTo(map);
  var fitted = false;

  function fmtDistance(m) {
    if (m === null || m === undefined) return "—";
    var lang = root.lang || "uk";
    if (m >= 1000) return (m / 1000).toLocaleString(lang, { maximumFractionDigits: 1 }) + " " + strings.km;
    return Math.round(m).toLocaleString(lang) + " " + strings.m;
  }

  function fmtNumber(n) {
    return n === null || n === undefined ? strings.unknown : Math.round(n).toLocaleString(root.lang || "uk");
  }

  var json = window.Misto.getJSON;

  function text(tag, value, cls) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    node.textContent = value;
    return node;
  }

  function setStatus(message, isError) {
    var status = document.getElementById("coverage-map-status");
    if (!status) {
      status = text("p", "", "coverage-map-status");
      status.id = "coverage-map-status";
      status.setAttribute("role", "status");
      mapNode.parentNode.appendChild(status);
    }
    status.textContent = message || "";
    status.hidden = !message;
    status.classList.toggle("error", !!isError);
  }

  /* -- layers ---------------------------------------------------------------------------------- */
  function colour(cls) { return config.colours[cls] || "#999"; }

  function hexPopup(p) {
    var box = document.createElement("div");
    box.appendChild(text("strong", fmtNumber(p.population) + " " + strings.residents));
    box.appendChild(text("div", strings.median + ": " + fmtDistance(p.median_m)));
    if (p.share_within !== null) {
      box.appendChild(text("div", Math.round(p.share_within * 100) + "% " + strings.within));
    }
    return box;
  }

  function buildingPopup(p) {
    var box = document.createElement("div");
    box.className = "popup";
    box.appendChild(text("strong", p.address, "popup-title"));
    box.appendChild(text("div", strings.walk + ": " + fmtDistance(p.network_m) +
      (p.minutes !== null ? " (" + Math.round(p.minutes) + " " + strings.minutes + ")" : "")));
    box.appendChild(text("div", strings.straight + ": " + fmtDistance(p.straight_m)));
    if (p.facility) box.appendChild(text("div", strings.nearest + ": " + p.facility));
    box.appendChild(text("div", strings.residents + ": " + fmtNumber(p.population)));
    return box;
  }

  function highlightSets() {
    var sets = { picked: {}, lost: {}, gained: {} };
    (result.picks || []).forEach(function (pick) {
      pick.buildings.forEach(function (id) { sets.picked[id] = pick.rank; });
    });
    (result.lost || []).forEach(function (id) { sets.lost[id] = true; });
    (result.gained || []).forEach(function (id) { sets.gained[id] = true; });
    return sets;
  }

  // Staff modes: one dot per home at the point its walk is measured from (footprints are
  // slivers at city scale), from the analysts' vector tiles (/coverage/staff/tiles/), coloured
  // by distance class; homes a suggestion or a what-if concerns are ringed.
  function homesGrid(url, sets) {
    var styles = {};
    styles[config.homesLayer] = function (p) {
      var id = p.id, marked = sets.lost[id] || sets.gained[id] || sets.picked[id];
      return {
        radius: marked ? 8 : 5, weight: marked ? 3 : 1, fill: true,
        color: sets.lost[id] ? "#7f1d1d" : marked ? "#1d4ed8" : "#44403c",
        fillColor: colour(p.distance_class), fillOpacity: 0.95
      };
    };
    // Not interactive: a canvas tile that takes clicks would hide the facilities' canvas above
    // and the map's own clicks (what-if places a moved facility by a click). The map's click
    // looks the home up in the tiles instead (homeAt).
    return window.Misto.staffTiles(url, styles, false);
  }

  // The home drawn where the map was clicked, if any: VectorGrid (1.3, vendored) keeps each
  // tile's features as Leaflet layers of the tile's canvas renderer, which can say whether a
  // point falls on them.
  function homeAt(e) {
    var tiles = (dataLayer && dataLayer._vectorTiles) || {}, zoom = map.getZoom(), found = null;
    Object.keys(tiles).forEach(function (key) {
      var renderer = tiles[key];
      if (Number(key.split(":")[2]) !== zoom || !renderer._map) return;
      var point = map.mouseEventToLayerPoint(e.originalEvent).subtract(renderer.getOffset());
      Object.keys(renderer._layers).forEach(function (id) {
        var layer = renderer._layers[id];
        if (layer._containsPoint && layer._containsPoint(point)) found = layer;
      });
    });
    return found;
  }

  map.on("click", function (e) {
    if (config.mode === "public") return;
    var home = homeAt(e);
    if (home) L.popup().setLatLng(e.latlng).setContent(buildingPopup(home.properties || {})).openOn(map);
  });

  function loadData(slug) {
    var staff = config.mode !== "public";
    var sets = highlightSets();
    setStatus(strings.loading);
    root.removeAttribute("data-coverage-loaded");
    if (staff) {
      return new Promise(function (resolve, reject) {
        if (dataLayer) map.removeLayer(dataLayer);
        dataLayer = homesGrid(config.homeTiles + "?type=" + encodeURIComponent(slug), sets);
        dataLayer.on("tileerror", reject);
        dataLayer.once("load", function () {
          setStatus("");
          // How many homes the tiles hold (the page knows; the tiles in view show some of them).
          var homes = mapNode.getAttribute("data-homes") || "0";
          root.setAttribute("data-coverage-features", homes);
          resolve(Number(homes));
        });
        dataLayer.addTo(map);
      });
    }
    return json(config.api + slug + "/hexagons/").then(function (data) {
      if (dataLayer) map.removeLayer(dataLayer);
      dataLayer = L.geoJSON(data, {
        style: function (f) {
          return { color: "#ffffff", weight: 0.7, fillColor: colour(f.properties.distance_class), fillOpacity: 0.6 };
        },
        onEachFeature: function (f, layer) { layer.bindPopup(hexPopup(f.properties)); }
      }).addTo(map);
      if (!fitted && data.features.length) {
        map.fitBounds(dataLayer.getBounds(), { padding: [20, 20] });
        fitted = true;
      }
      setStatus("");
      root.setAttribute("data-coverage-features", String(data.features.length));
      return data.features.length;
    });
  }

  function loadFacilities(slug) {
    return json(config.api + slug + "/facilities/").then(function (data) {
      if (facilityLayer) map.removeLayer(facilityLayer);
      facilityLayer = L.geoJSON(data, {
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, { radius: 6, color: "#ffffff", weight: 2, fillColor: "#1e3a8a", fillOpacity: 1 });
        },
        onEachFeature: function (f, layer) {
          var box = document.createElement("div");
          box.appendChild(text("strong", f.properties.name));
          if (f.properties.address) box.appendChild(text("div", f.properties.address));
          layer.bindPopup(box);
          layer.bindTooltip(f.properties.name);
        }
      }).addTo(map);
      return data.features.length;
    });
  }

  function show(slug) {
    return Promise.all([loadData(slug), loadFacilities(slug)])
      .then(function () {
        mapNode.setAttribute("data-type", slug);
        root.setAttribute("data-coverage-loaded", slug);
      })
      .catch(function () { setStatus(strings.failed, true); });
  }

  /* -- public page: switch the service type in place -------------------------------------------- */
  function replacePanel(slug) {
    return fetch(config.panel + "?type=" + encodeURIComponent(slug), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        document.getElementById("coverage-panel").innerHTML = html;
        var table = document.getElementById("coverage-table-link");
        if (table) table.href = table.href.replace(/\?type=[^&]*/, "?type=" + encodeURIComponent(slug));
      });
  }

  function wireTypeSwitch() {
    var form = document.querySelector("[data-coverage-type-form]");
    if (!form) return;
    var select = form.querySelector("select");
    var button = form.querySelector("[data-coverage-submit]");
    if (button) button.hidden = true;
    if (config.mode !== "public") {
      select.addEventListener("change", function () { form.submit(); });
      return;
    }
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    select.addEventListener("change", function () {
      var slug = select.value;
      history.replaceState(null, "", "?type=" + encodeURIComponent(slug));
      Promise.all([replacePanel(slug), show(slug)]).catch(function () { setStatus(strings.failed, true); });
    });
  }

  /* -- staff: suggested sites and what-if ------------------------------------------------------- */
  function numberedIcon(label, cls) {
    return L.divIcon({ html: '<span class="coverage-pin ' + (cls || "") + '">' + label + "</span>",
      className: "coverage-pin-wrap", iconSize: [28, 28], iconAnchor: [14, 14] });
  }

  function drawResult() {
    (result.picks || []).forEach(function (pick) {
      L.marker([pick.lat, pick.lon], { icon: numberedIcon(String(pick.rank), "pick"), title: pick.label })
        .bindPopup(pick.label).addTo(extraLayer);
    });
    if (result.facility) {
      L.marker([result.facility.lat, result.facility.lon], { icon: numberedIcon("×", "closed"), title: result.facility.name })
        .bindPopup(result.facility.name).addTo(extraLayer);
    }
    if (result.moved && result.moved.lat !== null) {
      L.marker([result.moved.lat, result.moved.lon], { icon: numberedIcon("→", "moved") }).addTo(extraLayer);
    }
  }

  function wireWhatIf() {
    var form = document.getElementById("what-if-form");
    if (!form) return;
    var typeSelect = form.querySelector("[data-reload-on-change]");
    typeSelect.addEventListener("change", function () {
      window.location.search = "?type=" + encodeURIComponent(typeSelect.value);
    });
    var marker = null;
    map.on("click", function (e) {
      form.querySelector("#lat").value = e.latlng.lat.toFixed(6);
      form.querySelector("#lon").value = e.latlng.lng.toFixed(6);
      form.querySelector('input[name="action"][value="move"]').checked = true;
      if (marker) extraLayer.removeLayer(marker);
      marker = L.marker(e.latlng, { icon: numberedIcon("→", "moved") }).addTo(extraLayer);
    });
  }

  /* -- staff: follow a recompute until it is done ----------------------------------------------- */
  function followRun() {
    var box = document.getElementById("coverage-run");
    var url = box && box.getAttribute("data-run-url");
    if (!url) return;
    var status = document.getElementById("run-status");
    var bar = document.getElementById("run-progress");
    function poll() {
      json(url).then(function (run) {
        if (bar) { bar.hidden = false; bar.value = run.percent; bar.textContent = run.percent + "%"; }
        if (run.status === "done" || run.status === "failed") {
          window.location.reload();
          return;
        }
        if (status && run.status === "running") status.textContent = run.status_label + " · " + run.percent + "%";
        setTimeout(poll, 2000);
      }).catch(function () { setTimeout(poll, 5000); });
    }
    poll();
  }

  followRun();
  wireTypeSwitch();
  wireWhatIf();
  drawResult();
  show(mapNode.getAttribute("data-type"));
  window.MistoCoverage = { map: map, show: show, homes: function () { return dataLayer; } };
})();
