"""The repair that proposes a card's corrected rule, learned from the carrier's own dates."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, cast

from homeassistant.components.repairs import RepairsFlow
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from .card_config import CardConfig
from .const import DOMAIN
from .learned_rules import ACCEPTED, KEPT, Proposal, Rule, propose, rule_entry, with_rule
from .model import Period
from .plan_form import async_period_texts
from .records import HistoryEntry
from .spoken_dates import spoken_date
from .texts import SelectorTexts

if TYPE_CHECKING:
    from homeassistant.components.repairs import RepairsFlowResult

    from .hub import SimRenewHub

RULE_PREFIX = "learned_rule_"


def rule_issue_id(card_id: str) -> str:
    """Return the id of a card's learned-rule issue."""
    return f"{RULE_PREFIX}{card_id}"


def card_proposal(hub: SimRenewHub, card_id: str) -> Proposal | None:
    """Return the corrected rule the card's history shows, if it shows one."""
    config = hub.configs.get(card_id)
    record = hub.records.get(card_id)
    if config is None or record is None:
        return None
    return propose(record["history"], config.renewal_mode, lambda name: _period(config, name))


def _period(config: CardConfig, name: str | None) -> Period | None:
    """Return the period of the plan a renewal named (None: the default), as the card has it."""
    plan = config.default_plan if name is None else config.plan_named(name)
    return None if plan is None else plan.period


async def _async_rule_text(hass: HomeAssistant, rule: Rule) -> str:
    """Return a rule in words: "210 days, from the renewal day"."""
    periods = await async_period_texts(hass)
    modes = SelectorTexts(hass, "renewal_mode")
    await modes.async_load()
    return f"{periods.label(rule.period)} · {modes.fill(rule.mode.value, rule.mode.value)}"


async def async_rule_placeholders(
    hass: HomeAssistant, name: str, proposal: Proposal
) -> dict[str, str]:
    """Return the card's name, its rule and the proposed one, and the two renewals, in words."""
    language, today = hass.config.language, dt_util.now().date()
    placeholders = {
        "name": name,
        "current": await _async_rule_text(hass, proposal.current),
        "proposed": await _async_rule_text(hass, proposal.proposed),
        "gap": f"{proposal.renewals[0].gap:+d}",
    }
    for index, seen in enumerate(proposal.renewals, start=1):
        placeholders[f"renewed_{index}"] = spoken_date(seen.renewal_date, language, today)
        placeholders[f"computed_{index}"] = spoken_date(seen.computed, language, today)
        placeholders[f"stated_{index}"] = spoken_date(seen.stated, language, today)
    return placeholders


async def async_sync_rule_issue(hass: HomeAssistant, hub: SimRenewHub, card_id: str) -> None:
    """Raise the issue while the card's history shows a corrected rule; clear it otherwise."""
    issue_id = rule_issue_id(card_id)
    if (proposal := card_proposal(hub, card_id)) is None:
        ir.async_delete_issue(hass, DOMAIN, issue_id)
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=True,
        is_persistent=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key="rule_learned",
        translation_placeholders=await async_rule_placeholders(
            hass, hub.configs[card_id].name, proposal
        ),
        data={"entry_id": hub.entry.entry_id, "card_id": card_id, "proposal": proposal.key},
    )


@callback
def async_schedule_rule_issue(hass: HomeAssistant, hub: SimRenewHub, card_id: str) -> None:
    """Check the card's rule after a change, without holding up the refresh that found it."""
    hass.async_create_task(
        async_sync_rule_issue(hass, hub, card_id), "simrenew learned rule", eager_start=False
    )


async def async_record_decision(hub: SimRenewHub, card_id: str, key: str, outcome: str) -> bool:
    """Record the proposal taken (changing the card's rule) or declined; False if it is gone."""

    async def locked() -> bool:
        async with hub.ledger.lock:
            proposal = card_proposal(hub, card_id)
            subentry = hub.entry.subentries.get(card_id)
            if proposal is None or proposal.key != key or subentry is None:
                return False
            entry = rule_entry(dt_util.utcnow().isoformat(), "repair", proposal, outcome)
            await hub.ledger.async_append([(card_id, cast(HistoryEntry, entry))])
            if outcome == ACCEPTED:
                hub.hass.config_entries.async_update_subentry(
                    hub.entry, subentry, data=with_rule(subentry.data, proposal)
                )
            return True

    return await asyncio.shield(locked())


class LearnedRuleFlow(RepairsFlow):
    """Shows the two renewals and the corrected rule; takes it, or keeps the card's own."""

    def __init__(self, hub: SimRenewHub, card_id: str, key: str) -> None:
        """Remember the card and the proposal the issue was raised for."""
        self.hub = hub
        self.card_id = card_id
        self.key = key

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> RepairsFlowResult:
        """Offer to take the corrected rule or keep the card's own."""
        proposal = card_proposal(self.hub, self.card_id)
        if proposal is None or proposal.key != self.key:
            return self.async_abort(reason="rule_changed")
        return self.async_show_menu(
            step_id="init",
            menu_options=["accept_rule", "keep_rule"],
            description_placeholders=await async_rule_placeholders(
                self.hass, self.hub.configs[self.card_id].name, proposal
            ),
        )

    async def async_step_accept_rule(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Change the card's mode and plan, and record it."""
        return await self._decide(ACCEPTED)

    async def async_step_keep_rule(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Keep the card's rule, and record that these renewals were seen."""
        return await self._decide(KEPT)

    async def _decide(self, outcome: str) -> RepairsFlowResult:
        """Record the decision, unless the card changed meanwhile."""
        # A reload since the fix was opened replaced the hub: the running one records it.
        if (hub := self.hub.live_hub()) is None:
            return self.async_abort(reason="card_removed")
        if not await async_record_decision(hub, self.card_id, self.key, outcome):
            return self.async_abort(reason="rule_changed")
        return self.async_create_entry(data={})
