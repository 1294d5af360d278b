/* The staff map editor of one GIS layer (Leaflet-Geoman): draw, move, reshape and delete
   features with snapping; an attribute form made from the layer's fields; undo of the last
   change; saves carry the version they are based on, and a stale save is refused by the
   server with the current state, which is then shown. Called as Misto.initEditor(map, config). */
(function () {
  "use strict";

  var Misto = (window.Misto = window.Misto || {});
  // The shared helpers of static/js/map.js, which makes the editor's map from the page's config.
  var el = Misto.el;
  var $ = Misto.byId;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function api(method, url, body) {
    var options = { method: method, credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) { return { status: r.status, data: data }; });
    });
  }

  Misto.initEditor = function (map, config) {
    var layerInfo = config.layer;
    var fields = layerInfo.fields;
    var style = layerInfo.style;
    var strings = config.strings;
    var kind = layerInfo.geometry_type;
    var features = {};          // id -> {layer, version, properties}
    var selected = null;        // {id (null while new), layer, before}
    var lastChange = null;      // what "Undo" reverses
    var status = $("editor-status");
    var form = $("editor-form");
    var group = L.featureGroup().addTo(map);
    Misto.editor = { map: map, features: features, group: group };

    function say(text, isError) {
      status.textContent = text;
      status.classList.toggle("error", !!isError);
    }

    function markerIcon() { return Misto.dotIcon(style.colour, style.icon); }

    function pathStyle() {
      return kind === "line"
        ? { color: style.colour, weight: style.line_width }
        : { color: style.colour, weight: style.line_width, fillColor: style.fill_colour, fillOpacity: style.fill_opacity };
    }

    function makeLayer(geometry) {
      var made = L.geoJSON(geometry, {
        pointToLayer: function (_f, latlng) { return L.marker(latlng, { icon: markerIcon() }); },
        style: pathStyle
      }).getLayers()[0];
      return made;
    }

    function label(props) {
      var name = style.label_field;
      return (name && props[name]) || "";
    }

    function register(feature) {
      var old = features[feature.id];
      if (old) group.removeLayer(old.layer);
      var layer = makeLayer(feature.geometry);
      layer.mistoId = feature.id;
      features[feature.id] = { layer: layer, version: feature.version, properties: feature.properties || {} };
      layer.on("click", function () { select(feature.id); });
      layer.on("pm:edit pm:dragend", function () {
        if (!selected || selected.id !== feature.id) select(feature.id);
        selected.geometryChanged = true;
        say(strings.unsaved);
      });
      var text = label(feature.properties || {});
      if (text) layer.bindTooltip(String(text));
      // A point is a button for the keyboard and screen readers too: named by its label or number.
      if (layer.options.icon) layer.options.title = String(text || strings.feature.replace("%s", "#" + feature.id));
      group.addLayer(layer);
      return layer;
    }

    /* --- the attribute form, made from the layer's fields ------------------------------ */

    function input(field, value) {
      var id = "f-" + field.name;
      var attrs = { id: id, name: field.name, "aria-describedby": id + "-error" };
      var node;
      if (field.choices && field.choices.length) {
        node = el("select", attrs);
        node.appendChild(el("option", { value: "" }, "—"));
        field.choices.forEach(function (c) { node.appendChild(el("option", { value: String(c) }, String(c))); });
      } else if (field.type === "boolean") {
        node = el("select", attrs);
        [["", "—"], ["true", strings.yes], ["false", strings.no]].forEach(function (o) {
          node.appendChild(el("option", { value: o[0] }, o[1]));
        });
      } else if (field.type === "text") {
        node = el("textarea", Object.assign(attrs, { rows: "3", maxlength: String(field.max_length || 1000) }));
      } else {
        var type = field.type === "integer" || field.type === "number" ? "number" : field.type === "date" ? "date" : "text";
        Object.assign(attrs, { type: type });
        if (field.type === "integer") attrs.step = "1";
        if (field.type === "number") attrs.step = "any";
        if (field.minimum !== null && field.minimum !== undefined) attrs.min = String(field.minimum);
        if (field.maximum !== null && field.maximum !== undefined) attrs.max = String(field.maximum);
        if (type === "text") attrs.maxlength = String(field.max_length || 1000);
        node = el("input", attrs);
      }
      if (field.required) node.required = true;
      if (value !== undefined && value !== null) node.value = String(value);
      return node;
    }

    function fillForm(props, title) {
      var box = $("editor-fields");
      box.innerHTML = "";
      $("editor-title").textContent = title;
      fields.forEach(function (field) {
        var wrap = el("div", { "class": "field" });
        var lab = el("label", { "for": "f-" + field.name }, field.title + (field.required ? " *" : ""));
        wrap.appendChild(lab);
        var row = el("div", { "class": "inline" });
        row.appendChild(input(field, props[field.name]));
        if (field.unit) row.appendChild(el("span", { "class": "unit" }, field.unit));
        wrap.appendChild(row);
        wrap.appendChild(el("p", { "class": "field-error", id: "f-" + field.name + "-error" }));
        box.appendChild(wrap);
      });
      form.hidden = false;
      $("editor-delete").hidden = !(selected && selected.id);
      var history = $("editor-history");
      if (selected && selected.id) {
        history.hidden = false;
        history.href = config.historyUrl.replace("{id}", selected.id);
      } else {
        history.hidden = true;
      }
    }

    function readForm() {
      var props = {};
      fields.forEach(function (field) {
        var node = $("f-" + field.name);
        var raw = node.value.trim();
        if (raw === "") return;
        if (field.type === "boolean") props[field.name] = raw === "true";
        else if (field.type === "integer" || field.type === "number") props[field.name] = Number(raw.replace(",", "."));
        else props[field.name] = raw;
      });
      return props;
    }

    function showErrors(errors) {
      fields.forEach(function (field) {
        var node = $("f-" + field.name + "-error");
        if (node) node.textContent = (errors && errors[field.name]) ? field.title + ": " + errors[field.name] : "";
        var control = $("f-" + field.name);
        if (control) control.setAttribute("aria-invalid", errors && errors[field.name] ? "true" : "false");
      });
      var geometry = $("editor-geometry-error");
      geometry.textContent = errors && errors.geometry ? errors.geometry : "";
    }

    // The selected feature stands out: a ring around a point, a wider amber outline on a path.
    function highlight(layer, on) {
      if (!layer) return;
      if (layer.setStyle) {
        layer.setStyle(on ? { color: "#f59e0b", weight: (style.line_width || 3) + 3, dashArray: null } : pathStyle());
        if (on && layer.bringToFront) layer.bringToFront();
        return;
      }
      var node = layer.getElement && layer.getElement();
      if (node) node.classList.toggle("misto-selected", on);
      if (layer.setZIndexOffset) layer.setZIndexOffset(on ? 1000 : 0);
    }

    function select(id) {
      if (selected && !selected.id && selected.layer) group.removeLayer(selected.layer);  // an unsaved drawing
      if (selected) highlight(selected.layer, false);
      var f = features[id];
      highlight(f.layer, true);
      selected = { id: id, layer: f.layer, before: { geometry: f.layer.toGeoJSON().geometry, properties: f.properties }, geometryChanged: false };
      showErrors(null);
      fillForm(f.properties, strings.feature.replace("%s", "#" + id));
      say(strings.selected.replace("%s", "#" + id));
      showJoined(id);
    }

    // The rows of the attribute tables joined to the layer: shown, never edited here.
    function showJoined(id) {
      var box = $("editor-joined");
      box.innerHTML = "";
      box.hidden = true;
      api("GET", config.api + id + "/").then(function (answer) {
        var joins = (answer.data && answer.data.joined) || [];
        if (answer.status !== 200 || !joins.length || !selected || selected.id !== id) return;
        box.appendChild(el("h3", {}, strings.joined));
        joins.forEach(function (join) {
          var section = el("section", { "data-join": join.name });
          section.appendChild(el("h4", {}, join.title));
          if (!join.rows.length) {
            section.appendChild(el("p", { "class": "muted" }, strings.noRows));
          } else {
            var shownFields = join.relation === "many"
              ? join.fields.filter(function (field) { return field.name !== join.table_key; })
              : join.fields;
            var table = el("table");
            var head = el("tr");
            shownFields.forEach(function (field) { head.appendChild(el("th", { scope: "col" }, field.title)); });
            table.appendChild(head);
            join.rows.forEach(function (r) {
              var tr = el("tr");
              shownFields.forEach(function (field) {
                var v = r[field.name];
                tr.appendChild(el("td", {}, v === null || v === undefined ? "—" : field.type === "boolean" ? (v ? strings.yes : strings.no) : String(v)));
              });
              table.appendChild(tr);
            });
            section.appendChild(table);
          }
          box.appendChild(section);
        });
        box.hidden = false;
      });
    }

    function clearSelection() {
      if (selected) highlight(selected.layer, false);
      if (selected && !selected.id && selected.layer) group.removeLayer(selected.layer);
      selected = null;
      form.hidden = true;
      showErrors(null);
    }

    /* --- saving, deleting, undo -------------------------------------------------------- */

    function afterConflict(current) {
      register(current);
      select(current.id);
      say(strings.conflict, true);
    }

    function save(event) {
      event.preventDefault();
      if (!selected) return;
      $("editor-conflict").textContent = "";
      if (!form.reportValidity()) { say(strings.checkFields, true); return; }
      var props = readForm();
      var geometry = selected.layer.toGeoJSON().geometry;
      var request;
      if (!selected.id) {
        request = api("POST", config.api, { geometry: geometry, properties: props });
      } else {
        var f = features[selected.id];
        request = api("PUT", config.api + selected.id + "/", { version: f.version, geometry: geometry, properties: props });
      }
      say(strings.saving);
      request.then(function (answer) {
        if (answer.status === 201 || answer.status === 200) {
          var wasNew = !selected.id;
          var before = selected.before;
          if (wasNew) group.removeLayer(selected.layer);
          register(answer.data);
          lastChange = wasNew ? { type: "create", id: answer.data.id } : { type: "update", id: answer.data.id, before: before };
          $("editor-undo").disabled = false;
          select(answer.data.id);
          say(strings.saved.replace("%s", "#" + answer.data.id).replace("%v", answer.data.version));
          document.documentElement.dataset.editorSaved = String(answer.data.id);
        } else if (answer.status === 409) {
          afterConflict(answer.data.error.current);
          $("editor-conflict").textContent = answer.data.error.message;
        } else if (answer.data && answer.data.error) {
          showErrors(answer.data.error.fields);
          say(answer.data.error.message, true);
        } else {
          say(strings.failed, true);
        }
      }).catch(function () { say(strings.failed, true); });
    }

    function remove() {
      if (!selected || !selected.id) return;
      var id = selected.id, f = features[id];
      api("DELETE", config.api + id + "/?version=" + f.version).then(function (answer) {
        if (answer.status === 200) {
          group.removeLayer(f.layer);
          delete features[id];
          lastChange = { type: "delete", id: id, version: answer.data.version };
          $("editor-undo").disabled = false;
          clearSelection();
          say(strings.deleted.replace("%s", "#" + id));
        } else if (answer.status === 409) {
          afterConflict(answer.data.error.current);
        } else {
          say((answer.data.error && answer.data.error.message) || strings.failed, true);
        }
      });
    }

    function undo() {
      if (!lastChange) return;
      var change = lastChange;
      var done = function (answer, after) {
        if (answer.status === 200) {
          lastChange = null;
          $("editor-undo").disabled = true;
          after(answer.data);
          say(strings.undone);
        } else {
          say((answer.data.error && answer.data.error.message) || strings.failed, true);
        }
      };
      if (change.type === "create") {
        var f = features[change.id];
        api("DELETE", config.api + change.id + "/?version=" + f.version).then(function (answer) {
          done(answer, function () { group.removeLayer(f.layer); delete features[change.id]; clearSelection(); });
        });
      } else if (change.type === "update") {
        var g = features[change.id];
        api("PUT", config.api + change.id + "/", { version: g.version, geometry: change.before.geometry, properties: change.before.properties })
          .then(function (answer) { done(answer, function (data) { register(data); select(data.id); }); });
      } else {
        api("POST", config.api + change.id + "/restore/", { version: change.version })
          .then(function (answer) { done(answer, function (data) { register(data); select(data.id); }); });
      }
    }

    /* --- drawing ------------------------------------------------------------------------ */

    map.pm.setLang(config.lang === "uk" ? "ua" : "en");
    map.pm.setGlobalOptions({
      snappable: true,
      snapDistance: 20,
      allowSelfIntersection: false,
      markerStyle: { icon: markerIcon() },
      templineStyle: { color: style.colour },
      hintlineStyle: { color: style.colour, dashArray: [5, 5] },
      pathOptions: pathStyle()
    });
    map.pm.addControls({
      position: "topleft",
      drawMarker: kind === "point",
      drawPolyline: kind === "line",
      drawPolygon: kind === "polygon",
      drawRectangle: kind === "polygon",
      drawCircle: false, drawCircleMarker: false, drawText: false,
      editMode: kind !== "point", dragMode: true, cutPolygon: false, removalMode: false, rotateMode: false
    });
    // Geoman names its buttons in a title on the wrapper only; give the buttons themselves a name.
    document.querySelectorAll(".leaflet-buttons-control-button").forEach(function (button) {
      var title = button.parentElement && button.parentElement.getAttribute("title");
      if (title) button.setAttribute("aria-label", title);
    });
    map.on("pm:create", function (e) {
      clearSelection();
      group.addLayer(e.layer);
      selected = { id: null, layer: e.layer, before: null, geometryChanged: true };
      showErrors(null);
      fillForm({}, strings.newFeature);
      say(strings.drawn);
      var first = form.querySelector("input, select, textarea");
      if (first) first.focus();
    });

    var addHere = $("editor-add-centre");
    if (addHere && kind === "point") {
      addHere.hidden = false;
      addHere.addEventListener("click", function () {
        var layer = L.marker(map.getCenter(), { icon: markerIcon(), title: strings.newFeature });
        map.fire("pm:create", { layer: layer, shape: "Marker" });
      });
    }

    form.addEventListener("submit", save);
    $("editor-cancel").addEventListener("click", function () {
      if (selected && selected.id) {
        var f = features[selected.id];
        register({ id: selected.id, geometry: selected.before.geometry, properties: f.properties, version: f.version });
      }
      clearSelection();
      say(strings.cancelled);
    });
    $("editor-delete").addEventListener("click", remove);
    $("editor-undo").addEventListener("click", undo);

    /* --- the features in view ----------------------------------------------------------- */

    var loading = null;
    function load() {
      var b = map.getBounds().pad(0.3);
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(6); }).join(",");
      if (loading) loading.abort();
      loading = new AbortController();
      fetch(config.api + "?bbox=" + bbox + "&limit=5000", { credentials: "same-origin", signal: loading.signal })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          data.features.forEach(function (f) { if (!features[f.id]) register(f); });
          document.documentElement.dataset.editorLoaded = String(Object.keys(features).length);
          if (!selected) say(strings.loaded.replace("%s", String(data.count)));
        })
        .catch(function (err) { if (err.name !== "AbortError") say(strings.failed, true); });
    }
    map.on("moveend", load);
    load();
  };
})();
