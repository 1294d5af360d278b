"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): the adapter that maps its
calls onto the app's services and selectors."""
