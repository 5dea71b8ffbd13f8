"""A real OpenID Connect provider on loopback for the tests: tests/oidc/provider.mjs (panva's
oidc-provider, an OpenID Certified implementation), installed once with `npm ci` into a cache directory.

Without Node.js the tests that need it are skipped, saying why; CI sets REQUIRE_OIDC=1, which turns a
missing Node.js (or a failed install) into a failure instead.
"""

import fcntl
import hashlib
import json
import os
import select
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

SOURCE = Path(__file__).resolve().parent / "oidc"
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "rollcall"
START_TIMEOUT = 20.0
NODE_MINIMUM = (20, 19)


def _unavailable(reason: str) -> None:
    """Skip (or, with REQUIRE_OIDC=1, fail) the tests that need the provider."""
    if os.environ.get("REQUIRE_OIDC") == "1":
        pytest.fail(f"REQUIRE_OIDC=1 but the test OpenID Connect provider can't run: {reason}", pytrace=False)
    pytest.skip(f"OpenID Connect tests skipped: {reason}; CI sets REQUIRE_OIDC=1 to fail instead")


def install() -> Path:
    """The provider's directory with its node_modules, installed by `npm ci` once per package-lock."""
    npm = shutil.which("npm")
    if npm is None:
        _unavailable("npm not found (install Node.js 20 or later with npm)")
    lock = (SOURCE / "package-lock.json").read_bytes()
    digest = hashlib.sha256((SOURCE / "package.json").read_bytes() + lock).hexdigest()[:16]
    target = CACHE / f"oidc-provider-{digest}"
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / "oidc-provider.lock", "w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)  # one install at a time across test processes
        if not (target / "node_modules" / "oidc-provider").is_dir():
            staging = Path(tempfile.mkdtemp(dir=CACHE, prefix="oidc-install-"))
            for name in ("package.json", "package-lock.json"):
                shutil.copy(SOURCE / name, staging / name)
            result = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
                cwd=staging,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            if result.returncode != 0:
                shutil.rmtree(staging, ignore_errors=True)
                _unavailable(f"npm ci failed:\n{result.stdout}\n{result.stderr}")
            shutil.rmtree(target, ignore_errors=True)
            staging.rename(target)
        # The script beside its node_modules, so Node resolves its imports there; copied every run so
        # an edited tests/oidc/provider.mjs is what runs.
        shutil.copy(SOURCE / "provider.mjs", target / "provider.mjs")
    return target


@dataclass
class OidcProvider:
    """The running provider and its test-only controls."""

    issuer: str
    process: subprocess.Popen
    log: Path
    http: requests.Session = field(default_factory=requests.Session)

    def register_client(self, redirect_uri: str) -> tuple[str, str]:
        """Register a confidential client (dynamic client registration); returns its id and secret."""
        response = self.http.post(f"{self.issuer}/reg", json={"redirect_uris": [redirect_uri]}, timeout=5)
        response.raise_for_status()
        body = response.json()
        return body["client_id"], body["client_secret"]

    def add_account(self, account_id: str, **claims) -> None:
        """Someone who can sign in at the provider as `account_id` (disabled=True: refused there)."""
        response = self.http.put(f"{self.issuer}/__test__/accounts/{account_id}", json=claims, timeout=5)
        response.raise_for_status()

    def tamper(self, claims: dict | None = None, wrong_key: bool = False) -> None:
        """Rewrite the next id_token the token endpoint issues (claims merged; or signed by a stranger)."""
        body = {"claims": claims or {}, "wrong_key": wrong_key}
        self.http.put(f"{self.issuer}/__test__/tamper", json=body, timeout=5).raise_for_status()

    def reset(self) -> None:
        """Forget any tampering a test asked for and didn't use."""
        self.http.put(f"{self.issuer}/__test__/tamper", json={}, timeout=5).raise_for_status()

    def stop(self) -> None:
        """End the provider process (ours alone, by its handle)."""
        self.http.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()


def start(workdir: Path) -> OidcProvider:
    """Start the provider on a free loopback port and wait until it says its issuer."""
    node = shutil.which("node")
    if node is None:
        _unavailable("node not found (install Node.js 20.19 or later)")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    if tuple(int(part) for part in version.lstrip("v").split(".")[:2]) < NODE_MINIMUM:
        _unavailable(
            f"node {version} is too old: oidc-provider needs {'.'.join(map(str, NODE_MINIMUM))} or later"
        )
    directory = install()
    log = workdir / "oidc-provider.log"
    with open(log, "w") as stderr:
        process = subprocess.Popen(
            [node, str(directory / "provider.mjs")],
            cwd=directory,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT)
    line = process.stdout.readline() if ready else ""
    if not line:
        process.kill()
        process.wait()
        process.stdout.close()
        _unavailable(f"the provider didn't start:\n{log.read_text()}")
    return OidcProvider(issuer=json.loads(line)["issuer"], process=process, log=log)


def sign_in_at_provider(authorize_url: str, login: str, redirect_uri: str) -> str:
    """Do what a person does at the provider (open its page, give a username) and return the URL it
    sends the browser back to (our callback with code, state and iss), without following it."""
    with requests.Session() as browser:
        page = browser.get(authorize_url, timeout=10)
        assert page.status_code == 200 and "Test identity provider" in page.text, page.text[:500]
        response = browser.post(page.url.rstrip("/") + "/login", data={"login": login}, allow_redirects=False)
        for _ in range(10):
            location = response.headers.get("Location", "")
            if response.status_code not in (302, 303) or not location:
                raise AssertionError(f"the provider stopped at {response.status_code}: {response.text[:500]}")
            location = urljoin(response.url, location)
            if location.startswith(redirect_uri):
                return location
            response = browser.get(location, allow_redirects=False, timeout=10)
    raise AssertionError("the provider never sent the browser back")


def query(url: str) -> dict[str, str]:
    """A URL's query parameters (the first of each)."""
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
