"""The registry's pages (all staff only): buildings, works, reports and bulk data."""
