"""The course site in a real headless Chromium, served on 127.0.0.1 (`make site-test`; .ci/run runs it).

Every page: loads without console errors, loads nothing from another host, every image decodes and has an alt text
that says what it shows, math is typeset (no raw TeX left), the language switch and every internal link lead to
existing pages, it declares its language, axe-core (npm, pinned in package.json) finds no violation of WCAG 2 A/AA
or its best practices in light mode, dark mode and at a phone's size, and at 390 x 844 nothing scrolls sideways.
Screenshots of each page (desktop and phone, light and dark) go to build/site/screenshots/ for review. Known
values from the notebooks are on their pages, and each language's offline search finds them.
"""

import functools
import http.server
import os
import re
import shutil
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from lab_utils.tools.publish.site import build, site_pages

from .conftest import ROOT

pytestmark = pytest.mark.browser
OUT = ROOT / "build" / "site"
SHOTS = OUT / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
PHONE = (390, 844)
KNOWN = {
    "notebooks/01_linear_regression.html": ["W = 0.657, b = 0.770", "converged after 183 epochs"],
    "ko/notebooks/01_linear_regression.html": ["W = 0.657, b = 0.770", "183 에폭 만에 수렴"],
    "notebooks/02_logistic_regression.html": ["2.4277e-05", "2.5141e-02", "9.6478e-01"],
    "notebooks/03_multilayer_perceptron.html": ["1.5880e-04", "99.7 %"],
    "ko/notebooks/02_logistic_regression.html": ["2.4277e-05", "9.6478e-01", "활성화 함수"],
    "exercises/01_linear_regression.html": ["# YOUR CODE HERE", "Practice edition"],
    "index.html": ["make lab", "make test", "practice"],
    "ko/index.html": ["make lab", "make test", "실습판"],
}
EXTERNAL = re.compile(r"""<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)=["'](?:https?:)?//""", re.I)


@pytest.fixture(scope="module")
def site():
    pages, _ = build(ROOT, OUT)
    html = OUT / "html"
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(html))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield html, f"http://127.0.0.1:{server.server_address[1]}/", pages
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not try the network
    chromium = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
    driver = shutil.which("chromedriver")
    if not (chromium and driver):
        pytest.fail("the browser tests need Chromium: apt-get install chromium chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,1600"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver), options=options)
    yield driver
    driver.quit()


def pages(html: Path) -> list[str]:
    return site_pages(html)


def _open(browser, url: str) -> None:
    """Load url and wait until its document is complete: get() can return while a navigation is still replacing
    the previous document (seen once in CI as document.body == null right after get)."""
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(url)
    WebDriverWait(browser, 30).until(lambda b: b.execute_script(
        "return document.readyState === 'complete' && document.body !== null"
        " && location.href.split('#')[0] === arguments[0]",
        url))


def _mode(browser, mode: str) -> None:
    # pydata-sphinx-theme's colours (and the code's pygments style) follow <html data-theme>. Its colour
    # transitions are switched off first: axe must see the final colours, not a frame halfway through a fade.
    browser.execute_script(
        "if (!document.getElementById('no-transitions')) { const s = document.createElement('style');"
        "s.id = 'no-transitions'; s.textContent = '*, *::before, *::after { transition: none !important; }';"
        "document.head.appendChild(s); }"
        "document.documentElement.dataset.theme = arguments[0]; document.documentElement.dataset.mode = arguments[0];"
        "void document.documentElement.offsetHeight;", mode)


def _size(browser, width: int, height: int) -> None:
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})


def _axe(browser, page: str, how: str) -> list[str]:
    """axe-core's violations on the loaded page, one line each: page, mode, rule, impact, element."""
    browser.execute_script(AXE.read_text())
    found = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
        ".then(r => done(r.violations.flatMap(v => v.nodes.map(n => [v.id, v.impact, n.target.join(' ')]))))"
        ".catch(e => done([['axe-error', 'critical', String(e)]]));", AXE_TAGS)
    return [f"{page} [{how}]: {rule} ({impact}) at {target}" for rule, impact, target in found]


def test_site_has_every_edition(site):
    html, _, count = site
    found = pages(html)
    assert count == len(found) == 14
    for folder in ("notebooks", "exercises", "ko/notebooks", "ko/exercises"):
        assert sum(p.startswith(folder + "/") for p in found) == 3, folder


def test_the_korean_pages_have_korean_titles(site):
    html, _, _ = site
    import html as entities

    titles = {page: entities.unescape(re.search(r"<title>(.*?)</title>", (html / page).read_text(), re.S).group(1))
              for page in pages(html)}
    korean = {page: title for page, title in titles.items() if page.startswith("ko/")}
    assert len(korean) == 7 and all(title.endswith("다층 퍼셉트론 — PyTorch 실습") for title in korean.values())
    assert all(re.search("[가-힣]", title.split(" — ")[0]) for title in korean.values()), korean
    assert all(t.endswith("Multi-Layer Perceptrons — PyTorch lab") for p, t in titles.items() if p not in korean)


def test_no_page_loads_anything_from_another_host(site):
    html, _, _ = site
    for page in pages(html):
        assert not EXTERNAL.findall((html / page).read_text()), f"{page} references another host"
    for css in html.rglob("*.css"):
        text = css.read_text()
        assert not re.search(r"(url\(|@import)\s*['\"]?(https?:)?//", text), css  # a local @import is fine


def test_every_page_in_the_browser(site, browser):
    html, base, _ = site
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()
    checked_links: set[str] = set()
    for page in pages(html):
        _open(browser, base + page)
        browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "if (window.MathJax && MathJax.startup) { MathJax.startup.promise.then(() => done(1)); } else { done(0); }")
        errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == [], f"{page}: {errors}"
        foreign = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)"
                                         ".filter(n => !n.startsWith(location.origin))")
        assert foreign == [], f"{page} loaded {foreign}"
        widths = browser.execute_script("return Array.from(document.images).map(i => i.complete ? i.naturalWidth : 0)")
        assert all(w > 0 for w in widths), f"{page}: an image did not decode {widths}"
        text = browser.find_element("tag name", "body").text
        if page.startswith(("notebooks/", "ko/notebooks/", "exercises/", "ko/exercises/")):
            assert browser.execute_script("return document.querySelectorAll('mjx-container').length") > 5, page
            assert widths and len(widths) >= (4 if "notebooks/" in page else 1), page  # figures (and the badge)
        assert "$$" not in text and "\\(" not in text and "\\frac" not in text, f"{page}: raw TeX left"
        for value in KNOWN.get(page, []):
            assert value in text, f"{page} should show {value!r}"
        switch = browser.find_element("css selector", "a.lang-switch-link").get_attribute("href")
        links = {a.split("#")[0] for a in browser.execute_script(
            "return Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
            if a.startswith(base) and not a.split("#")[0].endswith(".ipynb")}
        for link in {switch.split("#")[0], *links} - checked_links:
            try:
                assert urllib.request.urlopen(link, timeout=10).status == 200, link
            except urllib.error.HTTPError as e:
                raise AssertionError(f"{page} links to {link}: HTTP {e.code}") from None
            checked_links.add(link)
        browser.save_screenshot(str(SHOTS / (page.replace("/", "__").removesuffix(".html") + ".png")))
    assert len(list(SHOTS.glob("*.png"))) == len(pages(html))
    assert any(link.endswith("ko/index.html") for link in checked_links)


def test_every_page_declares_its_language_and_every_figure_says_what_it_shows(site, browser):
    html, base, _ = site
    for page in pages(html):
        _open(browser, base + page)
        korean = page.startswith("ko/")
        assert browser.execute_script("return document.documentElement.lang") == ("ko" if korean else "en"), page
        figures = browser.execute_script(
            "return Array.from(document.querySelectorAll('.cell_output img')).map(i => i.getAttribute('alt') || '')")
        if page.startswith(("notebooks/", "ko/notebooks/")):
            assert len(figures) >= 4, page
        for alt in figures:
            assert len(alt.split()) >= 6 and not re.search(r"\.(png|svg|jpe?g)\b|_images/", alt), f"{page}: {alt!r}"
            assert bool(re.search(r"[가-힣]", alt)) == korean, f"{page}: {alt!r}"


def test_no_accessibility_violations_in_light_dark_and_on_a_phone(site, browser):
    """axe-core on every page, English and Korean, solution and practice: light and dark mode at desktop size, and
    light at a phone's size (where more blocks scroll and must be reachable by keyboard). Nothing may scroll
    sideways at 390 x 844. The screenshots of each page in each mode are kept for review."""
    if not AXE.is_file():
        pytest.fail("axe-core is not installed: run `npm ci` (package.json pins it; .ci/run and make site-test do)")
    html, base, _ = site
    violations, sideways = [], []
    for width, height, label in ((1280, 1600, "desktop"), (*PHONE, "phone")):
        _size(browser, width, height)
        for page in pages(html):
            _open(browser, base + page)
            for mode in ("light", "dark"):
                _mode(browser, mode)
                if label == "desktop" or mode == "light":
                    violations += _axe(browser, page, f"{label} {mode}")
                browser.save_screenshot(str(SHOTS / f"{page.replace('/', '__').removesuffix('.html')}"
                                                    f"--{label}-{mode}.png"))
            if label == "phone":
                scroll, inner = browser.execute_script(
                    "return [document.documentElement.scrollWidth, window.innerWidth]")
                if not (inner == PHONE[0] and scroll <= inner):
                    sideways.append(f"{page}: scrollWidth {scroll} > innerWidth {inner} at {PHONE[0]} x {PHONE[1]}")
    _size(browser, 1280, 1600)
    assert violations == [], "\n" + "\n".join(violations)
    assert sideways == [], "\n" + "\n".join(sideways)


@pytest.mark.parametrize("page,query,hit", [("search.html", "zero_grad", "notebooks/01_linear_regression.html"),
                                            ("ko/search.html", "기울기", "ko/notebooks/01_linear_regression.html")])
def test_offline_search_finds_the_lesson(site, browser, page, query, hit):
    from selenium.webdriver.support.ui import WebDriverWait

    _, base, _ = site
    _open(browser, f"{base}{page}?q={urllib.parse.quote(query)}")
    links = WebDriverWait(browser, 30).until(lambda b: b.execute_script(
        "const l = Array.from(document.querySelectorAll('#search-results li a')).map(a => a.href);"
        "return l.length ? l : null;"))
    assert any(link.split("?")[0].split("#")[0] == base + hit for link in links), links
