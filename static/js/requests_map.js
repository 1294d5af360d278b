/* Maps of the citizen requests pages, made with static/js/map.js (Misto.createMap) from the
   page's JSON config: pointMap (a request's page) and publicMap (the public map of requests,
   clustered, loaded by the visible area, coloured by status with a legend and a permalink). */
(function () {
  "use strict";

  var Misto = window.Misto;
  var el = Misto.el;

  function pointMap(id, options) {
    var map = Misto.createMap(id, options, { scrollWheelZoom: false, dragging: !L.Browser.mobile, tap: false });
    map.setView(options.point, options.zoom);
    L.marker(options.point, { icon: Misto.pinIcon(), keyboard: false, interactive: false }).addTo(map);
    return map;
  }

  // The request's number is the feature's id (the API keeps properties to what a popup shows).
  function title(f) { return f.properties.category_name + " № " + f.id; }

  function popup(f) {
    var p = f.properties;
    var box = el("div", { "class": "popup" });
    box.appendChild(el("a", { href: p.url, "class": "popup-title" }, title(f)));
    box.appendChild(el("div", { "class": "popup-category" }, p.status_label));
    if (p.address) box.appendChild(el("div", {}, p.address));
    return box;
  }

  function publicMap(id, options) {
    var view = Misto.viewFromUrl();
    if (view) { options.center = view.center; options.zoom = view.zoom; }
    var map = Misto.createMap(id, options);
    var cluster = Misto.clusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50, chunkedLoading: true },
      function (marker) { return marker.mistoKind; }, options.strings && options.strings.requests);
    map.addLayer(cluster);
    var filters = document.getElementById("map-filters");
    var colours = {};
    options.legend.forEach(function (item) { item.statuses.forEach(function (s) { colours[s] = item.colour; }); });
    Misto.legend("map-legend-list", options.legend);
    var limit = 2000;
    var generation = 0;

    function filterParams() {
      var params = new URLSearchParams();
      if (filters) new FormData(filters).forEach(function (value, key) { params.set(key, value); });
      return params;
    }
    if (filters) {
      // A permalink restores the filters it was made with.
      var asked = new URLSearchParams(window.location.search);
      Array.prototype.forEach.call(filters.elements, function (field) {
        if (field.name && asked.has(field.name)) field.value = asked.get(field.name);
      });
    }
    var updateLink = Misto.permalink(map, { params: filterParams });

    function load() {
      var params = new URLSearchParams({ bbox: Misto.bboxParam(map.getBounds()), limit: String(limit) });
      filterParams().forEach(function (value, key) { if (value) params.set(key, value); });
      var mine = ++generation;
      Misto.getJSON(options.data + "?" + params.toString())
        .then(function (data) {
          if (mine !== generation) return;
          var markers = data.features.map(function (f) {
            var c = f.geometry.coordinates;
            var p = f.properties;
            var marker = L.marker([c[1], c[0]], { icon: Misto.dotIcon(colours[p.status] || "#6b7280", p.icon), title: title(f), alt: p.category_name });
            marker.mistoKind = p.category_name;
            marker.bindPopup(function () { return popup(f); });
            marker.bindTooltip(title(f) + " · " + p.status_label);
            return marker;
          });
          cluster.clearLayers();
          cluster.addLayers(markers);
          var text = markers.length + " " + options.strings.shown;
          if (markers.length >= limit) text += ". " + options.strings.more;
          Misto.setStatus(text);
          document.documentElement.dataset.requestsLoaded = String(markers.length);
        })
        .catch(function () { Misto.setStatus(options.strings.failed, true); });
    }

    map.on("moveend", Misto.debounce(load, 250));
    if (filters) filters.addEventListener("change", function () { updateLink(); load(); });
    load();
    window.MistoRequests.map = map;
    return map;
  }

  window.MistoRequests = { createMap: Misto.createMap, pointMap: pointMap, publicMap: publicMap, pinIcon: Misto.pinIcon, el: el };
})();
