"""The card form's period field and plan list, and the checks of what they hand back."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, override

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import section
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    ObjectSelector,
    ObjectSelectorConfig,
    ObjectSelectorField,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
)

from .const import CONF_RENEWAL_COST, CONF_RENEWAL_PERIOD, CONF_RENEWAL_PERIOD_UNIT
from .hidden_characters import has_hidden_characters
from .model import Period
from .plans import (
    COMMON_PERIODS,
    MAX_PLAN_NAME_LENGTH,
    MAX_PLANS,
    Plan,
    is_money,
    parse_period,
    period_choice,
    plain_name,
    plan_data,
    plan_key,
    stored_period,
    stored_plans,
)
from .texts import SelectorTexts
from .validation import vol

CONF_DEFAULT_PLAN = "default_plan"
CONF_PLANS = "plans"
SECTION_PLANS = "renewal_plans"
# The fields of one plan in the form's list.
PLAN_NAME = "name"
PLAN_PERIOD = "period"
PLAN_COST = "cost"
# Where the translations keep the periods in words and the plan fields' labels.
PERIOD_TEXTS = "period"
PLAN_TEXTS = "plan"

type PeriodNamer = Callable[[Period], str]


class PeriodTexts:
    """Periods in Home Assistant's language: "180 days", "180 日", "6 个月"."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Name the texts; nothing is read until `async_load`."""
        self._choices = SelectorTexts(hass, PERIOD_TEXTS)
        self._counts = SelectorTexts(hass, "period_count")

    async def async_load(self) -> PeriodTexts:
        """Read the texts in Home Assistant's current language."""
        await self._choices.async_load()
        await self._counts.async_load()
        return self

    def label(self, period: Period) -> str:
        """Return a period in words, the way the period field shows it."""
        fallback = plain_name(period)
        count = self._counts.fill(period.unit.value, fallback, count=str(period.length))
        return self._choices.fill(period_choice(period), count)


async def async_period_texts(hass: HomeAssistant) -> PeriodTexts:
    """Return the period texts in Home Assistant's language."""
    return await PeriodTexts(hass).async_load()


def period_selector(label: PeriodNamer = plain_name, *extra: Period | None) -> SelectSelector:
    """Return one field for a period: the common ones to pick, any other to type.

    Each choice's value is the period in words: a field that takes typed values shows its
    value, not its label, once chosen. A stored period that is not a common one is offered too.
    """
    periods = list(COMMON_PERIODS)
    # Two plans may share a period that is not a common one: it is offered once.
    periods += [p for p in dict.fromkeys(extra) if p is not None and p not in periods]
    return SelectSelector(
        SelectSelectorConfig(
            options=[
                SelectOptionDict(value=label(period), label=label(period)) for period in periods
            ],
            custom_value=True,
            mode=SelectSelectorMode.DROPDOWN,
        )
    )


class PlanListSelector(ObjectSelector):
    """The list of plans; an entry that is not a plan's fields is refused, not crashed on."""

    @override
    def __call__(self, data: Any) -> Any:
        """Refuse anything but a list of mappings, then check each field's own selector."""
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise vol.Invalid("expected a list of plans")
        return super().__call__(data)


def plans_section(
    label: PeriodNamer, shown: Mapping[str, Any] | None = None, *, collapsed: bool = True
) -> section:
    """Return the form's collapsed section: the default plan's name and the other plans."""
    extra = [parse_period(item.get(PLAN_PERIOD)) for item in _listed((shown or {}).get(CONF_PLANS))]
    # Given as data, not selector objects: older releases validate only that form.
    plan_fields: dict[str, ObjectSelectorField] = {
        PLAN_NAME: {"selector": TextSelector().serialize()["selector"], "required": True},
        # Not marked required: the frontend would show a required drop-down's first choice
        # ("1 day") in a new plan and save it unpicked. `_plan_error` refuses a missing period.
        PLAN_PERIOD: {
            "selector": period_selector(label, *extra).serialize()["selector"],
            "required": False,
        },
        PLAN_COST: {
            "selector": NumberSelector(
                NumberSelectorConfig(step=0.01, mode=NumberSelectorMode.BOX)
            ).serialize()["selector"],
            "required": False,
        },
    }
    return section(
        vol.Schema(
            {
                vol.Optional(CONF_DEFAULT_PLAN): TextSelector(),
                vol.Optional(CONF_PLANS): PlanListSelector(
                    ObjectSelectorConfig(
                        fields=plan_fields,
                        multiple=True,
                        label_field=PLAN_NAME,
                        description_field=PLAN_PERIOD,
                        translation_key=PLAN_TEXTS,
                    )
                ),
            }
        ),
        {"collapsed": collapsed},
    )


def _listed(value: object) -> list[dict[str, Any]]:
    """Return the mappings of a list, leaving out anything else."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def shown_plans(data: Mapping[str, Any], label: PeriodNamer = plain_name) -> dict[str, Any]:
    """Return the stored plans as the form's section shows them, periods in words."""
    plans = stored_plans(data, stored_period(data))
    shown: dict[str, Any] = {}
    if plans and stored_period(data) is not None:
        shown[CONF_DEFAULT_PLAN] = plans[0].name
        plans = plans[1:]
    shown[CONF_PLANS] = [
        {
            PLAN_NAME: plan.name,
            PLAN_PERIOD: label(plan.period),
            **({} if plan.cost is None else {PLAN_COST: plan.cost}),
        }
        for plan in plans
    ]
    return shown


def _plan_error(item: Mapping[str, Any]) -> tuple[Plan | None, str | None]:
    """Return one plan of the form's list, or the error that keeps it from being one."""
    name = item.get(PLAN_NAME)
    name = name.strip() if isinstance(name, str) else ""
    if name_error(name):
        return None, "invalid_plan_name"
    if (period := parse_period(item.get(PLAN_PERIOD))) is None:
        return None, "invalid_plan_period"
    cost = item.get(PLAN_COST)
    if cost is not None and not is_money(cost):
        return None, "invalid_plan_cost"
    return Plan(name=name, period=period, cost=None if cost is None else float(cost)), None


def name_error(name: str) -> bool:
    """Return whether a plan name is empty, too long, or hides characters."""
    return not name or len(name) > MAX_PLAN_NAME_LENGTH or has_hidden_characters(name)


def check_plans(data: dict[str, Any], label: PeriodNamer = plain_name) -> dict[str, str]:
    """Check the default plan's name and the other plans, and put them in their stored form.

    The default plan is the card's own period and cost; a name that reads as another period
    than its own (left from before the period changed) is replaced by its period in words.
    """
    errors: dict[str, str] = {}
    period = data.get(CONF_RENEWAL_PERIOD)
    default: Period | None = None
    if type(period) is int and period > 0:
        default = stored_period(data)
    name = data.pop(CONF_DEFAULT_PLAN, None)
    name = name.strip() if isinstance(name, str) else ""
    if default is not None:
        if not name or parse_period(name) not in (None, default):
            name = label(default)
        if name_error(name):
            errors[CONF_DEFAULT_PLAN] = "invalid_plan_name"
        data[CONF_DEFAULT_PLAN] = name
    answers = data.pop(CONF_PLANS, None) or []
    others: list[Plan] = []
    for item in answers if isinstance(answers, list) else [None]:
        plan, error = _plan_error(item) if isinstance(item, dict) else (None, "invalid_plan_name")
        if error is not None:
            errors[CONF_PLANS] = error
        elif plan is not None:
            others.append(plan)
    keys = [plan_key(plan.name) for plan in others] + ([plan_key(name)] if default else [])
    if CONF_PLANS not in errors and len(set(keys)) < len(keys):
        errors[CONF_PLANS] = "duplicate_plan_name"
    elif len(keys) > MAX_PLANS:
        errors[CONF_PLANS] = "too_many_plans"
    if others and CONF_RENEWAL_PERIOD not in data:
        # A period that is there but wrong has its own error; a missing one leaves no default.
        errors[CONF_RENEWAL_PERIOD] = "period_needed_for_plans"
    if others:
        data[CONF_PLANS] = [plan_data(plan) for plan in others]
    return errors


def with_default(data: Mapping[str, Any], name: str) -> dict[str, Any]:
    """Return the card's data with the plan called `name` as its default, the old one kept."""
    plans = stored_plans(data, stored_period(data))
    chosen = next((plan for plan in plans if plan.name == name), None)
    if chosen is None or chosen is plans[0] or stored_period(data) is None:
        return dict(data)
    others = [plans[0] if plan is chosen else plan for plan in plans[1:]]
    changed = {
        key: value
        for key, value in data.items()
        if key not in (CONF_RENEWAL_COST, CONF_PLANS, CONF_DEFAULT_PLAN)
    }
    changed.update(
        {
            CONF_DEFAULT_PLAN: chosen.name,
            CONF_RENEWAL_PERIOD: chosen.period.length,
            CONF_RENEWAL_PERIOD_UNIT: chosen.period.unit.value,
            CONF_PLANS: [plan_data(plan) for plan in others],
        }
    )
    if chosen.cost is not None:
        changed[CONF_RENEWAL_COST] = chosen.cost
    return changed
