"""A real Home Assistant on a free loopback port, onboarded, and a logged-in browser page."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass
import json
import os
from pathlib import Path
import shutil
import socket
import subprocess
import sys
import time
from typing import Any
import urllib.error
import urllib.parse
import urllib.request

from playwright.sync_api import Browser, Page, sync_playwright
import pytest

ROOT = Path(__file__).parent.parent.parent
CHROMIUM = os.environ.get("SIMRENEW_CHROMIUM", "/usr/bin/chromium")
STARTUP_SECONDS = 240
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


@dataclass
class Server:
    """A running Home Assistant and the tokens of its owner."""

    url: str
    tokens: dict[str, Any]
    config_dir: Path


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
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(1)
        else:
            return
    pytest.fail(f"Home Assistant did not start in {STARTUP_SECONDS} s:\n{log.read_text()[-3000:]}")


def _onboard(url: str) -> dict[str, Any]:
    """Create the owner and finish onboarding; return the owner's tokens."""
    client_id = f"{url}/"
    user = _request(
        f"{url}/api/onboarding/users",
        {
            "client_id": client_id,
            "name": "Test Owner",
            "username": "owner",
            "password": "e2e-password",
            "language": "en",
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


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Start Home Assistant with simrenew loaded from the working tree."""
    config_dir = tmp_path_factory.mktemp("ha-config")
    port = _free_port()
    (config_dir / "configuration.yaml").write_text(
        "frontend:\nconfig:\nhistory:\n"
        f"http:\n  server_host: 127.0.0.1\n  server_port: {port}\n"
        "homeassistant:\n  time_zone: Asia/Hong_Kong\n  country: HK\n  currency: HKD\n"
        "logger:\n  default: warning\n",
        encoding="utf-8",
    )
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
        yield Server(url=url, tokens=_onboard(url), config_dir=config_dir)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Start Debian's Chromium, headless."""
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail(f"Chromium is not installed at {CHROMIUM}; .ci/run installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def page(server: Server, browser: Browser) -> Generator[Page]:
    """Return a page logged in as the owner."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.goto(f"{server.url}/auth/authorize?response_type=code")  # any page on the origin
    stored = {
        **server.tokens,
        "hassUrl": server.url,
        "clientId": f"{server.url}/",
        "expires": int(time.time() * 1000) + int(server.tokens["expires_in"]) * 1000,
    }
    page.evaluate("tokens => localStorage.setItem('hassTokens', JSON.stringify(tokens))", stored)
    page.goto(f"{server.url}/config/integrations/dashboard")
    page.wait_for_selector("home-assistant", timeout=60_000)
    yield page
    context.close()
