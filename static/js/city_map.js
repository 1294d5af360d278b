/* The city map (/map/): facilities from the portal's own API and City IT's GIS layers, kept in
   step with the side panel (layers, search, locate, list view) and the address bar. The map
   itself is made by static/js/map.js from the page's config, which names these functions. */
(function () {
  "use strict";

  var Misto = (window.Misto = window.Misto || {});

  // The shared helpers of static/js/map.js, which every map page loads first.
  var el = Misto.el;
  var $ = Misto.byId;
  var setStatus = Misto.setStatus;
  var debounce = Misto.debounce;
  var bboxParam = Misto.bboxParam;

  /* --- facilities ------------------------------------------------------------------- */

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
    if (props.opening_hours) {
      var state = props.open_now === true ? " · " + strings.open : props.open_now === false ? " · " + strings.closed : "";
      row(strings.hours, (props.opening_hours_text || props.opening_hours) + state);
    }
    box.appendChild(dl);
    box.appendChild(el("a", { href: props.url, "class": "popup-more" }, strings.details));
    box.dataset.loaded = "1";
    return box;
  }

  Misto.initFacilities = function (map, options) {
    var strings = options.strings;
    var categories = options.categories;
    var allSlugs = Object.keys(categories);
    var selected = new Set(options.selected || allSlugs);
    var cluster = Misto.clusterGroup({ chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 50 },
      function (marker) { return marker.mistoKind; });
    map.addLayer(cluster);
    var markers = {};
    var controller = null;
    var pendingFocus = options.focus || null;
    Misto.map = map;

    function categoryParam(explicit) {
      // All categories: no parameter — unless GIS layers are named too, which makes the list explicit.
      if (selected.size === allSlugs.length && !explicit) return null;
      // Whole groups are written as the group's slug: shorter, readable permalinks.
      var parts = [];
      var covered = new Set();
      options.groups.forEach(function (g) {
        if (g.children.length && g.children.every(function (c) { return selected.has(c); })) {
          parts.push(g.slug);
          g.children.forEach(function (c) { covered.add(c); });
        }
      });
      allSlugs.forEach(function (s) { if (selected.has(s) && !covered.has(s)) parts.push(s); });
      return parts.join(",");
    }

    var updateLinks = Misto.permalink(map, {
      base: options.mapUrl,
      link: "map-permalink",
      params: function () {
        var gis = Misto.gisTokens ? Misto.gisTokens() : [];
        var layers = categoryParam(gis.length > 0);
        var params = new URLSearchParams();
        var named = [layers, gis.join(",")].filter(function (part) { return part; }).join(",");
        if (layers !== null || gis.length) params.set("layers", named);
        return params;
      },
      onUpdate: function () {
        var list = $("map-list-link");
        if (!list) return;
        var layers = categoryParam();
        var lp = new URLSearchParams();
        if (layers) lp.set("category", layers);
        lp.set("bbox", bboxParam(map.getBounds()));
        list.href = options.listUrl + "?" + lp.toString().replace(/%2C/g, ",");
      }
    });

    var openId = null;
    map.on("popupopen", function (e) {
      openId = e.popup._source && e.popup._source.mistoId;
      // A facility asked for (permalink, search) is shown once its popup is actually open:
      // until then a reload caused by panning to it must try again.
      if (openId === pendingFocus) pendingFocus = null;
    });
    map.on("popupclose", function () { openId = null; });

    function render(data) {
      // Keep the popup a person is reading open across reloads of the markers.
      var keepOpen = pendingFocus || openId;
      // The markers are about to be replaced: a popup of the old set must not stay behind
      // beside the one reopened below (a person would see two popups).
      map.closePopup();
      cluster.clearLayers();
      markers = {};
      var list = [];
      data.features.forEach(function (f) {
        var category = categories[f.properties.category];
        if (!category) return;
        var c = f.geometry.coordinates;
        var marker = L.marker([c[1], c[0]], { icon: Misto.dotIcon(category.colour, category.icon), title: f.properties.name, alt: f.properties.name, keyboard: true });
        marker.mistoId = f.id;
        marker.mistoKind = category.name;
        // Markers carry name and category only; the popup asks for the rest when opened.
        marker.bindPopup(el("div", { "class": "popup" }, strings.loading));
        marker.on("popupopen", function (event) {
          var popup = event.popup;
          if (popup.options.misto_loaded) return;
          fetch(options.api + f.id + "/" + (options.lang ? "?lang=" + options.lang : ""), { credentials: "same-origin" })
            .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
            .then(function (detail) {
              popup.options.misto_loaded = true;
              popup.setContent(popupContent(detail.properties, category, strings));
            })
            .catch(function () { popup.setContent(el("div", { "class": "popup error" }, strings.failed)); });
        });
        markers[f.id] = marker;
        list.push(marker);
      });
      cluster.addLayers(list);
      var text = strings.inView.replace("%s", String(data.count));
      if (data.count > data.features.length) text += " " + strings.zoomIn.replace("%s", String(data.features.length));
      setStatus(text);
      document.documentElement.dataset.facilitiesLoaded = String(list.length);
      if (keepOpen && markers[keepOpen]) {
        var m = markers[keepOpen];
        // The cluster may call back after a newer load replaced the markers: open only the
        // marker of the current set.
        cluster.zoomToShowLayer(m, function () { if (markers[keepOpen] === m) m.openPopup(); });
      }
    }

    var lastKey = null;
    var lastData = null;

    function load() {
      updateLinks();
      if (selected.size === 0) {
        cluster.clearLayers();
        setStatus(strings.noneSelected);
        document.documentElement.dataset.facilitiesLoaded = "0";
        return;
      }
      var params = new URLSearchParams({
        bbox: bboxParam(map.getBounds().pad(0.25)), page_size: String(options.pageSize), properties: "minimal"
      });
      var layers = categoryParam();
      if (layers) params.set("category", layers);
      if (options.lang) params.set("lang", options.lang);
      var key = params.toString();
      if (key === lastKey) {
        // Same data as on the map already: only a facility to show may be pending.
        if (pendingFocus && markers[pendingFocus]) render(lastData);
        return;
      }
      lastKey = key;
      if (controller) controller.abort();
      controller = new AbortController();
      setStatus(strings.loading);
      fetch(options.api + "?" + params.toString(), { credentials: "same-origin", signal: controller.signal })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (data) { lastData = data; render(data); })
        .catch(function (err) {
          if (err.name === "AbortError") return;
          lastKey = null;
          console.error("Misto: facilities failed to load", err);
          setStatus(strings.failed, true);
        });
    }

    /* The layer panel: one checkbox per category, and one per group that toggles its categories. */
    document.querySelectorAll("input[data-category]").forEach(function (box) {
      box.checked = selected.has(box.dataset.category);
      box.addEventListener("change", function () {
        if (box.checked) selected.add(box.dataset.category); else selected.delete(box.dataset.category);
        syncGroups();
        load();
      });
    });
    document.querySelectorAll("input[data-group]").forEach(function (box) {
      box.addEventListener("change", function () {
        var group = options.groups.find(function (g) { return g.slug === box.dataset.group; });
        group.children.forEach(function (c) {
          if (box.checked) selected.add(c); else selected.delete(c);
          var child = document.querySelector('input[data-category="' + c + '"]');
          if (child) child.checked = box.checked;
        });
        syncGroups();
        load();
      });
    });
    function syncGroups() {
      document.querySelectorAll("input[data-group]").forEach(function (box) {
        var group = options.groups.find(function (g) { return g.slug === box.dataset.group; });
        var on = group.children.filter(function (c) { return selected.has(c); }).length;
        box.checked = on === group.children.length;
        box.indeterminate = on > 0 && on < group.children.length;
      });
    }
    syncGroups();
    var all = $("map-all"), none = $("map-none");
    if (all) all.addEventListener("click", function () { selected = new Set(allSlugs); document.querySelectorAll("input[data-category]").forEach(function (b) { b.checked = true; }); syncGroups(); load(); });
    if (none) none.addEventListener("click", function () { selected.clear(); document.querySelectorAll("input[data-category]").forEach(function (b) { b.checked = false; }); syncGroups(); load(); });

    /* One search box: facilities, streets and building addresses (/api/v1/search/), as the
       person types and on Enter. A facility opens its marker's popup; an address or a street
       gets a pin at exactly the point of the suggestion chosen, labelled with its name. */
    var form = $("map-search"), results = $("map-search-results"), box = $("map-search-q");
    var searchPin = null;
    var searchController = null;
    var lastQuery = null;

    function showPlace(place) {
      if (searchPin) map.removeLayer(searchPin);
      map.closePopup();
      searchPin = L.marker([place.lat, place.lon], { title: place.label, alt: place.label, keyboard: false })
        .bindTooltip(place.label, { permanent: true, direction: "top", offset: [0, -36], className: "search-pin-label" })
        .addTo(map);
      document.documentElement.dataset.searchPin = place.lat.toFixed(6) + "," + place.lon.toFixed(6);
      map.setView([place.lat, place.lon], place.kind === "street" ? 17 : 18, { animate: false });
    }

    function choose(place) {
      if (place.kind === "facility") {
        if (searchPin) { map.removeLayer(searchPin); searchPin = null; }
        focus({ id: place.id, geometry: { coordinates: [place.lon, place.lat] }, properties: { category: place.category } });
      } else {
        showPlace(place);
      }
    }

    function search(q, moveFocus) {
      if (q === lastQuery && !moveFocus) return;
      lastQuery = q;
      if (searchController) searchController.abort();
      if (q.length < 2) { results.textContent = ""; return; }
      searchController = new AbortController();
      var params = new URLSearchParams({ q: q, limit: "10" });
      if (options.lang) params.set("lang", options.lang);
      fetch(options.searchApi + "?" + params.toString(), { credentials: "same-origin", signal: searchController.signal })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (data) {
          results.textContent = "";
          if (!data.results.length) {
            results.appendChild(el("li", { "class": "empty" }, strings.noResults));
            return;
          }
          data.results.forEach(function (place) {
            var item = el("li", { "class": "search-" + place.kind });
            var button = el("button", { type: "button", "class": "link-button" }, place.label);
            item.appendChild(button);
            item.appendChild(el("span", { "class": "count" }, place.detail));
            button.addEventListener("click", function () { choose(place); });
            results.appendChild(item);
          });
          if (moveFocus) results.querySelector("button").focus();
        })
        .catch(function (err) {
          if (err.name === "AbortError") return;
          lastQuery = null;
          results.textContent = "";
          results.appendChild(el("li", { "class": "empty error" }, strings.searchFailed));
        });
    }

    if (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        search(box.value.trim(), true);
      });
      box.addEventListener("input", debounce(function () { search(box.value.trim(), false); }, 250));
    }

    function focus(feature) {
      var c = feature.geometry.coordinates;
      if (!selected.has(feature.properties.category)) {
        selected.add(feature.properties.category);
        var box = document.querySelector('input[data-category="' + feature.properties.category + '"]');
        if (box) box.checked = true;
        syncGroups();
      }
      pendingFocus = feature.id;
      map.setView([c[1], c[0]], 18, { animate: false });
      load();  // the move reloads too; the same request is not made twice
    }
    Misto.focus = focus;

    /* "Where am I?" */
    var locate = $("map-locate");
    var here = null;
    if (locate) {
      locate.addEventListener("click", function () {
        setStatus(strings.locating);
        map.locate({ setView: true, maxZoom: 17, timeout: 10000 });
      });
      map.on("locationfound", function (e) {
        if (here) map.removeLayer(here);
        here = L.circle(e.latlng, { radius: Math.max(e.accuracy, 15), color: "#0b5fa5", weight: 2, fillOpacity: 0.15 }).addTo(map);
      });
      map.on("locationerror", function () { setStatus(strings.locateFailed, true); });
    }

    map.on("moveend", debounce(load, 200));
    Misto.updateLinks = updateLinks;
    load();
  };

  /* --- GIS layers of city IT (vector tiles) ------------------------------------------ */

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
