"""The grading report in a real browser (headless Chromium): axe-core finds no violation of WCAG 2 A/AA (nor of its
best practices) in the English and the Korean report of the fixture class, with its figures, its ranked pairs and
the flagged pair's code side by side, light mode, at desktop size and on a phone."""

import pytest

from lab_utils.exercises import linear
from lab_utils.tools.grade.report import write_report

from . import cells, similar
from .test_similarity import TEMPLATE, compare
from .test_site_browser import AXE, PHONE, _axe, _open, _size, browser  # noqa: F401 (browser: the fixture)

pytestmark = pytest.mark.browser
NO_ALT = "return document.querySelectorAll('img:not([alt]), img[alt=\"\"]').length"


def test_the_report_has_no_accessibility_violation_in_english_and_korean(browser, tmp_path):  # noqa: F811
    if not AXE.is_file():
        pytest.fail("axe-core is not installed: run `npm ci` (package.json pins it; .ci/run and make site-test do)")
    notebooks = similar.fixture_class()
    found = compare(cells.load(TEMPLATE), notebooks)
    causes = ["loop.no-step", "loop.sum", "", ""]
    rows = [{"submission": n, "status": "graded" if i % 9 else "failed", "01-loop": "pass" if i % 3 else "fail",
             "01-loop cause": "" if i % 3 else causes[i % 4], "01-gradients": "pass" if i % 2 else "fail",
             "01-module": "pass", "seconds": str(2 + i % 5), "flags": "cell cell-10 line 2: reads check" if i == 4
             else "", "error": "" if i % 9 else "timed out after 300 s"} for i, n in enumerate(notebooks)]
    violations = []
    for language in ("en", "ko"):
        page = tmp_path / f"report-{language}.html"
        write_report(page, "01_linear_regression.ipynb", linear.EXERCISES, rows, found, language)
        for label, size in (("desktop", (1280, 1600)), ("phone", PHONE)):
            _size(browser, *size)
            _open(browser, page.as_uri())
            assert browser.execute_script("return document.documentElement.lang") == language
            assert browser.execute_script(NO_ALT) == 0
            violations += _axe(browser, page.name, label)
    assert not violations, "\n".join(violations)
