"""A real Home Assistant on a free loopback port, onboarded, and a logged-in browser page."""

from __future__ import annotations

import asyncio
from collections.abc import Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
import json
import os
from pathlib import Path
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from typing import Any
import urllib.error
import urllib.parse
import urllib.request

import aiohttp
from playwright.sync_api import Browser, Page, sync_playwright
import pytest

ROOT = Path(__file__).parent.parent
CHROMIUM = os.environ.get("SIMRENEW_CHROMIUM", "/usr/bin/chromium")
STARTUP_SECONDS = 240
# Integrations that onboarding sets up on its own; none of them is part of the test.
ONBOARDING_EXTRAS = {"met", "radio_browser", "google_translate", "shopping_list"}
# What Home Assistant logs when an integration uses something deprecated or removed soon.
DEPRECATION_MARKERS = ("deprecated", "will stop working", "will be removed", "stops working")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Replace the unit tests' fixture: this Home Assistant runs in its own process."""


@dataclass(frozen=True)
class Profile:
    """Who walks the path: the language and the home Home Assistant is set up for."""

    language: str
    locale: str
    time_zone: str
    country: str
    currency: str
    # The cards' carriers' clock, which need not be the home's.
    card_time_zone: str

    @property
    def suffix(self) -> str:
        """Return what tells this profile's screenshots apart (nothing for English)."""
        return "" if self.language == "en" else f"-{self.language}"


PROFILES = [
    # An English home in London that keeps Hong Kong numbers.
    Profile("en", "en-US", "Europe/London", "GB", "GBP", "Asia/Hong_Kong"),
    Profile("zh-Hant", "zh-HK", "Asia/Hong_Kong", "HK", "HKD", "Asia/Hong_Kong"),
    Profile("zh-Hans", "zh-CN", "Asia/Shanghai", "CN", "CNY", "Asia/Shanghai"),
]


@dataclass
class Server:
    """A running Home Assistant and the tokens of its owner."""

    url: str
    tokens: dict[str, Any]
    config_dir: Path
    profile: Profile


def _free_port() -> int:
    """Return a loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _request(
    url: str,
    data: dict[str, Any] | None = None,
    *,
    token: str | None = None,
    form: bool = False,
) -> Any:
    """Send a JSON (or form) request and return the decoded answer."""
    headers = {"Content-Type": "application/json"}
    body = None
    if data is not None:
        body = json.dumps(data).encode()
        if form:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urllib.parse.urlencode(data).encode()
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read().decode()
    return json.loads(text) if text else None


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Wait for the onboarding API to answer, failing with the log if the process ends."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"Home Assistant exited early:\n{log.read_text()[-3000:]}")
        try:
            _request(f"{url}/api/onboarding")
        except urllib.error.URLError, ConnectionError, TimeoutError:
            time.sleep(1)
        else:
            return
    pytest.fail(f"Home Assistant did not start in {STARTUP_SECONDS} s:\n{log.read_text()[-3000:]}")


def _onboard(url: str, language: str) -> dict[str, Any]:
    """Create the owner and finish onboarding; return the owner's tokens."""
    client_id = f"{url}/"
    user = _request(
        f"{url}/api/onboarding/users",
        {
            "client_id": client_id,
            "name": "Test Owner",
            "username": "owner",
            "password": "e2e-password",
            "language": language,
        },
    )
    tokens: dict[str, Any] = _request(
        f"{url}/auth/token",
        {"grant_type": "authorization_code", "code": user["auth_code"], "client_id": client_id},
        form=True,
    )
    access = tokens["access_token"]
    _request(f"{url}/api/onboarding/core_config", {}, token=access)
    _request(f"{url}/api/onboarding/analytics", {}, token=access)
    _request(
        f"{url}/api/onboarding/integration",
        {"client_id": client_id, "redirect_uri": f"{url}/?auth_callback=1"},
        token=access,
    )
    return tokens


def _websocket(url: str, token: str, command: dict[str, Any]) -> dict[str, Any]:
    """Send one websocket command as the owner and return Home Assistant's answer."""

    async def send() -> dict[str, Any]:
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(f"{url}/api/websocket") as socket_,
        ):
            await socket_.receive_json()  # auth_required
            await socket_.send_json({"type": "auth", "access_token": token})
            await socket_.receive_json()  # auth_ok
            await socket_.send_json({"id": 1, **command})
            answer: dict[str, Any] = await socket_.receive_json()
            return answer

    # A thread of its own: the browser's synchronous API keeps an event loop in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, send()).result()


def _remove_onboarding_extras(url: str, token: str) -> None:
    """Remove the integrations onboarding adds, so the pages show only what is tested."""
    # Onboarding starts their flows in the background: wait until the list stops changing.
    seen: list[str] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        time.sleep(2)
        entries = _request(f"{url}/api/config/config_entries/entry", token=token)
        current = sorted(entry["entry_id"] for entry in entries)
        if current == seen and any(entry["domain"] in ONBOARDING_EXTRAS for entry in entries):
            break
        seen = current
    for entry in entries:
        if entry["domain"] in ONBOARDING_EXTRAS:
            request = urllib.request.Request(
                f"{url}/api/config/config_entries/entry/{entry['entry_id']}",
                headers={"Authorization": f"Bearer {token}"},
                method="DELETE",
            )
            with urllib.request.urlopen(request, timeout=30):
                pass


def _confirm_http_config(url: str, token: str) -> None:
    """Keep the HTTP settings this test wrote, as the owner would in the confirmation dialog."""
    # From 2026.11 the http: block is imported as a trial that the owner must confirm, or it
    # is reverted with a restart five minutes later.
    answer = _websocket(url, token, {"type": "http/config/promote"})
    assert answer["success"] or answer["error"]["code"] == "not_allowed", answer
    # The repair that asks to move the block out of configuration.yaml is not about simrenew.
    _websocket(
        url,
        token,
        {
            "type": "repairs/ignore_issue",
            "domain": "http",
            "issue_id": "deprecated_yaml",
            "ignore": True,
        },
    )


@pytest.fixture(scope="session", params=PROFILES, ids=lambda profile: profile.language)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """Start Home Assistant with simrenew loaded from the working tree, in one profile's home."""
    profile: Profile = request.param
    config_dir = tmp_path_factory.mktemp(f"ha-config-{profile.language}")
    port = _free_port()
    (config_dir / "configuration.yaml").write_text(
        # The automation editor saves to automations.yaml; Home Assistant loads it from here.
        "frontend:\nconfig:\nhistory:\nmobile_app:\nautomation: !include automations.yaml\n"
        f"http:\n  server_host: 127.0.0.1\n  server_port: {port}\n"
        f"homeassistant:\n  time_zone: {profile.time_zone}\n  country: {profile.country}\n"
        f"  currency: {profile.currency}\n  language: {profile.language}\n"
        "logger:\n  default: warning\n",
        encoding="utf-8",
    )
    (config_dir / "automations.yaml").write_text("[]\n", encoding="utf-8")
    (config_dir / "custom_components").mkdir()
    (config_dir / "custom_components" / "simrenew").symlink_to(
        ROOT / "custom_components" / "simrenew"
    )
    log = config_dir / "server.log"
    hass = Path(sys.executable).parent / "hass"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(hass), "--config", str(config_dir)], stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, log)
        tokens = _onboard(url, profile.language)
        _confirm_http_config(url, tokens["access_token"])
        _remove_onboarding_extras(url, tokens["access_token"])
        yield Server(url=url, tokens=tokens, config_dir=config_dir, profile=profile)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    reports = deprecation_reports(log.read_text(encoding="utf-8", errors="replace"))
    assert not reports, f"Home Assistant reported deprecated use by simrenew: {reports}"


def deprecation_reports(log: str) -> list[str]:
    """Return the log lines in which Home Assistant reports a deprecated use by simrenew."""
    return [
        line
        for line in log.splitlines()
        if "simrenew" in line and any(marker in line.lower() for marker in DEPRECATION_MARKERS)
    ]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Start Debian's Chromium, headless."""
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail(f"Chromium is not installed at {CHROMIUM}; .ci/run installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(server: Server, browser: Browser) -> Generator[Page]:
    """Return a page logged in as the owner."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale=server.profile.locale,
        timezone_id=server.profile.time_zone,
    )
    page = context.new_page()
    page.goto(f"{server.url}/auth/authorize?response_type=code")  # any page on the origin
    stored = {
        **server.tokens,
        "hassUrl": server.url,
        "clientId": f"{server.url}/",
        "expires": int(time.time() * 1000) + int(server.tokens["expires_in"]) * 1000,
    }
    page.evaluate("tokens => localStorage.setItem('hassTokens', JSON.stringify(tokens))", stored)
    page.evaluate(
        "language => localStorage.setItem('selectedLanguage', JSON.stringify(language))",
        server.profile.language,
    )
    page.goto(f"{server.url}/config/integrations/dashboard")
    page.wait_for_selector("home-assistant", timeout=60_000)
    yield page
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep a screenshot of the page when a browser step fails, to see what the user saw."""
    report = yield
    page = item.funcargs.get("page") if isinstance(item, pytest.Function) else None
    if report.failed and call.when == "call" and isinstance(page, Page):
        folder = Path(os.environ.get("SIMRENEW_E2E_FAILURES", tempfile.gettempdir()))
        target = folder / f"{item.name}.png"
        page.screenshot(path=str(target))
        report.sections.append(("failure screenshot", str(target)))
    return report
