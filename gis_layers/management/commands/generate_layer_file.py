"""manage.py generate_layer_file OUT.gpkg --features 100000 [--layer bench-shelters]

Writes a deterministic GeoPackage of points in and around the city with the attributes of a
shelters-like layer (name, kind, capacity, accessible, checked), and makes sure a public layer
with that schema exists: the input of the import benchmark (`make bench`) and the data of the
OGC API benchmark. Nothing is imported here.
"""

import random
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely
from django.core.management.base import BaseCommand

from gis_layers.models import Layer
from gis_layers.schema import FieldSpec, schema_from_fields
from gis_layers.styles import style_clean

CENTRE = (33.638, 49.0105)
SPAN = (0.12, 0.08)
KINDS = ["сховище", "протирадіаційне укриття", "найпростіше укриття", "подвійного призначення"]
FIELDS = [
    FieldSpec("name", "Назва", "Name", "string", required=True),
    FieldSpec("kind", "Тип", "Kind", "string", required=True, choices=KINDS),
    FieldSpec("capacity", "Місткість", "Capacity", "integer", minimum=1, maximum=5000, unit="осіб"),
    FieldSpec("accessible", "Доступне", "Accessible", "boolean"),
    FieldSpec("checked", "Перевірено", "Checked", "date"),
]


class Command(BaseCommand):
    help = "Write a deterministic GeoPackage of N points for the import and OGC API benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("out", type=Path)
        parser.add_argument("--features", type=int, default=100_000)
        parser.add_argument("--layer", default="bench-shelters")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--keep", action="store_true", help="keep an existing file; only make sure of the layer"
        )

    def handle(self, *args, out: Path, features: int, layer: str, seed: int, keep: bool, **options):
        self._layer(layer)
        if keep and out.exists():
            self.stdout.write(f"{out} is there already; layer {layer} is ready.")
            return
        rng = random.Random(seed)
        n = features
        xs = np.array([CENTRE[0] + rng.uniform(-SPAN[0], SPAN[0]) for _ in range(n)])
        ys = np.array([CENTRE[1] + rng.uniform(-SPAN[1], SPAN[1]) for _ in range(n)])
        frame = gpd.GeoDataFrame(
            {
                "name": [f"Укриття № {i + 1}" for i in range(n)],
                "kind": [KINDS[rng.randrange(len(KINDS))] for _ in range(n)],
                "capacity": [rng.randrange(20, 900) for _ in range(n)],
                "accessible": [rng.random() < 0.5 for _ in range(n)],
                "checked": [f"2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}" for _ in range(n)],
            },
            geometry=shapely.points(xs, ys),
            crs=4326,
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        out.unlink(missing_ok=True)
        pyogrio.write_dataframe(frame, out, layer="shelters", driver="GPKG")
        self.stdout.write(f"Wrote {n} features to {out}; layer {layer} is ready.")

    @staticmethod
    def _layer(layer: str) -> None:
        Layer.objects.get_or_create(
            slug=layer,
            defaults=dict(
                title_uk="Укриття (навантажувальний тест)",
                title_en="Shelters (load test)",
                geometry_type="point",
                visibility="public",
                schema=schema_from_fields(FIELDS),
                style=style_clean({"colour": "#b91c1c", "icon": "⌂", "label_field": "name"}, FIELDS),
                order=900,
            ),
        )
