"""Copy the front-end files the pages use from node_modules/ into static/vendor/.

npm (package.json + package-lock.json) decides the versions; this script decides which files
of each package are served, and writes static/vendor/README.md listing every vendored package
with its version and licence. Pages load only these local copies, never a CDN.

Run by scripts/setup.sh after `npm ci`; safe to run again.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "static" / "vendor"

# package -> files or folders (relative to the package root) to copy, plus its licence file.
FILES: dict[str, list[str]] = {
    # Source maps travel with the scripts that name them (collectstatic checks the references).
    "leaflet": ["dist/leaflet.js", "dist/leaflet.js.map", "dist/leaflet.css", "dist/images", "LICENSE"],
    "leaflet.markercluster": [
        "dist/leaflet.markercluster.js",
        "dist/leaflet.markercluster.js.map",
        "dist/MarkerCluster.css",
        "dist/MarkerCluster.Default.css",
        "MIT-LICENCE.txt",
    ],
    # The package has no licence file; its README and package.json state the (Beerware) licence.
    "leaflet.vectorgrid": ["dist/Leaflet.VectorGrid.bundled.min.js", "README.md"],
    # The staff map editor (draw, move, reshape, delete, snapping).
    "@geoman-io/leaflet-geoman-free": [
        "dist/leaflet-geoman.min.js",
        "dist/leaflet-geoman.min.js.map",
        "dist/leaflet-geoman.css",
        "dist/leaflet-geoman.css.map",
        "LICENSE",
    ],
    # The dashboards' heat layer of requests (BSD-2-Clause).
    "leaflet.heat": ["dist/leaflet-heat.js", "LICENSE"],
    # The Django admin's geometry widget (core.admin_widgets); Django 5.2's OLMapWidget.js is
    # written against this version.
    "ol": ["dist/ol.js", "dist/ol.js.map", "ol.css", "LICENSE.md"],
    # The city's own basemap (basemap/): MapLibre GL draws the portal's vector tiles (BSD-3-Clause),
    # under the Leaflet maps through its Leaflet layer (ISC). map.js loads them when a map starts.
    "maplibre-gl": ["dist/maplibre-gl.js", "dist/maplibre-gl.js.map", "dist/maplibre-gl.css", "LICENSE.txt"],
    "@maplibre/maplibre-gl-leaflet": ["leaflet-maplibre-gl.js", "LICENSE"],
    # Not used by any page: the accessibility checker the browser tests inject.
    "axe-core": ["axe.min.js", "LICENSE"],
}


# Packages whose package.json names no licence: the licence their LICENSE file states.
LICENCE_OF_FILE = {"leaflet.heat": "BSD-2-Clause"}


def vendor() -> list[dict[str, str]]:
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    listed = []
    for package, files in FILES.items():
        entry = lock["packages"].get(f"node_modules/{package}")
        if entry is None:
            raise SystemExit(f"vendor_assets: {package} is not in package-lock.json")
        source = NODE_MODULES / package
        meta = json.loads((source / "package.json").read_text(encoding="utf-8"))
        if meta["version"] != entry["version"]:
            raise SystemExit(
                f"vendor_assets: node_modules has {package} {meta['version']}, "
                f"package-lock.json wants {entry['version']}; run npm ci"
            )
        target = VENDOR / package
        # A link to another checkout's copy (of the package or of its @scope folder) is replaced
        # by a real folder here: emptying it would empty the other checkout's copy.
        for level in (VENDOR / package.split("/")[0], target):
            if level.is_symlink():
                level.unlink()
        if target.exists():
            shutil.rmtree(target)
        for rel in files:
            src = source / rel
            dst = target / Path(rel).name
            dst.parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, dst)
            else:
                shutil.copy2(src, dst)
        listed.append(
            {
                "package": package,
                "version": meta["version"],
                "license": meta.get("license", LICENCE_OF_FILE.get(package, "see licence file")),
                "homepage": meta.get("homepage", ""),
            }
        )
    return listed


def write_readme(listed: list[dict[str, str]]) -> None:
    lines = [
        "# Vendored front-end assets",
        "",
        "Copied from the npm registry by `scripts/vendor_assets.py` (run by `make run` / `make test`",
        "through scripts/setup.sh) at the versions pinned in package-lock.json. Pages load only these",
        "local copies; nothing is fetched from a CDN. Each folder keeps the package's licence file.",
        "",
        "| package | version | licence | homepage |",
        "|---|---|---|---|",
    ]
    lines += [f"| {p['package']} | {p['version']} | {p['license']} | {p['homepage']} |" for p in listed]
    (VENDOR / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if not NODE_MODULES.is_dir():
        sys.exit("vendor_assets: node_modules/ is missing; run `npm ci` first")
    VENDOR.mkdir(parents=True, exist_ok=True)
    packages = vendor()
    write_readme(packages)
    print(f"vendored {len(packages)} packages into {VENDOR.relative_to(ROOT)}")
