"""Targets chosen in the options that cannot be reached: logged once, named in a repair."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN, LOGGER


class UnreachableTargets:
    """Says once that a target fails, raises its repair, and withdraws it when it works again."""

    def __init__(
        self,
        hass: HomeAssistant,
        what: str,
        translation_key: str,
        describe: Callable[[str], dict[str, str]],
    ) -> None:
        """Name the kind of target (for the log and the repair's id) and how a repair names one."""
        self.hass = hass
        self._what = what
        self._translation_key = translation_key
        self._describe = describe
        self.failing: set[str] = set()

    def issue_id(self, target: str) -> str:
        """Return the id of a target's repair."""
        return f"{self._translation_key}_{target.split('.', 1)[-1]}"

    @callback
    def failed(self, target: str, why: str) -> None:
        """Say once that a target cannot be reached, and raise a repair that names it."""
        if target in self.failing:
            return
        self.failing.add(target)
        # Without the target's name: the log may be shared; the repair names it.
        LOGGER.warning("A reminder could not reach one of the chosen %s (%s)", self._what, why)
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            self.issue_id(target),
            is_fixable=False,
            is_persistent=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=self._translation_key,
            translation_placeholders=self._describe(target),
        )

    @callback
    def worked(self, target: str) -> None:
        """Withdraw a target's repair once it is reached again."""
        if target in self.failing:
            self.failing.discard(target)
            ir.async_delete_issue(self.hass, DOMAIN, self.issue_id(target))

    @callback
    def settle(self, chosen: Iterable[str]) -> None:
        """Withdraw the repairs of targets no longer chosen."""
        kept = set(chosen)
        for target in list(self.failing):
            if target not in kept:
                self.worked(target)
