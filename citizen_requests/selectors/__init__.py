"""Read queries of the citizen requests app (see requests.py and addresses.py)."""
