"""How many data points a plotly figure sends to the browser, counted in its JSON."""

from __future__ import annotations

import base64
import json

# Trace attributes holding one value per point; a trace's points are its longest such array.
POINT_KEYS = ("x", "y", "z", "values", "labels", "lat", "lon", "r", "theta", "a", "b", "c", "open", "close", "ids")
DTYPE_BYTES = {"i1": 1, "u1": 1, "i2": 2, "u2": 2, "i4": 4, "u4": 4, "f4": 4, "i8": 8, "u8": 8, "f8": 8}


def array_length(value: object) -> int:
    """Points in one attribute: a list, or plotly's typed array {"dtype", "bdata", "shape"}."""
    if isinstance(value, list):
        return len(value)
    if isinstance(value, dict) and "bdata" in value:
        if "shape" in value:
            size = 1
            for part in str(value["shape"]).split(","):
                size *= int(part)
            return size
        return len(base64.b64decode(value["bdata"])) // DTYPE_BYTES.get(value.get("dtype", "f8"), 8)
    return 0


def count_points(figure: dict | str) -> int:
    """Data points over every trace of a figure given as a dict or as its JSON text."""
    if isinstance(figure, str):
        figure = json.loads(figure)
    total = 0
    for trace in figure.get("data", []):
        total += max((array_length(trace.get(key)) for key in POINT_KEYS), default=0)
    return total
