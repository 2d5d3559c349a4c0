"""The repair proposing a card's rule learned from the carrier's dates, inside Home Assistant."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.simrenew.const import DOMAIN
from custom_components.simrenew.rule_issues import LearnedRuleFlow
from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component

from .conftest import HUB_OPTIONS, card_subentry, move_to, setup_entry

STATUS = "sensor.mum_s_cmhk_status"


async def renewed_and_corrected(hass: HomeAssistant, stated: str) -> None:
    """Renew the card by its rule, then confirm it with the carrier's own date."""
    await hass.services.async_call(DOMAIN, "renew", {"entity_id": STATUS}, blocking=True)
    await hass.services.async_call(
        DOMAIN, "confirm_renewal", {"entity_id": STATUS, "expiry_date": stated}, blocking=True
    )
    await hass.async_block_till_done()


def rule_issue(hass: HomeAssistant, card_id: str) -> ir.IssueEntry | None:
    """Return the card's learned-rule issue, if raised."""
    return ir.async_get(hass).async_get_issue(DOMAIN, f"learned_rule_{card_id}")


async def test_two_renewals_thirty_days_later_propose_the_rule(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Told +30 days twice, the card is offered 210 days; taken, the next renewal gives them."""
    await move_to(hass, freezer, "2027-02-19T04:00:00+00:00")
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="SIM Renew",
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=[card_subentry(expiry_date="2027-03-01", default_plan="Top-up")],
    )
    await setup_entry(hass, entry)
    assert await async_setup_component(hass, "repairs", {})
    (card_id,) = entry.subentries
    # 19 Feb + 180 days is 18 Aug; the carrier says 17 Sep.
    await renewed_and_corrected(hass, "2027-09-17")
    assert rule_issue(hass, card_id) is None  # once may be the carrier's slip

    await move_to(hass, freezer, "2027-09-07T04:00:00+00:00")
    # 7 Sep + 180 days is 5 Mar; the carrier says 4 Apr: 30 days later again.
    await renewed_and_corrected(hass, "2028-04-04")
    issue = rule_issue(hass, card_id)
    assert issue is not None
    assert issue.translation_key == "rule_learned"
    placeholders = issue.translation_placeholders or {}
    assert placeholders["gap"] == "+30"
    assert placeholders["proposed"].startswith("210 days")

    manager = repairs_flow_manager(hass)
    assert manager is not None
    result: Any = await manager.async_init(DOMAIN, data={"issue_id": issue.issue_id})
    assert result["menu_options"] == ["accept_rule", "keep_rule"]
    result = await manager.async_configure(result["flow_id"], {"next_step_id": "accept_rule"})
    assert result["type"] == "create_entry"
    await hass.async_block_till_done()
    data = entry.subentries[card_id].data
    assert (data["renewal_period"], data["renewal_mode"], data["default_plan"]) == (
        210,
        "from_renewal",
        "Top-up",
    )
    records: dict[str, Any] = entry.runtime_data.records
    rule = records[card_id]["history"][-1]
    assert (rule["kind"], rule["outcome"], rule["old_renewal_period"]) == ("rule", "accepted", 180)
    assert rule_issue(hass, card_id) is None

    # The next renewal counts the carrier's way: 25 Mar + 210 days is 21 Oct.
    await move_to(hass, freezer, "2028-03-25T04:00:00+00:00")
    response: Any = await hass.services.async_call(
        DOMAIN, "renew", {"entity_id": STATUS}, blocking=True, return_response=True
    )
    assert "2028-10-21" in str(response)


async def test_kept_rule_and_a_changed_card(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Kept, the rule stays and the renewals are not asked about again; a stale fix aborts."""
    await move_to(hass, freezer, "2027-02-19T04:00:00+00:00")
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="SIM Renew",
        data={},
        options=dict(HUB_OPTIONS),
        subentries_data=[card_subentry(expiry_date="2027-03-01")],
    )
    await setup_entry(hass, entry)
    assert await async_setup_component(hass, "repairs", {})
    (card_id,) = entry.subentries
    await renewed_and_corrected(hass, "2027-09-17")
    await move_to(hass, freezer, "2027-09-07T04:00:00+00:00")
    await renewed_and_corrected(hass, "2028-04-04")
    issue = rule_issue(hass, card_id)
    assert issue is not None
    manager = repairs_flow_manager(hass)
    assert manager is not None
    stale: Any = await manager.async_init(DOMAIN, data={"issue_id": issue.issue_id})
    gone: Any = await manager.async_init(DOMAIN, data={"issue_id": issue.issue_id})
    result: Any = await manager.async_init(DOMAIN, data={"issue_id": issue.issue_id})
    result = await manager.async_configure(result["flow_id"], {"next_step_id": "keep_rule"})
    assert result["type"] == "create_entry"
    await hass.async_block_till_done()
    assert entry.subentries[card_id].data["renewal_period"] == 180
    assert rule_issue(hass, card_id) is None
    records: dict[str, Any] = entry.runtime_data.records
    assert records[card_id]["history"][-1]["outcome"] == "kept"
    # A fix opened before the decision finds nothing left to decide.
    stale = await manager.async_configure(stale["flow_id"], {"next_step_id": "accept_rule"})
    assert (stale["type"], stale["reason"]) == ("abort", "rule_changed")
    flow = LearnedRuleFlow(entry.runtime_data, card_id, issue.data["proposal"])  # type: ignore[index]
    flow.hass = hass
    assert (await flow.async_step_init())["reason"] == "rule_changed"
    # Unloaded since the fix was opened, the household has no hub to record it.
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    gone = await manager.async_configure(gone["flow_id"], {"next_step_id": "keep_rule"})
    assert gone["reason"] == "card_removed"
