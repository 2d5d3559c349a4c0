"""Every Home Assistant name the integration imports exists in the newest release."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from homeassistant.const import __version__ as HA_VERSION

from .conftest import ROOT, deprecation_reports

INTEGRATION = ROOT / "custom_components" / "simrenew"


def imported_names(source: Path) -> list[tuple[str, str | None]]:
    """Return (module, name) for every Home Assistant import in a file; name None for modules."""
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("homeassistant"):
            found.extend((node.module or "", alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend(
                (alias.name, None) for alias in node.names if alias.name.startswith("homeassistant")
            )
    return found


def test_every_imported_name_exists() -> None:
    """Look each imported module and name up in the installed release."""
    checked: list[str] = []
    missing: list[str] = []
    for source in sorted(INTEGRATION.glob("*.py")):
        for module_name, name in imported_names(source):
            where = f"{source.name}: {module_name}" + (f".{name}" if name else "")
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                missing.append(where)
                continue
            if name is not None and not hasattr(module, name):
                try:
                    importlib.import_module(f"{module_name}.{name}")
                except ImportError:
                    missing.append(where)
                    continue
            checked.append(where)
    assert HA_VERSION.startswith("2026.11"), HA_VERSION
    assert len(checked) > 100, checked
    assert not missing, f"missing in Home Assistant {HA_VERSION}: {missing}"


def test_the_check_sees_a_missing_name(tmp_path: Path) -> None:
    """A name that does not exist is reported, so the check above can fail."""
    source = tmp_path / "sample.py"
    source.write_text("from homeassistant.core import NoSuchName\nimport homeassistant.const\n")
    assert imported_names(source) == [
        ("homeassistant.core", "NoSuchName"),
        ("homeassistant.const", None),
    ]
    assert not hasattr(importlib.import_module("homeassistant.core"), "NoSuchName")


def test_deprecation_reports_are_found() -> None:
    """The server-log scan picks out Home Assistant's reports about simrenew, and only those."""
    log = "\n".join(
        [
            "WARNING (MainThread) [homeassistant.helpers.frame] Detected that custom integration "
            "'simrenew' calls `device_registry.async_get_device`, which is deprecated",
            "WARNING (MainThread) [homeassistant.helpers.frame] Detected that custom integration "
            "'other' calls something deprecated",
            "INFO (MainThread) [custom_components.simrenew] Refreshed 1 of 1 cards",
        ]
    )
    assert deprecation_reports(log) == [log.splitlines()[0]]
