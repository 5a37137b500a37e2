"""Build the course site from the notebooks' stored outputs (Sphinx + myst-nb, execution off), fully offline.

The site source in site/ (conf.py, the landing pages, a template with the language switch) is staged together
with every edition's notebooks and a local copy of MathJax; the landing pages' notebook tables are filled in
from the notebooks that exist. A solution notebook without stored outputs stops the build: it is never run here.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from ... import layout
from ...errors import LabError
from ...i18n import LANGUAGES, OWN_NAMES
from ...nbfile import BADGE_TAG, INSTALL_TAG, REMOVE_TAG, dump_notebook, load_notebook, source_text, tags
from .colab import find_pyproject, repository

COLAB_BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
TWIN_LINK = re.compile(r" · \[(?:" + "|".join(map(re.escape, OWN_NAMES.values())) + r")\]\([^)]*\.ipynb\)")

SITE_DIR = "site"
SOLUTION_DIRS = [layout.folder(lang, "solution") for lang in LANGUAGES]
# What MathJax's tex-chtml component loads at run time, relative to es5/: fonts, TeX extensions, menu, a11y.
MATHJAX_PARTS = ["tex-chtml.js", "output/chtml", "input/tex", "ui", "a11y", "adaptors"]
LABELS = {
    "en": {"notebook": "notebook", "solution": "solution", "exercise": "practice", "colab": "Colab",
           "download": "download", "ipynb": ".ipynb", "practice_ipynb": "practice .ipynb"},
    "ko": {"notebook": "노트북", "solution": "해답판", "exercise": "실습판", "colab": "Colab",
           "download": "내려받기", "ipynb": "해답 .ipynb", "practice_ipynb": "실습 .ipynb"},
}


def check_outputs(root: Path) -> list[Path]:
    """The solution notebooks; LabError if one has a code cell that never ran (no stored outputs)."""
    found = []
    for folder in SOLUTION_DIRS:
        for path in sorted((root / folder).glob("*.ipynb")):
            nb = load_notebook(path)
            for index, cell in enumerate(nb["cells"]):
                if cell["cell_type"] == "code" and source_text(cell).strip() and cell.get("execution_count") is None:
                    raise LabError(f"{path.relative_to(root)} has no stored outputs (code cell {index} never ran): "
                                   f"run `make outputs` first; the site shows stored outputs and never executes")
            found.append(path)
    if not found:
        raise LabError(f"no solution notebooks in {root / SOLUTION_DIRS[0]}")
    return found


def _title(nb: dict) -> str:
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown" and BADGE_TAG not in tags(cell):
            for line in source_text(cell).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return "notebook"


def notebooks_table(root: Path, lang: str) -> str:
    """The landing page's table: each notebook with its solution and practice pages, Colab links, downloads."""
    words = LABELS[lang]
    repo, branch = repository(find_pyproject(root))
    colab = f"https://colab.research.google.com/github/{repo}/blob/{branch}/"
    rows = [f"| {words['notebook']} | {words['solution']} | {words['exercise']} | {words['colab']} | "
            f"{words['download']} |", "|---|---|---|---|---|"]
    solutions, exercises = layout.KINDS["solution"], layout.KINDS["exercise"]  # also the site's folders
    for path in sorted((root / layout.folder(lang, "solution")).glob("*.ipynb")):
        stem, name = path.stem, path.name
        title = _title(load_notebook(path)).replace("|", "\\|")
        rows.append(
            f"| {title} | {{doc}}`{words['solution']} <{solutions}/{stem}>` | "
            f"{{doc}}`{words['exercise']} <{exercises}/{stem}>` | "
            f"[{words['solution']}]({colab}{layout.folder(lang, 'solution')}/{name}) · "
            f"[{words['exercise']}]({colab}{layout.folder(lang, 'exercise')}/{name}) | "
            f"{{download}}`{words['ipynb']} <{solutions}/{name}>` · "
            f"{{download}}`{words['practice_ipynb']} <{exercises}/{name}>` |")
    return "\n".join(rows)


def for_the_web(nb: dict, folder: str) -> dict:
    """A notebook as the site shows it: the Colab badge image from the site itself, the Colab install cell hidden
    (the page is for reading; the badge opens the notebook in Colab), each figure's alt text from its output."""
    up = "../" * (folder.count("/") + 1)
    for cell in nb["cells"]:
        cell_tags = tags(cell)
        if BADGE_TAG in cell_tags:
            # The twin-language link points at a notebook file; on the site the header's switch links the twin page.
            badge = TWIN_LINK.sub("", source_text(cell))
            cell["source"] = badge.replace(COLAB_BADGE_IMAGE, f"{up}_static/colab-badge.svg")
        if INSTALL_TAG in cell_tags:
            cell["metadata"]["tags"] = [*cell_tags, REMOVE_TAG]
        # myst-nb takes an image's alt text from the cell's metadata only: the plot helpers leave it in the output's.
        alts = list(dict.fromkeys(out.get("metadata", {}).get("image/png", {}).get("alt") for out in
                                  cell.get("outputs", []) if "image/png" in out.get("data", {})))
        if alts and all(alts):
            image = cell["metadata"].setdefault("mystnb", {}).setdefault("image", {})
            image.setdefault("alt", " / ".join(alts))
    return nb


def _mathjax_source() -> Path:
    try:
        import mathjax  # the django-static-mathjax package: MathJax 3's files, no Django needed
    except ImportError:
        raise LabError("MathJax is not installed; install the site extra: pip install -e '.[site]'") from None
    return Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"


LANGUAGE_ROOTS = {lang: layout.root(lang) for lang in LANGUAGES}  # each language's notebooks: repository and site


def stage(root: Path, src: Path, lang: str = "en") -> None:
    """Lay out one language's Sphinx source tree in `src`: site/ (its landing page at the root), that language's
    notebooks of every edition, MathJax."""
    if src.exists():
        shutil.rmtree(src)
    others = layout.translated() if lang == layout.SOURCE else []  # the source site leaves the translations out
    shutil.copytree(root / SITE_DIR, src, ignore=shutil.ignore_patterns(*others) if others else None)
    if lang != layout.SOURCE:
        shutil.move(src / lang / "index.md", src / "index.md")
        shutil.rmtree(src / lang)
    for kind, folder in layout.KINDS.items():
        for path in sorted((root / layout.folder(lang, kind)).glob("*.ipynb")):
            target = src / folder / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(dump_notebook(for_the_web(load_notebook(path), folder)), encoding="utf-8")
    es5 = _mathjax_source()
    for part in MATHJAX_PARTS:
        target = src / "_static" / "mathjax" / part
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if (es5 / part).is_dir() else shutil.copy)(es5 / part, target)
    page = src / "index.md"
    page.write_text(page.read_text(encoding="utf-8").replace("{{ notebooks_table }}", notebooks_table(root, lang)),
                    encoding="utf-8")


def site_pages(html: Path) -> list[str]:
    """The course's pages of a built site (not Sphinx's index and search pages, not the theme's static files)."""
    return sorted(p.relative_to(html).as_posix() for p in html.rglob("*.html")
                  if p.name not in ("genindex.html", "search.html") and "_static" not in p.parts)


def build(root: Path, out: Path) -> tuple[int, float]:
    """Build the site into out/html; return (pages, seconds). Raises LabError with Sphinx's complaint on failure."""
    start = time.perf_counter()
    check_outputs(root)
    html = out / "html"
    if html.exists():
        shutil.rmtree(html)
    # One Sphinx build per language: each page then declares its language (<html lang="ko">), the theme's own
    # labels and the search index are that language's, and the language switch links the twin build.
    for lang, prefix in LANGUAGE_ROOTS.items():
        src = out / "src" / lang
        stage(root, src, lang)
        cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", "--keep-going", "-j", "1", "-D",
               f"language={lang}", str(src), str(html / prefix), "-d", str(out / "doctrees" / lang)]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            lines = [ln for ln in (done.stderr or done.stdout).splitlines() if ln.strip()]
            raise LabError(f"Sphinx failed ({lang}): {' | '.join(lines[-3:])[:600]}")
    pages = len(site_pages(html))
    return pages, time.perf_counter() - start
