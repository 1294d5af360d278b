/* The notices layer of the city map (/map/): the areas of the notices in effect now, today or
   planned, from /api/v1/notices/?when=…, chosen in the panel (?notices=now in the address). */
(function () {
  "use strict";

  var Misto = (window.Misto = window.Misto || {});

  function start() {
    var config = document.getElementById("notices-map-config");
    if (!config) return;
    config = JSON.parse(config.textContent);
    var radios = document.querySelectorAll("input[name=notices-when]");
    var status = document.getElementById("notices-map-status");
    var layer = null;
    var tries = 0;

    function popup(props) {
      var lang = document.documentElement.lang === "en" ? "en" : "uk";
      var box = Misto.el("div", { "class": "popup notice-popup" });
      box.appendChild(Misto.el("strong", { "class": "popup-title" }, props["title_" + lang] || props.title_uk));
      box.appendChild(Misto.el("div", { "class": "popup-category" }, (config.kinds[props.kind] || props.kind) + " · " + (props.state === "planned" ? config.strings.planned : config.strings.now)));
      var ends = new Date(props.ends_at);
      box.appendChild(Misto.el("div", {}, config.strings.until + " " + ends.toLocaleString(lang === "en" ? "en-GB" : "uk-UA", { dateStyle: "short", timeStyle: "short" })));
      box.appendChild(Misto.el("a", { href: props.url, "class": "popup-more" }, config.strings.details));
      return box;
    }

    function load(when) {
      if (!Misto.map) { if (tries++ < 100) setTimeout(function () { load(when); }, 100); return; }
      if (layer) { Misto.map.removeLayer(layer); layer = null; }
      document.documentElement.dataset.noticesShown = "";
      if (!when) { status.textContent = ""; return; }
      Misto.getJSON(config.api + "?when=" + encodeURIComponent(when)).then(function (data) {
        layer = L.geoJSON(data, {
          style: function (f) {
            var colour = config.colours[f.properties.kind] || "#b91c1c";
            return { color: colour, weight: 2, fillColor: colour, fillOpacity: f.properties.state === "planned" ? 0.12 : 0.3, dashArray: f.properties.state === "planned" ? "6 4" : null };
          },
          onEachFeature: function (f, l) { l.bindPopup(popup(f.properties)); }
        }).addTo(Misto.map);
        status.textContent = config.strings.count.replace("%s", String(data.features.length));
        document.documentElement.dataset.noticesShown = String(data.features.length);
      }).catch(function () { status.textContent = config.strings.failed; });
    }

    radios.forEach(function (radio) {
      radio.addEventListener("change", function () { if (radio.checked) load(radio.value); });
    });
    var chosen = document.querySelector("input[name=notices-when]:checked");
    if (chosen && chosen.value) load(chosen.value);
  }
  if (document.readyState === "complete") start(); else window.addEventListener("load", start);
})();
