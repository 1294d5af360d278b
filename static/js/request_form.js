/* The filing form: the place (tap, drag the pin, locate me, typed address with suggestions, a
   photo's GPS), the category's questions, similar open requests nearby, and checks before
   sending. Without JavaScript the form still works: the address is matched on the server. */
(function () {
  "use strict";

  var options = JSON.parse(document.getElementById("request-form-options").textContent);
  var strings = options.strings;
  var form = document.getElementById("request-form");
  var latInput = form.elements.lat;
  var lonInput = form.elements.lon;
  var address = form.elements.address;
  var status = document.getElementById("place-status");
  var suggestions = document.getElementById("address-suggestions");
  var nearbyBox = document.getElementById("nearby");
  var filesInput = document.getElementById("id_files");
  var filesStatus = document.getElementById("files-status");
  var photoPlace = document.getElementById("photo-place");
  var el = Misto.el;

  var map = Misto.createMap("picker-map", options);
  if (options.boundary) {
    L.geoJSON(options.boundary, { interactive: false, style: { color: "#0b5fa5", weight: 2, fill: false, dashArray: "6 4" } }).addTo(map);
  }
  var picker = Misto.placePicker(map, function (lat, lon) { setPlace(lat, lon, {}); });
  window.MistoRequests = { form: { map: map } };

  function setStatus(text, isError) {
    status.textContent = text || "";
    status.classList.toggle("error", !!isError);
  }

  function setPlace(lat, lon, how) {
    how = how || {};
    latInput.value = lat.toFixed(6);
    lonInput.value = lon.toFixed(6);
    picker.set(lat, lon, how.pan);
    form.dataset.pin = lat.toFixed(6) + "," + lon.toFixed(6);
    checkPlace(lat, lon, how.keepAddress, how.label);
    refreshNearby();
  }

  // `label`: the suggestion the person chose names the place, not the nearest house to its point
  // (a street's point may stand nearer to a house of the crossing street).
  function checkPlace(lat, lon, keepAddress, label) {
    fetch(options.urls.place + "?lat=" + lat + "&lon=" + lon, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (!data.inside) {
          form.dataset.outside = "1";
          setStatus(data.message, true);
          return;
        }
        delete form.dataset.outside;
        setStatus([label || data.address, data.district].filter(Boolean).join(", "));
        if (!keepAddress && data.address) address.value = data.address;
      })
      .catch(function () { setStatus(""); });
  }

  if (latInput.value && lonInput.value) {
    setPlace(parseFloat(latInput.value), parseFloat(lonInput.value), { pan: true, keepAddress: true });
  }

  // Locate me
  var locate = document.getElementById("locate-me");
  if (navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      setStatus(strings.locating);
      Misto.locate(
        function (lat, lon) { setPlace(lat, lon, { pan: true }); },
        function () { setStatus(strings.locate_failed, true); }
      );
    });
  }

  // Address suggestions (a combobox)
  var found = [];
  var active = -1;
  var typing = null;
  address.setAttribute("role", "combobox");
  address.setAttribute("aria-autocomplete", "list");
  address.setAttribute("aria-controls", "address-suggestions");
  address.setAttribute("aria-expanded", "false");

  function closeSuggestions() {
    suggestions.hidden = true;
    suggestions.textContent = "";
    address.setAttribute("aria-expanded", "false");
    active = -1;
  }

  function choose(i) {
    var s = found[i];
    if (!s) return;
    address.value = s.label;
    closeSuggestions();
    setPlace(s.lat, s.lon, { pan: true, keepAddress: true, label: s.label });
  }

  function highlight(i) {
    active = i;
    Array.prototype.forEach.call(suggestions.children, function (li, j) {
      li.setAttribute("aria-selected", j === i ? "true" : "false");
      if (j === i) address.setAttribute("aria-activedescendant", li.id);
    });
  }

  function showSuggestions(results) {
    found = results;
    suggestions.textContent = "";
    if (!results.length) {
      suggestions.appendChild(el("li", { "class": "empty", role: "option", "aria-disabled": "true" }, strings.no_suggestions));
    }
    results.forEach(function (s, i) {
      var li = el("li", { role: "option", id: "address-option-" + i, "aria-selected": "false" }, s.label);
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
      suggestions.appendChild(li);
    });
    suggestions.hidden = false;
    address.setAttribute("aria-expanded", "true");
  }

  address.addEventListener("input", function () {
    clearTimeout(typing);
    var q = address.value.trim();
    if (q.length < 2) { closeSuggestions(); return; }
    typing = setTimeout(function () {
      fetch(options.urls.addresses + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) { if (address.value.trim() === q) showSuggestions(data.results); })
        .catch(closeSuggestions);
    }, 200);
  });
  address.addEventListener("keydown", function (e) {
    if (suggestions.hidden) return;
    if (e.key === "ArrowDown") { e.preventDefault(); highlight(Math.min(active + 1, found.length - 1)); }
    else if (e.key === "ArrowUp") { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
    else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(active); }
    else if (e.key === "Escape") { closeSuggestions(); }
  });
  address.addEventListener("blur", function () { setTimeout(closeSuggestions, 150); });

  // The category: its questions and similar requests nearby
  function selectedCategory() {
    var checked = form.querySelector('input[name="category"]:checked');
    return checked ? checked.value : "";
  }

  function showQuestions() {
    var category = selectedCategory();
    var checked = form.querySelector('input[name="category"]:checked');
    var group = checked ? checked.closest("details") : null;
    var anchor = group;
    document.querySelectorAll(".questions").forEach(function (box) {
      var mine = box.dataset.category === category;
      box.hidden = !mine;
      box.querySelectorAll("input, textarea, select").forEach(function (input) { input.disabled = !mine; });
      // The chosen category's questions and the similar requests follow its group, not the last group.
      if (mine && group) { group.after(box); anchor = box; }
    });
    if (anchor) anchor.after(nearbyBox);
  }

  function csrfToken() {
    var input = form.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  function follow(item, button) {
    button.disabled = true;
    fetch(item.follow_url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" }
    })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        button.replaceWith(el("span", { "class": "following", role: "status" }, data.ok ? strings.following : data.message));
      })
      .catch(function () { button.disabled = false; });
  }

  function refreshNearby() {
    refreshNotices();
    var category = selectedCategory();
    if (!category || !latInput.value) { nearbyBox.hidden = true; return; }
    var query = "?category=" + encodeURIComponent(category) + "&lat=" + latInput.value + "&lon=" + lonInput.value;
    fetch(options.urls.nearby + query, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        nearbyBox.textContent = "";
        if (!data.results || !data.results.length) { nearbyBox.hidden = true; return; }
        nearbyBox.appendChild(el("h3", {}, strings.nearby_title));
        var list = el("ul");
        data.results.forEach(function (item) {
          var li = el("li");
          var text = el("div");
          text.appendChild(el("a", { href: item.url, target: "_blank", rel: "noopener" }, item.category + " № " + item.number));
          text.appendChild(el("div", { "class": "distance" }, item.distance_m + " " + strings.metres + " · " + item.status + (item.address ? " · " + item.address : "")));
          if (item.text) text.appendChild(el("div", {}, item.text));
          li.appendChild(text);
          if (options.authenticated) {
            var button = el("button", { type: "button", "class": "button secondary" }, strings.follow);
            button.addEventListener("click", function () { follow(item, button); });
            li.appendChild(button);
          } else {
            li.appendChild(el("a", { href: item.url, "class": "button secondary" }, strings.follow));
          }
          list.appendChild(li);
        });
        nearbyBox.appendChild(list);
        nearbyBox.hidden = false;
      })
      .catch(function () { nearbyBox.hidden = true; });
  }

  // An outage or works the city announced here, of the chosen category's kind: shown before
  // filing (the server shows it once too, for pages without this script).
  function refreshNotices() {
    var noticesBox = document.getElementById("place-notices");
    var category = selectedCategory();
    if (!noticesBox || !options.urls.notices || !category || !latInput.value) return;
    var query = "?category=" + encodeURIComponent(category) + "&lat=" + latInput.value + "&lon=" + lonInput.value;
    fetch(options.urls.notices + query, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        noticesBox.textContent = "";
        if (!data.notices || !data.notices.length) { noticesBox.hidden = true; return; }
        noticesBox.appendChild(el("h3", {}, strings.notices_title));
        var list = el("ul");
        data.notices.forEach(function (n) {
          var li = el("li");
          li.appendChild(el("a", { href: n.url, target: "_blank", rel: "noopener" }, n.title));
          li.appendChild(document.createTextNode(" — " + n.when));
          list.appendChild(li);
        });
        noticesBox.appendChild(list);
        noticesBox.appendChild(el("p", {}, strings.notices_still));
        noticesBox.hidden = false;
        form.elements.notices_seen.value = "1";
      })
      .catch(function () { noticesBox.hidden = true; });
  }

  form.querySelectorAll('input[name="category"]').forEach(function (radio) {
    radio.addEventListener("change", function () { showQuestions(); refreshNearby(); });
  });
  showQuestions();

  // Files: how many, and a photo's position (EXIF GPS) proposed as the place
  function exifGps(buffer) {
    var view = new DataView(buffer);
    if (view.byteLength < 4 || view.getUint16(0) !== 0xffd8) return null;
    var offset = 2;
    while (offset + 4 < view.byteLength) {
      var markerId = view.getUint16(offset);
      var size = view.getUint16(offset + 2);
      if (markerId === 0xffe1 && view.getUint32(offset + 4) === 0x45786966) return tiffGps(view, offset + 10);
      if ((markerId & 0xff00) !== 0xff00) return null;
      offset += 2 + size;
    }
    return null;
  }

  function tiffGps(view, start) {
    var little = view.getUint16(start) === 0x4949;
    function u16(o) { return view.getUint16(start + o, little); }
    function u32(o) { return view.getUint32(start + o, little); }
    function entries(ifd) {
      var out = {};
      var n = u16(ifd);
      for (var i = 0; i < n; i++) {
        var e = ifd + 2 + i * 12;
        out[u16(e)] = { type: u16(e + 2), count: u32(e + 4), at: e + 8 };
      }
      return out;
    }
    function rationals(entry) {
      var o = u32(entry.at);
      var values = [];
      for (var i = 0; i < 3; i++) values.push(u32(o + i * 8) / (u32(o + i * 8 + 4) || 1));
      return values[0] + values[1] / 60 + values[2] / 3600;
    }
    function ref(entry) { return String.fromCharCode(view.getUint8(start + entry.at)); }
    var ifd0 = entries(u32(4));
    if (!ifd0[0x8825]) return null;
    var gps = entries(u32(ifd0[0x8825].at));
    if (!gps[2] || !gps[4]) return null;
    var lat = rationals(gps[2]);
    var lon = rationals(gps[4]);
    if (gps[1] && ref(gps[1]) === "S") lat = -lat;
    if (gps[3] && ref(gps[3]) === "W") lon = -lon;
    if (!isFinite(lat) || !isFinite(lon) || (lat === 0 && lon === 0)) return null;
    return { lat: lat, lon: lon };
  }

  // Files kept from a try that came back with an error count towards the limit, unless ticked off.
  function keptCount() {
    var box = document.getElementById("pending-files");
    if (!box) return 0;
    return box.querySelectorAll("input[name=pending_remove]:not(:checked)").length;
  }

  function tooMany() { return filesInput.files.length + keptCount() > options.max_files; }

  filesInput.addEventListener("change", function () {
    var files = Array.prototype.slice.call(filesInput.files);
    filesStatus.hidden = !tooMany();
    filesStatus.textContent = tooMany() ? strings.too_many_files : "";
    photoPlace.hidden = true;
    var jpeg = files.filter(function (f) { return /jpe?g$/i.test(f.type) || /\.jpe?g$/i.test(f.name); })[0];
    if (!jpeg) return;
    jpeg.slice(0, 256 * 1024).arrayBuffer().then(function (buffer) {
      var gps = null;
      try { gps = exifGps(buffer); } catch (e) { gps = null; }
      if (!gps) return;
      photoPlace.textContent = strings.photo_place + " ";
      var use = el("button", { type: "button", "class": "button secondary" }, strings.use_place);
      use.addEventListener("click", function () { setPlace(gps.lat, gps.lon, { pan: true }); photoPlace.hidden = true; });
      photoPlace.appendChild(use);
      photoPlace.hidden = false;
      if (!latInput.value) map.setView([gps.lat, gps.lon], 17);
    });
  });

  form.addEventListener("submit", function (e) {
    if (form.dataset.outside) {
      e.preventDefault();
      setStatus(strings.outside, true);
      document.getElementById("step-place").scrollIntoView({ behavior: "smooth" });
      return;
    }
    if (tooMany()) {
      e.preventDefault();
      filesStatus.hidden = false;
      filesStatus.textContent = strings.too_many_files;
    }
  });
})();
