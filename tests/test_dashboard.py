"""The README's dashboard is the card that comes with simrenew, in one line."""

from __future__ import annotations

from pathlib import Path

import yaml

from custom_components.simrenew.card_module import MODULE_FILE

DASHBOARD = Path(__file__).parent.parent / "docs" / "dashboard.yaml"


def test_the_dashboard_is_one_line_naming_the_card() -> None:
    """Pasted as a card, it needs no entity id: the card finds every card by itself."""
    lines = DASHBOARD.read_text("utf-8").splitlines()
    assert lines == ["type: custom:simrenew-card"]
    assert yaml.safe_load(lines[0]) == {"type": "custom:simrenew-card"}


def test_the_module_defines_the_card_it_names() -> None:
    """The element the example names is the one the integration's module defines."""
    module = MODULE_FILE.read_text("utf-8")
    assert 'customElements.define("simrenew-card", SimRenewCard)' in module
    assert 'type: "simrenew-card"' in module  # offered in the card picker
