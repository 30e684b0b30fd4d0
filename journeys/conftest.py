"""Browser journeys: Playwright drives Debian's Chromium against a live server of the test database.

Every page a journey opens is checked as a person meets it:
- axe-core at 1280 px and at 360 px: no serious or critical violation;
- no horizontal scrolling at 360 px;
- the browser's console stays clean (a CSP violation, a missing static file, a script error fail);
- a screenshot per step under var/journeys/<test>/, kept as an artefact; a failing step names its file.

Run them alone with `make test-browser` (pytest -m browser).
"""

import base64
import hashlib
import hmac
import os
import re
import shutil
import struct
import time
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

from eleves.tests.conftest import students  # noqa: F401  (shared fixtures)
from missions.tests.conftest import team  # noqa: F401

CHROMIUM = os.environ.get("PIAL_CHROMIUM", "/usr/bin/chromium")
ARTEFACTS = Path(settings.BASE_DIR) / "var" / "journeys"
WIDE, NARROW = {"width": 1280, "height": 900}, {"width": 360, "height": 780}
TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # pial.tests.factories.TotpFactory
PASSWORD = "mot-de-passe-de-test"
BLOCKING_IMPACTS = {"serious", "critical"}
# A screenshot after every step, for a person to look at (make test-browser); PIAL_JOURNEY_SHOTS=0
# (CI, where no one looks at a passing run's pictures) keeps only the failing step's.
EVERY_STEP_SHOT = os.environ.get("PIAL_JOURNEY_SHOTS", "1") != "0"
# The sign-in pages read the same for every person: checked by the first journey of the process
# that meets them, not again at each of the journeys' twenty sign-ins.
SIGNED_OUT_CHECKED: set[str] = set()
# preload off: axe would otherwise re-create, as <style> elements, every stylesheet it cannot read
# through the CSSOM (an @import such as the admin's forms.css → widgets.css, a sheet still loading
# after a redirect), which our CSP refuses: an « inline style » console error that is axe's, not
# the page's, and hid the page's own errors behind console.clear(). The CSSOM only serves the
# experimental css-orientation-lock rule, which axe does not run by default.
AXE_OPTIONS = {"resultTypes": ["violations"], "preload": False}
# Chromium, launched as the machine's network allows: no background calls to Google.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update", "--disable-dev-shm-usage", "--lang=fr-FR"]


def run_axe(page) -> dict:
    """axe-core's results on the page as it stands. The script (half a megabyte) is sent once per
    document, not once per run: a page checked at two widths is injected once."""
    from axe_playwright_python.base import AXE_SCRIPT

    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    return page.evaluate("(options) => axe.run(document, options)", AXE_OPTIONS)


def pytest_collection_modifyitems(items):
    for item in items:
        if "journeys" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        reason = f"Chromium introuvable ({CHROMIUM}) : `apt-get install chromium` (make test l'installe)"
        if os.environ.get("PIAL_REQUIRE_SERVICES") == "1" or os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread while it runs; the tests' own ORM
    # calls stay synchronous, one at a time. Allowed for the journeys' modules only: the variable
    # goes when the module's browser closes, before any other test runs.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(autouse=True)
def _journey_settings(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def totp_code(secret: str, at: float | None = None) -> str:
    """What the person's authenticator app shows now (RFC 6238: HMAC-SHA1, 30 s, 6 digits)."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def totp_code_not_about_to_roll(secret: str, margin: float = 3.0) -> str:
    """The code as a person would type it: not in the last seconds of its 30 s period. The server
    accepts the current period only (allauth's tolerance 0), so a code read at 29.9 s and checked
    at 30.1 s is refused — a flake on a loaded machine, not a failure of the sign-in."""
    left = 30 - time.time() % 30
    if left < margin:
        time.sleep(left + 0.05)
    return totp_code(secret)


BROKEN_WORDS_JS = r"""() => {
  const main = document.querySelector('main') || document.body;
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  const found = [];
  const clippers = (el) => {
    const boxes = [];
    for (let a = el; a && a !== main.parentElement; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o === 'hidden' || o === 'clip') boxes.push(a.getBoundingClientRect());
    }
    return boxes;
  };
  let node;
  while ((node = walker.nextNode()) && found.length < 20) {
    const el = node.parentElement;
    if (!el || !el.getClientRects().length || getComputedStyle(el).visibility === 'hidden') continue;
    if (el.closest('.fr-sr-only, [hidden]')) continue;
    const re = /[^\s\-‐-―\/]{2,}/g;
    let m;
    while ((m = re.exec(node.textContent)) && found.length < 20) {
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0 && r.height > 0);
      if (!rects.length) continue;
      const tops = new Set(rects.map((r) => Math.round(r.top / 4)));
      if (tops.size > 1) { found.push(m[0] + ' (coupé sur deux lignes)'); continue; }
      const word = range.getBoundingClientRect();
      const boxes = clippers(el);
      if (boxes.some((b) => b.width <= 1 || b.height <= 1)) break;  // visually hidden (fr-sr-only, a hidden caption)
      for (const box of boxes) {
        if (word.right > box.right + 1 || word.left < box.left - 1) { found.push(m[0] + ' (rogné)'); break; }
      }
    }
  }
  return found;
}"""


@dataclass
class Journey:
    """One person's visit: a page, its checks, its screenshots."""

    page: object
    base_url: str
    folder: Path
    checked: set = field(default_factory=set)
    console: list = field(default_factory=list)
    refused_urls: set = field(default_factory=set)
    steps: int = 0

    def url(self, path: str) -> str:
        return self.base_url + path

    def go(self, path: str):
        response = self.page.goto(self.url(path))
        self.check_page()
        return response

    def go_refused(self, path: str) -> int:
        """Opens a page that must be refused; its own error status is not a console error."""
        self.refused_urls.add(self.url(path))
        return self.page.goto(self.url(path)).status

    @contextmanager
    def step(self, name: str):
        """A named step: a screenshot after it; on failure, the screenshot's path in the error."""
        self.steps += 1
        plain = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()
        shot = self.folder / f"{self.steps:02d}-{re.sub(r'[^a-z0-9]+', '-', plain).strip('-')}.png"
        try:
            yield
        except BaseException as error:
            self.page.screenshot(path=str(shot), full_page=True, caret="initial")
            raise AssertionError(f"Étape « {name} » en échec — capture : {shot}\n{error}") from error
        # caret="initial": Playwright would otherwise put a style attribute on every field to hide
        # the caret, which the DSFR header then copies into its mobile menu, under our CSP.
        if EVERY_STEP_SHOT:
            self.page.screenshot(path=str(shot), full_page=True, caret="initial")
        assert self.console == [], f"Console du navigateur à l'étape « {name} » : {self.console}"

    def submit(self, button, url: str | re.Pattern | None = None):
        """Clicks a form's button and waits for the page the POST redirects to, fully loaded and
        settled (the DSFR's scripts started), then checks it: `wait_for_load_state()` after a click
        would answer at once for the page being left."""
        with self.page.expect_navigation(url=url) if url else self.page.expect_navigation():
            button.click()
        self.settle()
        self.check_page()

    def settle(self):
        """The document loaded, its stylesheets read, and a few frames for the DSFR's own work."""
        self.page.wait_for_load_state("load")
        self.page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => "
                           "setTimeout(done, 50))))")

    def csp_violations(self) -> list[str]:
        """Every CSP violation the current document met (the init script counts them, console or not)."""
        return self.page.evaluate("() => window.__pialCsp || []")

    def resize(self, viewport: dict):
        """A new width, then a few frames for the DSFR's own resize work (the header copies its
        links into the mobile menu) to end before axe, which marks elements while it runs, starts."""
        if self.page.viewport_size == viewport:
            return
        self.page.set_viewport_size(viewport)
        self.page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => "
                           "setTimeout(done, 50))))")

    def check_page(self, *, signed_out: bool = False):
        """axe at both widths and no horizontal scroll on a phone, once per page path in a journey;
        `signed_out`: a page that is the same for everyone (the sign-in steps), once per process."""
        path = re.sub(r"\d+", "N", self.page.url.removeprefix(self.base_url).split("?")[0])
        checked = SIGNED_OUT_CHECKED if signed_out else self.checked
        if path in checked:
            return
        checked.add(path)
        size = self.page.viewport_size
        problems = []
        self.settle()  # the DSFR's scripts started (a resize below may be skipped: no wait there)
        # The width the page is at first (a phone journey starts narrow): one resize fewer.
        for viewport in ((NARROW, WIDE) if size == NARROW else (WIDE, NARROW)):
            self.resize(viewport)
            for violation in run_axe(self.page)["violations"]:
                if violation["impact"] in BLOCKING_IMPACTS:
                    targets = [node["target"] for node in violation["nodes"]][:3]
                    problems.append(f"{viewport['width']} px {violation['id']} ({violation['impact']}): {targets}")
            if viewport == NARROW:
                overflow = self.page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth")
                if overflow > 0:
                    problems.append(f"360 px : la page déborde de {overflow} px horizontalement")
        self.resize(size)
        assert problems == [], f"{self.page.url} :\n" + "\n".join(problems)

    def broken_words(self) -> list[str]:
        """Words of the main content broken mid-word (one word over two lines) or cut by their box
        (wider than an element that hides its overflow), at the current width. Break points a reader
        expects (spaces, hyphens, dashes, slashes) are not mid-word."""
        return self.page.evaluate(BROKEN_WORDS_JS)

    def assert_readable(self, viewport: dict = NARROW):
        """No word broken mid-word at that width (360 px by default): readable, not only « no overflow »."""
        size = self.page.viewport_size
        self.resize(viewport)
        broken = self.broken_words()
        self.resize(size)
        assert broken == [], f"{self.page.url} à {viewport['width']} px, mots coupés : {broken}"

    def tab_to(self, selector: str, limit: int = 120):
        """Moves the focus with the Tab key alone until it reaches `selector`; fails if it never does."""
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            if self.page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"{selector} n'est pas atteignable au clavier ({limit} tabulations)")

    def sign_in_with_password(self, email: str, password: str = PASSWORD, *, then) -> None:
        """The sign-in page, checked, filled and sent; waits for the page `then` (a URL pattern)."""
        page = self.page
        page.goto(self.url("/comptes/login/"))
        self.check_page(signed_out=True)
        page.get_by_label("Courriel").fill(email)
        page.locator("input[name=password]").fill(password)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(then)

    def login(self, email: str, password: str = PASSWORD, totp_secret: str = TOTP_SECRET):
        """The real sign-in: e-mail and password, then the authenticator app's code."""
        page = self.page
        self.sign_in_with_password(email, password, then=re.compile(r".*/comptes/2fa/authenticate/.*"))
        self.check_page(signed_out=True)
        page.locator("input[name=code]").fill(totp_code_not_about_to_roll(totp_secret))
        page.locator("form button[type=submit]").first.click()
        page.wait_for_load_state()
        assert "/comptes/" not in page.url, page.url
        self.check_page()


@pytest.fixture
def journey(browser, live_server, request):
    """A fresh browser context (no cookies) on a 1280 px screen; `journey.page.set_viewport_size` for a phone."""
    folder = ARTEFACTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    context = browser.new_context(viewport=WIDE, locale="fr-FR", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    trip = Journey(page=page, base_url=live_server.url, folder=folder)

    def on_console(message):
        if message.type == "error" and message.location.get("url") not in trip.refused_urls:
            trip.console.append(f"{message.text} ({message.location.get('url')})")

    # A CSP violation names the element it blocked, so that a failure says where to look.
    page.add_init_script("""window.__pialCsp = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        const what = 'CSP ' + e.violatedDirective + ' : ' + (e.target && e.target.outerHTML ? e.target.outerHTML.slice(0, 200) : '')
          + (e.sample ? ' « ' + e.sample + ' »' : '') + (e.sourceFile ? ' (' + e.sourceFile + ':' + e.lineNumber + ')' : '');
        window.__pialCsp.push(what);
        console.error(what);
      });""")
    page.on("console", on_console)
    page.on("pageerror", lambda error: trip.console.append(str(error)))
    yield trip
    context.close()
