"""The repository passes the checks Home Assistant's own Marketplace makes before it installs it.

Offline: the Marketplace's code from the release runs over a ZIP archive of the repository's
tracked files, built the way GitHub serves a repository's archive (one top directory named after
the repository and the ref). Where the Marketplace would ask GitHub, the archive's own files
answer; its manager is stood in for by the two values these checks read (the configuration
directory and the running version). Nothing reaches the network.
"""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path
import re
import subprocess
from types import SimpleNamespace
from typing import Any
import zipfile

import hass_frontend
import pytest

from custom_components.simrenew.card_module import MODULE_PATH
from custom_components.simrenew.frontend_paths import FRONTEND_URL_PREFIX
from homeassistant.components import marketplace
from homeassistant.components.marketplace.const import (
    DASHBOARD_RESOURCE_BASE,
    DOMAIN as MARKETPLACE_DOMAIN,
    LEGACY_DASHBOARD_RESOURCE_BASE,
)
from homeassistant.components.marketplace.enums import RepositoryCategory, RepositoryFile
from homeassistant.components.marketplace.repositories import REPOSITORY_CLASSES
from homeassistant.components.marketplace.repositories.base import (
    RepositoryArchive,
    RepositoryManifest,
)
from homeassistant.components.marketplace.repositories.integration import (
    IntegrationRepository,
    _check_loadable_manifest,
    _is_loadable_version,
)
from homeassistant.components.marketplace.utils.validate import (
    REPOSITORY_MANIFEST_VALUES,
    VALIDATE_FETCHED_V2_REPO_DATA,
    valid_ref,
)
from homeassistant.const import __version__ as HA_VERSION

from .conftest import ROOT

FULL_NAME = "simrenew/simrenew"
# The one line of the README that names the oldest supported release.
README_MINIMUM = re.compile(r"Requires Home Assistant (\d{4}\.\d+\.\d+) or newer")


def repository_archive() -> RepositoryArchive:
    """Return the repository's tracked files as the ZIP archive GitHub would serve."""
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.decode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in filter(None, tracked.split("\0")):
            path = ROOT / name
            if path.is_file():
                archive.write(path, f"simrenew-main/{name}")
    return RepositoryArchive(buffer.getvalue())


def archive_file(archive: RepositoryArchive, path: str) -> bytes:
    """Return one file of the archive."""
    with archive._open() as opened:
        return opened.read(archive.members[path])


def stand_in_manager(config_path: Path, version: str = HA_VERSION) -> Any:
    """Return what these checks read of the Marketplace's manager, and nothing else."""
    return SimpleNamespace(
        core=SimpleNamespace(config_path=str(config_path)),
        version=SimpleNamespace(string=version),
    )


@pytest.fixture(name="archive", scope="module")
def fixture_archive() -> RepositoryArchive:
    """Return the repository as it would be downloaded."""
    return repository_archive()


def marketplace_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return every warning or error the Marketplace logged during the test."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith(f"homeassistant.components.{MARKETPLACE_DOMAIN}")
        and record.levelno >= logging.WARNING
    ]


def hacs_json(archive: RepositoryArchive) -> dict[str, Any]:
    """Return hacs.json as the archive holds it."""
    parsed: dict[str, Any] = json.loads(archive_file(archive, RepositoryFile.REPOSITORY_MANIFEST))
    return parsed


def integration_candidate(archive: RepositoryArchive, tmp_path: Path) -> IntegrationRepository:
    """Return the integration repository the Marketplace would make of the archive."""
    repository = IntegrationRepository(stand_in_manager(tmp_path), FULL_NAME)
    repository.repository_manifest = RepositoryManifest.from_dict(hacs_json(archive))
    repository.tree = archive.tree
    repository.treefiles = [entry.path for entry in repository.tree]
    return repository


def test_hacs_json_read_whole(archive: RepositoryArchive, caplog: pytest.LogCaptureFixture) -> None:
    """Every key of hacs.json is one the Marketplace reads, and no value is ignored."""
    caplog.set_level(logging.DEBUG)
    raw = hacs_json(archive)
    manifest = RepositoryManifest.from_dict(raw)

    assert marketplace_warnings(caplog) == []
    assert sorted(set(raw) - set(REPOSITORY_MANIFEST_VALUES)) == []
    # A value equal to the default is read too, it just leaves nothing to record.
    assert {key: getattr(manifest, key) for key in raw} == raw


def test_category_resolves_as_integration_only(
    archive: RepositoryArchive, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Each category looks at the tree the way its install does; only the integration fits."""
    caplog.set_level(logging.DEBUG)
    found = []
    for category, repository_class in REPOSITORY_CLASSES.items():
        candidate = repository_class(stand_in_manager(tmp_path), FULL_NAME)
        candidate.data.category = category
        # Parsed afresh for each: the Marketplace's round trip through to_dict() warns about
        # every unset default, whatever the repository holds.
        candidate.repository_manifest = RepositoryManifest.from_dict(hacs_json(archive))
        candidate.tree = archive.tree
        candidate.treefiles = [entry.path for entry in candidate.tree]
        if candidate.try_resolve_content():
            found.append(category)

    assert found == [RepositoryCategory.INTEGRATION]
    assert marketplace_warnings(caplog) == []


def test_manifest_accepted(
    archive: RepositoryArchive, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """manifest.json gives the domain, name and config flow, and installs as loadable."""
    caplog.set_level(logging.DEBUG)
    repository = integration_candidate(archive, tmp_path)
    repository.resolve_content()
    assert repository.content.path.remote == "custom_components/simrenew"

    manifest_path = repository._integration_manifest_path()
    manifest = json.loads(archive_file(archive, manifest_path))
    repository._use_integration_manifest(manifest)

    assert repository.validate.success, repository.validate.errors
    assert repository.data.domain == "simrenew"
    assert repository.data.manifest_name == "SIM Renew"
    assert repository.data.config_flow is True
    assert repository.data.authors == manifest["codeowners"]
    assert _is_loadable_version(manifest["version"])
    # The tag of a release is what the catalog installs: the manifest's version must be one.
    assert valid_ref(manifest["version"]) == manifest["version"]

    # Written where the install writes it, then the Marketplace's own check after an install.
    installed = Path(repository.localpath)
    prefix = f"{repository.content.path.remote}/"
    for path, member in archive.members.items():
        if path.startswith(prefix) and not member.is_dir():
            target = installed / path.removeprefix(prefix)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive_file(archive, path))
    assert installed == tmp_path / "custom_components" / "simrenew"
    _check_loadable_manifest(installed, repository.data.domain)
    assert marketplace_warnings(caplog) == []


def test_catalog_entry_accepted(archive: RepositoryArchive, tmp_path: Path) -> None:
    """The catalog's entry for this repository, made of its own files, passes its schema.

    The values GitHub alone knows (etag, times) are stand-ins of the right type.
    """
    repository = integration_candidate(archive, tmp_path)
    repository.resolve_content()
    manifest = json.loads(archive_file(archive, repository._integration_manifest_path()))
    entry = {
        "description": "Keeps prepaid SIM cards alive",
        "domain": manifest["domain"],
        "etag_repository": "stand-in",
        "full_name": FULL_NAME,
        "last_fetched": 0,
        "last_updated": "stand-in",
        "last_version": manifest["version"],
        "manifest": {"name": hacs_json(archive)["name"]},
        "manifest_name": manifest["name"],
    }
    assert VALIDATE_FETCHED_V2_REPO_DATA[RepositoryCategory.INTEGRATION](dict(entry)) == entry


def test_minimum_version_as_readme_states(archive: RepositoryArchive, tmp_path: Path) -> None:
    """hacs.json's minimum is the README's, this release installs it and an older one would not."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    stated = {match.group(1) for match in README_MINIMUM.finditer(readme)}
    repository = integration_candidate(archive, tmp_path)

    assert stated == {repository.repository_manifest.homeassistant}
    # Without releases the Marketplace does not compare, the catalog installs from one.
    repository.data.releases = True
    assert repository.can_install
    older = IntegrationRepository(stand_in_manager(tmp_path, "2026.2.3"), FULL_NAME)
    older.repository_manifest = repository.repository_manifest
    older.data.releases = True
    assert not older.can_install


@pytest.mark.parametrize(
    "marketplace_path",
    [
        DASHBOARD_RESOURCE_BASE,
        LEGACY_DASHBOARD_RESOURCE_BASE,
        # www/ is served as /local, and the panel and its old address belong to the Marketplace
        "/local",
        f"/{MARKETPLACE_DOMAIN}",
        "/hacs",
    ],
)
def test_frontend_prefix_apart_from_marketplace(marketplace_path: str) -> None:
    """No URL under simrenew's prefix is also under a path the Marketplace serves or redirects."""
    ours = FRONTEND_URL_PREFIX.rstrip("/") + "/"
    theirs = marketplace_path.rstrip("/") + "/"
    assert FRONTEND_URL_PREFIX.startswith("/")
    # The dashboard card is served under that prefix.
    assert MODULE_PATH.startswith(FRONTEND_URL_PREFIX)
    assert not MODULE_PATH.startswith(theirs)
    assert not ours.startswith(theirs)
    assert not theirs.startswith(ours)


def shipped_strings(language: str) -> list[re.Pattern[str]]:
    """Return every frontend and Marketplace string the release ships in a language."""
    frontend = Path(hass_frontend.where()) / "static" / "translations"
    files = [*frontend.glob(f"{language}-*.json"), *frontend.glob(f"*/{language}-*.json")]
    # The Marketplace has no zh-Hans strings of its own yet; the frontend then shows English.
    files.extend((Path(marketplace.__file__).parent / "translations").glob(f"{language}.json"))

    def leaves(node: Any) -> list[str]:
        if isinstance(node, dict):
            return [leaf for value in node.values() for leaf in leaves(value)]
        return [node] if isinstance(node, str) else []

    texts = {text for file in files for text in leaves(json.loads(file.read_text("utf-8")))}
    # A placeholder stands for what the README puts there, such as SIM Renew's name.
    return [re.compile(re.sub(r"\\\{\w+\\\}", ".+", re.escape(text)) + r"\Z") for text in texts]


@pytest.mark.parametrize("language", ["zh-Hant", "zh-Hans"])
def test_readme_quotes_home_assistant_labels_as_shipped(language: str) -> None:
    """A label the Chinese README quotes with Home Assistant's spacing is one this release ships."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    heading = {"zh-Hant": "## 中文簡介（繁體）", "zh-Hans": "## 中文简介（简体）"}[language]
    start = readme.index(heading)
    section = readme[start : readme.index("\n## ", start + 1)]
    quoted = [match.group(1) for match in re.finditer(r"[「“]([^」”]* [^」”]*)[」”]", section)]
    shipped = shipped_strings(language)

    assert quoted, "the install steps quote the Marketplace's labels"
    assert [label for label in quoted if not any(p.match(label) for p in shipped)] == []
