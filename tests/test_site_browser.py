"""The course site in a real headless Chromium, served on 127.0.0.1 (`make site-test`; .ci/run runs it).

Every page: loads without console errors, loads nothing from another host, every image decodes, math is typeset
(no raw TeX left), the language switch and every internal link lead to existing pages. A screenshot of each page
goes to build/site/screenshots/ for review. Known values from the notebooks are on their pages.
"""

import functools
import http.server
import os
import re
import shutil
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from lab_utils.tools.site import build

from .conftest import ROOT

pytestmark = pytest.mark.browser
OUT = ROOT / "build" / "site"
SHOTS = OUT / "screenshots"
KNOWN = {
    "notebooks/01_linear_regression.html": ["W = 0.657, b = 0.770", "converged after 183 epochs"],
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
    return sorted(p.relative_to(html).as_posix() for p in html.rglob("*.html")
                  if p.name not in ("genindex.html", "search.html"))


def test_site_has_every_edition(site):
    html, _, count = site
    found = pages(html)
    assert count == len(found) == 14
    for folder in ("notebooks", "exercises", "ko/notebooks", "ko/exercises"):
        assert sum(p.startswith(folder + "/") for p in found) == 3, folder


def test_no_page_loads_anything_from_another_host(site):
    html, _, _ = site
    for page in pages(html):
        assert not EXTERNAL.findall((html / page).read_text()), f"{page} references another host"
    for css in html.rglob("*.css"):
        text = css.read_text()
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text) and "@import" not in text, css


def test_every_page_in_the_browser(site, browser):
    html, base, _ = site
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()
    checked_links: set[str] = set()
    for page in pages(html):
        browser.get(base + page)
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
