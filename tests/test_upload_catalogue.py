"""The checker's messages come from one catalogue: every key said exists, every entry is said, both languages.

The passes say a key through `Collector.say(level, key, …)`, the readers (grid, delimited, workbook,
reading) make one through `catalogued(level, key, …)`; no module of the package writes a message inline.
"""

from __future__ import annotations

import ast
import string
from pathlib import Path

from loaders.upload.catalogue import TEXTS

UPLOAD = Path(__file__).resolve().parents[1] / "loaders" / "upload"


def _said() -> dict[str, set[str]]:
    """key -> the field names given, over every `out.say(level, key, …)` call of the package."""
    said: dict[str, set[str]] = {}
    for path in UPLOAD.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            said_call = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "say"
            catalogued = isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "catalogued"
            if said_call or catalogued:
                key = node.args[1]
                keys = [key.body, key.orelse] if isinstance(key, ast.IfExp) else [key]
                for k in keys:
                    assert isinstance(k, ast.Constant), f"{path.name}:{node.lineno}: say a catalogue key, not {ast.dump(k)}"
                    said.setdefault(k.value, set()).update(
                        w.arg for w in node.keywords if w.arg not in ("row", "column", "code" if catalogued else "")
                    )
    return said


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_key_said_is_in_the_catalogue_with_its_fields():
    said = _said()
    assert said, "no out.say call found"
    for key, given in said.items():
        zh, en = TEXTS[key]
        assert _fields(zh) <= given and _fields(en) <= given, key


def test_every_catalogue_entry_is_said_and_has_both_languages():
    said = _said()
    assert sorted(set(TEXTS) - set(said)) == []
    for key, (zh, en) in TEXTS.items():
        assert zh and en and zh != en, key


def test_no_message_is_written_inline_in_the_package():
    """`loaders.messages.error/warning/info(code, zh, en)` are not called in loaders/upload/: the texts live in the catalogue."""
    inline = []
    for path in UPLOAD.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("error", "warning", "info"):
                if len(node.args) >= 3:
                    inline.append(f"{path.name}:{node.lineno}")
    assert inline == []
