/* The search box of the city map (/map/): facilities, streets and building addresses
   (/api/v1/search/), as the person types and on Enter. A facility opens its marker's popup
   (Misto.focus of city_map.js); an address or a street gets a pin at exactly the point of the
   suggestion chosen, labelled with its name. Called by the page's config after initFacilities,
   with the same options. */
(function () {
  "use strict";

  var Misto = (window.Misto = window.Misto || {});

  // The shared helpers of static/js/map.js, which every map page loads first.
  var el = Misto.el;
  var $ = Misto.byId;
  var debounce = Misto.debounce;

  Misto.initMapSearch = function (map, options) {
    var strings = options.strings;
    var focus = Misto.focus;
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
  };
})();
