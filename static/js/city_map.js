/* The city map (/map/): facilities from the portal's own API, kept in step with the side panel
   (categories, locate, list view) and the address bar. The map itself is made by static/js/map.js
   from the page's config, which names these functions; the search box is city_map_search.js,
   City IT's GIS layers city_map_layers.js. */
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
        // Markers carry name and category only; the popup asks for the rest when opened (and
        // its placeholder is made then too: thousands of markers come in one response).
        marker.bindPopup(function () { return el("div", { "class": "popup" }, strings.loading); });
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
})();
