"""The dashboard card's module, served from the integration's folder while a household runs."""

from __future__ import annotations

from dataclasses import dataclass
import hashlib
from http import HTTPStatus
from pathlib import Path
from typing import Final

from aiohttp import web

from homeassistant.components.frontend import (
    DATA_EXTRA_MODULE_URL,
    add_extra_js_url,
    remove_extra_js_url,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.http import HomeAssistantView
from homeassistant.loader import async_get_integration
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN
from .frontend_paths import FRONTEND_URL_PREFIX

MODULE_FILE: Final = Path(__file__).parent / "frontend" / "simrenew-card.js"
# Under the integration's own prefix: never beside what HACS or the Marketplace serve.
MODULE_PATH: Final = f"{FRONTEND_URL_PREFIX}card/simrenew-card.js"
DATA_CARD_MODULE: HassKey[CardModule] = HassKey(f"{DOMAIN}_card_module")


@dataclass(slots=True)
class CardModule:
    """The module's text, whether it is offered now, and under which versioned address."""

    body: bytes
    url: str
    served: bool = False

    @property
    def etag(self) -> str:
        """Return a tag that changes whenever the module's text does."""
        return f'"{hashlib.sha256(self.body).hexdigest()[:16]}"'


class CardModuleView(HomeAssistantView):
    """Answers with the module while a household runs, and with nothing after."""

    url = MODULE_PATH
    name = "simrenew:card"
    # Browsers load modules without the frontend's token, as they do the frontend's own files.
    requires_auth = False

    def __init__(self, module: CardModule) -> None:
        """Serve `module`."""
        self._module = module

    async def get(self, request: web.Request) -> web.StreamResponse:
        """Return the module, or 404 once the integration's last household is gone."""
        module = self._module
        if not module.served:
            return web.Response(status=HTTPStatus.NOT_FOUND)
        headers = {"ETag": module.etag, "Cache-Control": "no-cache"}
        if request.headers.get("If-None-Match") == module.etag:
            return web.Response(status=HTTPStatus.NOT_MODIFIED, headers=headers)
        return web.Response(body=module.body, content_type="text/javascript", headers=headers)


async def async_offer_card(hass: HomeAssistant) -> None:
    """Serve the module and have every frontend load it; once, whatever the households."""
    if DATA_EXTRA_MODULE_URL not in hass.data or "http" not in hass.config.components:
        return  # no frontend runs (or it failed to start): nothing shows dashboards
    if (module := hass.data.get(DATA_CARD_MODULE)) is None:
        body = await hass.async_add_executor_job(MODULE_FILE.read_bytes)
        version = (await async_get_integration(hass, DOMAIN)).version
        module = CardModule(body=body, url=f"{MODULE_PATH}?v={version}")
        hass.data[DATA_CARD_MODULE] = module
        # A view cannot be taken off the server again: it answers 404 while withdrawn.
        hass.http.register_view(CardModuleView(module))
    if not module.served:
        module.served = True
        add_extra_js_url(hass, module.url)


def withdraw_card(hass: HomeAssistant) -> None:
    """Stop serving the module and stop frontends from loading it."""
    if (module := hass.data.get(DATA_CARD_MODULE)) is None or not module.served:
        return
    module.served = False
    remove_extra_js_url(hass, module.url)
