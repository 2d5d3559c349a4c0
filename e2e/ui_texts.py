"""The words a user sees, in the profile's language: Home Assistant's own and simrenew's."""

from __future__ import annotations

from functools import cache
import json
from pathlib import Path
from typing import Any

import hass_frontend

ROOT = Path(__file__).parent.parent
FRONTEND_TRANSLATIONS = Path(hass_frontend.__file__).parent / "static" / "translations"
OURS = ROOT / "custom_components" / "simrenew" / "translations"


def _flatten(node: Any, prefix: str, into: dict[str, str]) -> None:
    """Collect nested texts under dotted keys."""
    if isinstance(node, dict):
        for key, value in node.items():
            _flatten(value, f"{prefix}.{key}" if prefix else key, into)
    elif isinstance(node, str):
        into[prefix] = node


@cache
def _frontend(language: str) -> dict[str, str]:
    """Return the frontend's texts in one language (its main file and its app fragments)."""
    texts: dict[str, str] = {}
    files = [*FRONTEND_TRANSLATIONS.glob(f"{language}-*.json")]
    files += FRONTEND_TRANSLATIONS.glob(f"*/{language}-*.json")
    assert files, f"the frontend has no {language} translation"
    for path in files:
        _flatten(json.loads(path.read_text("utf-8")), "", texts)
    return texts


@cache
def _ours(language: str) -> dict[str, str]:
    """Return simrenew's texts in one language."""
    texts: dict[str, str] = {}
    _flatten(json.loads((OURS / f"{language}.json").read_text("utf-8")), "", texts)
    return texts


class Texts:
    """Look up what the page says, so that one path checks every language."""

    def __init__(self, language: str) -> None:
        """Read both sets of texts."""
        self.language = language

    def ui(self, key: str) -> str:
        """Return one of Home Assistant's frontend texts."""
        return _frontend(self.language)[key]

    def ours(self, key: str, **values: str) -> str:
        """Return one of simrenew's texts, with its placeholders filled in."""
        text = _ours(self.language)[key]
        for name, value in values.items():
            text = text.replace(f"{{{name}}}", value)
        return text
