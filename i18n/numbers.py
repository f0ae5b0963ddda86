"""Numbers as a person reads them: 万/亿 in Chinese, thousands separators and million/billion in English.

Exact digits are never lost: 1427 stays 1427, 544000000 is "5.44亿" (never "5.4亿"), 13020000 is
"1302万". A qualifier is shown as a symbol before the number: ≥ at_least (余/多/过), ≈ about (约),
< less_than (不足).

Formatting is total: any number it is given gives a short text. Magnitudes no table can hold (from
10^15 up, or below 10^-6) are written with a power of ten (1.797×10³⁰⁸), infinities as ∞, NaN and
None as "—".
"""

from __future__ import annotations

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal, localcontext
from functools import lru_cache

from loaders.vocabulary import QUALIFIER_SYMBOLS, WAN, YI

UNITS_WITHOUT_SPACE_EN = {"percent"}
# Outside [SMALLEST_PLAIN, LARGEST_PLAIN) a number is written as mantissa×10ⁿ: written out in full it
# would be hundreds of characters. Every plausible figure (loaders.bounds) lies below LARGEST_PLAIN.
LARGEST_PLAIN = Decimal(10) ** 15
SMALLEST_PLAIN = Decimal(10) ** -6
MANTISSA_DIGITS = 17  # a float's shortest repr never needs more
_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _decimal(value: float | int | str | Decimal) -> Decimal:
    """The shortest decimal that round-trips the value (31.2 stays 31.2, not 31.19999…)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value))


def _plain(number: Decimal, grouping: bool) -> str:
    text = format(number.normalize(), ",f" if grouping else "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _extreme(number: Decimal) -> str | None:
    """∞, or mantissa×10ⁿ for a magnitude outside the plain range; None for an ordinary number."""
    if number.is_infinite():
        return "-∞" if number < 0 else "∞"
    size = abs(number)
    if size == 0 or SMALLEST_PLAIN <= size < LARGEST_PLAIN:
        return None
    sign, digits, exponent = number.as_tuple()
    power = exponent + len(digits) - 1
    kept = digits[:MANTISSA_DIGITS]
    while len(kept) > 1 and kept[-1] == 0:
        kept = kept[:-1]
    mantissa = str(kept[0]) + ("." + "".join(map(str, kept[1:])) if len(kept) > 1 else "")
    approximate = "≈" if any(digits[MANTISSA_DIGITS:]) else ""
    return f"{approximate}{'-' if sign else ''}{mantissa}×10{str(power).translate(_SUPERSCRIPTS)}"


def scale_zh(value: float | int | Decimal) -> str:
    """1.2亿, 15万, 1302万, 5.44亿, 1427 (no rounding, no grouping)."""
    number = _decimal(value)
    extreme = _extreme(number)
    if extreme is not None:
        return extreme
    size = abs(number)
    if size >= YI:
        return _plain(number / YI, grouping=False) + "亿"
    if size >= WAN:
        return _plain(number / WAN, grouping=False) + "万"
    return _plain(number, grouping=False)


def scale_en(value: float | int | Decimal) -> str:
    """120 million, 1.2 billion, 150,000, 1,427 (no rounding)."""
    number = _decimal(value)
    extreme = _extreme(number)
    if extreme is not None:
        return extreme
    size = abs(number)
    if size >= Decimal(10) ** 9:
        return _plain(number / Decimal(10) ** 9, grouping=True) + " billion"
    if size >= Decimal(10) ** 6:
        return _plain(number / Decimal(10) ** 6, grouping=True) + " million"
    return _plain(number, grouping=True)


def unit_label(unit_id: str | None, lang: str) -> str:
    """The unit's label from units.csv ("人", "元", "persons"); unknown units read as their id."""
    if not unit_id:
        return ""
    from loaders.catalog import datasets_dir

    return _unit_labels(str(datasets_dir()), lang).get(unit_id, unit_id)


@lru_cache(maxsize=8)
def _unit_labels(folder: str, lang: str) -> dict[str, str]:
    """unit_id -> label for the datasets folder `folder` (the cache key; load_catalog reads the same
    setting): a table of a thousand numbers looked each one up in the units frame."""
    from loaders.catalog import load_catalog

    units = load_catalog().units
    return {str(k): str(v) for k, v in units["label_zh" if lang == "zh" else "label_en"].items()}


def format_number(
    value: float | int | Decimal | None,
    unit_id: str | None = None,
    qualifier: str = "exact",
    lang: str = "zh",
) -> str:
    """A value with its qualifier symbol and unit, for the language.

    >>> format_number(544000000, "yuan", "exact", "zh")
    '5.44亿元'
    >>> format_number(120000000, None, "at_least", "en")
    '≥120 million'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    try:
        number = _decimal(value)
    except (ArithmeticError, TypeError, ValueError):  # pd.NA, a stray text: nothing to show
        return "—"
    if number.is_nan():
        return "—"
    symbol = QUALIFIER_SYMBOLS.get(qualifier or "exact", "")
    unit = unit_label(unit_id, lang)
    if lang == "zh":
        return f"{symbol}{scale_zh(number)}{unit}"
    number = scale_en(number)
    if not unit:
        return f"{symbol}{number}"
    if unit_id in UNITS_WITHOUT_SPACE_EN or unit == "%":
        return f"{symbol}{number}{unit}"
    return f"{symbol}{number} {unit}"


def signed_change(value: float, direction: str) -> float:
    """A stated change as a signed number: a decrease of 44.5 is −44.5."""
    return -abs(value) if direction == "decrease" else abs(value)


def round_significant(value: float, digits: int = 3, qualifier: str = "exact") -> float:
    """Round a computed (derived) value for display; curated values are never rounded.

    A lower bound (at_least) is rounded down and an upper bound (less_than) up, so that "≥" and
    "<" stay true after rounding. Total: any float rounds (values of 10^28 and more need more digits
    than Decimal's default context holds, so the context is widened to the number's own size).
    """
    if value == 0 or not math.isfinite(value):
        return value
    places = max(digits - 1 - math.floor(math.log10(abs(value))), 0)
    step = Decimal(1).scaleb(-places)
    rounding = {"at_least": ROUND_FLOOR, "less_than": ROUND_CEILING}.get(qualifier, ROUND_HALF_EVEN)
    number = _decimal(value)
    with localcontext() as context:
        context.prec = max(context.prec, number.adjusted() + places + 2)
        return float(number.quantize(step, rounding=rounding))
