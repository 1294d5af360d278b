/* City IT's GIS layers on the city map (/map/): vector tiles per layer, switched from the side
   panel, with popups of a feature's values and the rows of the tables joined to its layer.
   Called by the page's config (initGisLayers); the permalink of city_map.js names the layers
   shown (Misto.gisTokens). */
(function () {
  "use strict";

  var Misto = (window.Misto = window.Misto || {});

  // The shared helpers of static/js/map.js, which every map page loads first.
  var el = Misto.el;
  var $ = Misto.byId;
  var setStatus = Misto.setStatus;

  function iconUrl(style) {
    // A round marker in the layer's colour with its symbol, as an SVG image for VectorGrid.
    var svg = '<svg xmlns="http://www.w3.org/2000/svg" width="26" height="26">' +
      '<circle cx="13" cy="13" r="11" fill="' + style.colour + '" stroke="#fff" stroke-width="2"/>' +
      '<text x="13" y="17.5" font-size="12" text-anchor="middle" fill="#fff" font-family="sans-serif">' +
      (style.icon || "").replace(/[<>&"]/g, "") + "</text></svg>";
    return "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg);
  }

  function featureStyle(layer) {
    var s = layer.style;
    if (layer.geometry === "point") {
      return { icon: L.icon({ iconUrl: iconUrl(s), iconSize: [26, 26], iconAnchor: [13, 13] }) };
    }
    if (layer.geometry === "line") return { color: s.colour, weight: s.line_width, opacity: 0.9 };
    return { color: s.colour, weight: s.line_width, fill: true, fillColor: s.fill_colour, fillOpacity: s.fill_opacity };
  }

  function showValue(field, value, strings) {
    if (value === null || value === undefined || value === "") return null;
    if (field.type === "boolean") return value ? strings.yes : strings.no;
    return String(value) + (field.unit ? " " + field.unit : "");
  }

  function gisPopup(layer, props, strings, resized) {
    var box = el("div", { "class": "popup gis-popup" });
    var label = layer.style.label_field;
    box.appendChild(el("strong", { "class": "popup-title" }, (label && props[label]) || layer.title));
    box.appendChild(el("div", { "class": "popup-category" }, layer.title));
    var table = el("table");
    layer.fields.forEach(function (field) {
      if (field.name === label) return;
      var shown = showValue(field, props[field.name], strings);
      if (shown === null) return;
      var row = el("tr");
      row.appendChild(el("th", { scope: "row" }, field.title));
      row.appendChild(el("td", {}, shown));
      table.appendChild(row);
    });
    box.appendChild(table);
    var joined = el("div", { "class": "popup-joined" });
    box.appendChild(joined);
    box.appendChild(el("a", { href: layer.url, "class": "popup-more" }, strings.about));
    if (layer.joined && props.misto_id !== undefined) {
      // The rows of the attribute tables joined to the layer (those this person may see) come
      // from the feature API: tiles carry the feature's own values only.
      box.dataset.loaded = "0";
      joined.appendChild(el("p", { "class": "muted" }, strings.loading));
      fetch(layer.api.replace("{id}", String(props.misto_id)), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
        // The popup measured itself before the rows came: it is measured again (update).
        .then(function (data) { joinedFill(joined, data.joined || [], strings); box.dataset.loaded = "1"; if (resized) resized(); })
        .catch(function () { joined.innerHTML = ""; joined.appendChild(el("p", { "class": "error" }, strings.joinedFailed)); box.dataset.loaded = "1"; });
    } else {
      box.dataset.loaded = "1";
    }
    return box;
  }

  function joinedFill(box, joins, strings) {
    box.innerHTML = "";
    joins.forEach(function (join) {
      var section = el("section", { "class": "popup-join", "data-join": join.name });
      section.appendChild(el("h3", { "class": "popup-join-title" }, join.title));
      if (!join.rows.length) {
        section.appendChild(el("p", { "class": "muted" }, strings.noRows));
      } else if (join.relation === "one") {
        var table = el("table");
        join.fields.forEach(function (field) {
          var shown = showValue(field, join.rows[0][field.name], strings);
          if (shown === null) return;
          var row = el("tr");
          row.appendChild(el("th", { scope: "row" }, field.title));
          row.appendChild(el("td", {}, shown));
          table.appendChild(row);
        });
        section.appendChild(table);
      } else {
        // Every row repeats the feature's own key: that column is left out.
        var shownFields = join.fields.filter(function (field) { return field.name !== join.table_key; });
        var list = el("table", { "class": "popup-rows" });
        var head = el("tr");
        shownFields.forEach(function (field) { head.appendChild(el("th", { scope: "col" }, field.title)); });
        list.appendChild(head);
        join.rows.forEach(function (r) {
          var tr = el("tr");
          shownFields.forEach(function (field) { tr.appendChild(el("td", {}, showValue(field, r[field.name], strings) || "—")); });
          list.appendChild(tr);
        });
        section.appendChild(list);
      }
      box.appendChild(section);
    });
  }

  Misto.initGisLayers = function (map, options) {
    var node = $(options.configId);
    if (!node || !L.vectorGrid) return;
    var layers = JSON.parse(node.textContent);
    var strings = options.strings;
    var shown = {};
    var on = new Set(layers.filter(function (l) { return l.selected; }).map(function (l) { return l.slug; }));
    // Above the basemap and buildings, below the facility markers; points over lines over areas.
    [["polygon", 410], ["line", 415], ["point", 420]].forEach(function (pair) {
      map.createPane("gis-" + pair[0]);
      map.getPane("gis-" + pair[0]).style.zIndex = pair[1];
    });

    Misto.gisTokens = function () {
      return layers.filter(function (l) { return on.has(l.slug); }).map(function (l) { return "layer:" + l.slug; });
    };

    function make(layer) {
      var styles = {};
      styles[layer.slug] = featureStyle(layer);
      var grid = L.vectorGrid.protobuf(layer.tiles, {
        pane: "gis-" + layer.geometry,
        rendererFactory: L.svg.tile,
        interactive: true,
        maxNativeZoom: 18,
        maxZoom: 19,
        // Staff-only layers are served to the logged-in session only.
        fetchOptions: { credentials: "same-origin" },
        vectorTileLayerStyles: styles,
        // The id also goes into the properties, where the click handler finds it for the popup.
        getFeatureId: function (f) { if (f.properties) f.properties.misto_id = f.id; return f.id; }
      });
      // A point of VectorGrid is a CircleMarker without a latlng; Leaflet takes any layer with
      // getLatLng for a marker and reads its latlng on every mouse event, which threw, so the
      // popup of a point layer never opened. Without it, events carry the mouse position.
      var createLayer = grid._createLayer;
      grid._createLayer = function (feat) {
        var made = createLayer.apply(this, arguments);
        if (made && feat.type === 1) made.getLatLng = null;
        return made;
      };
      function where(e) { return e.latlng || map.mouseEventToLatLng(e.originalEvent); }
      grid.on("click", function (e) {
        var popup = L.popup({ maxWidth: 340, autoPanPaddingTopLeft: L.point(10, 40) }).setLatLng(where(e));
        popup.setContent(gisPopup(layer, e.layer.properties || {}, strings, function () { popup.update(); })).openOn(map);
      });
      grid.on("mouseover", function (e) {
        var label = layer.style.label_field;
        var text = (label && e.layer.properties && e.layer.properties[label]) || layer.title;
        grid.bindTooltip(String(text), { sticky: true }).openTooltip(where(e));
      });
      grid.on("mouseout", function () { grid.closeTooltip(); grid.unbindTooltip(); });
      grid.on("load", function () { document.documentElement.dataset["gis" + layer.slug.replace(/[^a-z0-9]/g, "")] = "loaded"; });
      grid.on("tileerror", function () { setStatus(strings.failed.replace("%s", layer.title), true); });
      return grid;
    }

    function sync() {
      layers.forEach(function (layer) {
        var want = on.has(layer.slug);
        if (want && !shown[layer.slug]) shown[layer.slug] = make(layer).addTo(map);
        if (!want && shown[layer.slug]) { map.removeLayer(shown[layer.slug]); delete shown[layer.slug]; }
      });
      document.documentElement.dataset.gisLayers = Array.from(on).sort().join(",");
      if (Misto.updateLinks) Misto.updateLinks();
    }

    document.querySelectorAll("input[data-gis-layer]").forEach(function (box) {
      box.checked = on.has(box.dataset.gisLayer);
      box.addEventListener("change", function () {
        if (box.checked) on.add(box.dataset.gisLayer); else on.delete(box.dataset.gisLayer);
        sync();
      });
    });
    Misto.gisLayers = shown;
    sync();
  };
})();
