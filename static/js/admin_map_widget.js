/* Starts GeoDjango's admin map editor (MapWidget, gis/js/OLMapWidget.js) on every geometry field
 * rendered by core.admin_widgets.AdminMapWidget. The options arrive as JSON in the page, so the
 * admin needs no inline script; the base layer is the portal's own outline, never a tile server.
 * The map's controls are titled in the page's language (OpenLayers writes "Zoom in"). */
/* global ol, MapWidget */
'use strict';
(function () {
    function outlineLayer(outline, mapSrid) {
        const source = new ol.source.Vector();
        if (outline) {
            source.addFeatures(new ol.format.GeoJSON().readFeatures(outline, {
                dataProjection: 'EPSG:4326',
                featureProjection: 'EPSG:' + mapSrid
            }));
        }
        return new ol.layer.Vector({
            source: source,
            style: new ol.style.Style({
                stroke: new ol.style.Stroke({color: '#64748b', width: 1.5, lineDash: [6, 4]})
            })
        });
    }

    // Django's MapWidget with OpenLayers' default controls (zoom, rotate, attribution) titled
    // from options.labels.
    class PortalMapWidget extends MapWidget {
        createMap() {
            const labels = this.options.labels || {};
            const map = super.createMap();
            map.getControls().clear();
            ol.control.defaults.defaults({
                zoomOptions: {zoomInTipLabel: labels.zoomIn, zoomOutTipLabel: labels.zoomOut},
                rotateOptions: {tipLabel: labels.rotate},
                attributionOptions: {tipLabel: labels.attribution}
            }).forEach(function (control) { map.addControl(control); });
            return map;
        }
    }

    function start(wrapper) {
        const options = JSON.parse(document.getElementById(wrapper.dataset.mapWidget).textContent);
        options.base_layer = outlineLayer(options.outline, options.map_srid);
        delete options.outline;
        // Kept on the element, where the page's other scripts (and the browser tests) find it.
        wrapper.mapWidget = new PortalMapWidget(options);
    }

    function startAll() {
        document.querySelectorAll('.dj_map_wrapper[data-map-widget]').forEach(start);
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', startAll);
    } else {
        startAll();
    }
})();
