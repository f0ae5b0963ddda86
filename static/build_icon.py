"""Draw the dashboard's page icon (static/icon.png): a shield with a tick, in the theme's colour.

    .venv/bin/python static/build_icon.py

The icon is drawn here, not fetched: the dashboard makes no request off its own machine, and a
Material icon as page icon made browsers fetch it from Google's font host.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

SIZE = 64
SCALE = 8  # drawn large, then scaled down: smooth edges
PRIMARY = "#2f6f8f"  # .streamlit/config.toml primaryColor
OUT = Path(__file__).resolve().parent / "icon.png"


def build_icon() -> Image.Image:
    s = SIZE * SCALE
    image = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    u = s / 64  # one unit of a 64-unit grid
    # The shield: a flat top with rounded shoulders, straight sides, curving to a point at the bottom.
    outline = [(8, 10), (32, 3), (56, 10), (56, 30), (53, 42), (46, 52), (32, 61), (18, 52), (11, 42), (8, 30)]
    draw.polygon([(x * u, y * u) for x, y in outline], fill=PRIMARY)
    tick = [(20, 32), (29, 41), (45, 23)]
    draw.line([(x * u, y * u) for x, y in tick], fill="white", width=round(6 * u), joint="curve")
    for x, y in (tick[0], tick[-1]):  # round the tick's ends
        r = 3 * u
        draw.ellipse([x * u - r, y * u - r, x * u + r, y * u + r], fill="white")
    return image.resize((SIZE, SIZE), Image.LANCZOS)


if __name__ == "__main__":
    build_icon().save(OUT, optimize=True)
    print(OUT)
