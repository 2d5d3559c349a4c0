"""The product question of a new card, the values it fills in, and the renewal page's guard."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.simrenew.const import DOMAIN, SUBENTRY_CARD
from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from .conftest import card_subentry, setup_entry
from .test_form_words import answers

PHISHING = "https://three-hk-topup.example/pay"
OFFICIAL = "https://www.three.com.hk/3Care/chi/prepay/payonline1.jsp"


def _options(schema: Any) -> list[str]:
    """Return the values the product field offers."""
    (field,) = schema.schema.values()
    return [option["value"] for option in field.config["options"]]


async def _first_form(hass: HomeAssistant) -> Any:
    """Open the first card's flow: it asks for the product."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert (result["type"], result["step_id"]) == (FlowResultType.FORM, "product")
    return result


@pytest.mark.parametrize(
    ("language", "typed"),
    [
        ("zh-Hant", "Shinetown華美／華龍卡"),
        ("zh-Hans", "shinetown华美／华龙卡"),
        ("en", "shinetown"),
    ],
)
async def test_a_picked_product_fills_the_form_and_saves_untouched(
    hass: HomeAssistant, language: str, typed: str
) -> None:
    """Picked (or typed in any of its names), a product fills the form; saved as shown, kept."""
    await hass.config.async_update(language=language)
    result = await _first_form(hass)
    offered = _options(result["data_schema"])
    # "Other" first, then every product by its name in Home Assistant's language.
    assert offered[0] == {"en": "Other / enter it myself", "zh-Hant": "其他／自行輸入"}.get(
        language, "其他／自己填写"
    )
    assert len(offered) == 12
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"product": typed})
    assert result["step_id"] == "user"
    note = result["description_placeholders"]["preset_note"]
    assert "shinetown.com.hk" in note
    sent = answers(result["data_schema"])
    assert sent["carrier"] == "Shinetown"
    assert sent["advanced"]["grace_days"] == 0
    sent.update(name="Spare", expiry_date="2027-03-01")
    result = await hass.config_entries.flow.async_configure(result["flow_id"], sent)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    (card,) = result["result"].subentries.values()
    assert card.data["product"] == "shinetown"
    assert (card.data["renewal_period"], card.data["renewal_mode"]) == (210, "from_renewal")
    assert [plan["renewal_period"] for plan in card.data["plans"]] == [360, 210]
    assert card.data["renewal_cost"] == 100.0


async def test_other_keeps_todays_form(hass: HomeAssistant) -> None:
    """Other leads to the form as it always was, with nothing filled in and no product kept."""
    result = await _first_form(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"product": "other"})
    assert result["description_placeholders"]["preset_note"] == ""
    assert "carrier" not in answers(result["data_schema"])
    assert "renewal_plans" not in {str(key) for key in result["data_schema"].schema}


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=st.text(max_size=40))
async def test_a_typed_product_is_one_or_refused(hass: HomeAssistant, typed: str) -> None:
    """Whatever is typed, the question takes a product or "Other", or names the error."""
    result = await _first_form(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"product": typed})
    if result["step_id"] == "product":
        assert result["errors"] == {"product": "unknown_product"}
    else:
        assert result["step_id"] == "user"
    hass.config_entries.flow.async_abort(result["flow_id"])


async def _pick(hass: HomeAssistant, manager: Any, result: Any, product: str) -> Any:
    """Answer the product question."""
    return await manager.async_configure(result["flow_id"], {"product": product})


async def test_an_unofficial_page_needs_a_second_yes(
    hass: HomeAssistant, mock_entry: MockConfigEntry
) -> None:
    """A page off the product's domains warns first; another page, or a yes, saves the card."""
    await setup_entry(hass, mock_entry)
    manager = hass.config_entries.subentries
    result = await manager.async_init(
        (mock_entry.entry_id, SUBENTRY_CARD), context={"source": SOURCE_USER}
    )
    result = await _pick(hass, manager, result, "hahaSIM (Fortress with 3HK)")
    sent = answers(result["data_schema"])
    assert sent["advanced"]["renewal_url"] == OFFICIAL
    sent.update(name="Haha", expiry_date="2027-03-01")
    sent["advanced"]["renewal_url"] = PHISHING
    result = await manager.async_configure(result["flow_id"], sent)
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["change_url", "keep_url"]
    assert result["description_placeholders"]["domains"] == "three.com.hk"
    # The warning's own step shows it again (a frontend reopening the flow asks for it).
    flow: Any = manager._progress[result["flow_id"]]
    assert (await flow.async_step_unofficial_url())["menu_options"] == ["change_url", "keep_url"]
    result = await manager.async_configure(result["flow_id"], {"next_step_id": "change_url"})
    assert result["errors"]["renewal_url"] == "renewal_url_not_official"
    # Sent again with the same page, it warns again; kept after the warning, it is saved.
    result = await manager.async_configure(result["flow_id"], sent)
    assert result["type"] is FlowResultType.MENU
    result = await manager.async_configure(result["flow_id"], {"next_step_id": "keep_url"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["renewal_url"] == PHISHING


async def test_the_first_card_warns_too(hass: HomeAssistant) -> None:
    """The first card's form has the same guard, and a yes creates the household."""
    manager = hass.config_entries.flow
    result = await _pick(hass, manager, await _first_form(hass), "hahasim")
    sent = answers(result["data_schema"])
    sent.update(name="Haha", expiry_date="2027-03-01")
    sent["advanced"]["renewal_url"] = PHISHING
    result = await manager.async_configure(result["flow_id"], sent)
    assert result["step_id"] == "unofficial_url"
    flow: Any = manager._progress[result["flow_id"]]
    assert (await flow.async_step_unofficial_url())["step_id"] == "unofficial_url"
    result = await manager.async_configure(result["flow_id"], {"next_step_id": "change_url"})
    assert result["errors"]["renewal_url"] == "renewal_url_not_official"
    sent["advanced"]["renewal_url"] = "https://three.com.hk/top-up"
    result = await manager.async_configure(result["flow_id"], sent)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    # A second household card through the integration's own button, kept after the warning.
    result = await _pick(hass, manager, await _first_form(hass), "hahasim")
    sent["name"] = "Haha 2"
    sent["advanced"]["renewal_url"] = PHISHING
    result = await manager.async_configure(result["flow_id"], sent)
    result = await manager.async_configure(result["flow_id"], {"next_step_id": "keep_url"})
    assert result["reason"] == "card_added"


async def test_reconfigure_keeps_the_product_and_guards_a_new_page(hass: HomeAssistant) -> None:
    """A card's product stays; only a page changed to one off its domains is warned about."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="SIM Renew",
        data={},
        options={"reminder_days": [14, 7, 3, 1, 0], "reminder_time": "09:00:00"},
        subentries_data=[
            card_subentry(product="shinetown", renewal_url="https://old.example/top-up")
        ],
    )
    await setup_entry(hass, entry)
    (card_id,) = entry.subentries
    manager = hass.config_entries.subentries

    async def reconfigure(url: str) -> Any:
        result = await manager.async_init(
            (entry.entry_id, SUBENTRY_CARD),
            context={"source": SOURCE_RECONFIGURE, "subentry_id": card_id},
        )
        sent = answers(result["data_schema"])
        sent["advanced"]["renewal_url"] = url
        return await manager.async_configure(result["flow_id"], sent)

    # The page it had is not asked about again.
    result = await reconfigure("https://old.example/top-up")
    assert result["reason"] == "reconfigure_successful"
    assert entry.subentries[card_id].data["product"] == "shinetown"
    result = await reconfigure(PHISHING)
    assert result["step_id"] == "unofficial_url"
    result = await manager.async_configure(result["flow_id"], {"next_step_id": "change_url"})
    assert result["step_id"] == "reconfigure"
    assert result["errors"]["renewal_url"] == "renewal_url_not_official"
    result = await reconfigure(PHISHING)
    result = await manager.async_configure(result["flow_id"], {"next_step_id": "keep_url"})
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.subentries[card_id].data["renewal_url"] == PHISHING


async def test_a_product_no_longer_listed_is_kept(hass: HomeAssistant) -> None:
    """A card made from a product since dropped keeps its id and is never warned about."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="SIM Renew",
        data={},
        options={"reminder_days": [14, 7, 3, 1, 0], "reminder_time": "09:00:00"},
        subentries_data=[card_subentry(product="gone")],
    )
    await setup_entry(hass, entry)
    (card_id,) = entry.subentries
    manager = hass.config_entries.subentries
    result = await manager.async_init(
        (entry.entry_id, SUBENTRY_CARD),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": card_id},
    )
    sent = answers(result["data_schema"])
    sent["advanced"]["renewal_url"] = PHISHING
    result = await manager.async_configure(result["flow_id"], sent)
    assert result["reason"] == "reconfigure_successful"
    assert entry.subentries[card_id].data["product"] == "gone"


async def test_a_reconfigured_product_card_with_plans_asks_the_default(
    hass: HomeAssistant,
) -> None:
    """Kept after the warning, a card with several plans is still asked its default plan."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="SIM Renew",
        data={},
        options={"reminder_days": [14, 7, 3, 1, 0], "reminder_time": "09:00:00"},
        subentries_data=[
            card_subentry(
                product="shinetown",
                plans=[{"name": "HK$300", "renewal_period": 360, "renewal_period_unit": "days"}],
            )
        ],
    )
    await setup_entry(hass, entry)
    (card_id,) = entry.subentries
    manager = hass.config_entries.subentries
    result = await manager.async_init(
        (entry.entry_id, SUBENTRY_CARD),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": card_id},
    )
    sent = answers(result["data_schema"])
    sent["advanced"]["renewal_url"] = PHISHING
    result = await manager.async_configure(result["flow_id"], sent)
    result = await manager.async_configure(result["flow_id"], {"next_step_id": "keep_url"})
    assert result["step_id"] == "default_plan"
