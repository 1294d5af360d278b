/* The admin's map of where a routing rule applies (citizen_requests.admin.AreaMapWidget): the
 * rule's area over the hromada's boundary, from the JSON the page carries (no inline script). */
/* global L */
'use strict';
(function () {
    const options = JSON.parse(document.getElementById('rule-area-map-options').textContent);
    const map = L.map('rule-area-map').setView(options.center, 12);
    L.geoJSON(options.hromada, {
        interactive: false,
        style: {color: '#64748b', weight: 1, dashArray: '4 4', fill: false}
    }).addTo(map);
    const layer = L.geoJSON(options.area, {style: {color: '#0b5fa5', weight: 2, fillOpacity: 0.15}}).addTo(map);
    map.invalidateSize();
    if (layer.getBounds().isValid()) {
        map.fitBounds(layer.getBounds());
    }
})();
