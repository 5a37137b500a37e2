"""Open-in-Colab support: the badge and the Colab-only install cell, written from one configured address."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from ..errors import LabError
from ..nbfile import BADGE_TAG, INSTALL_TAG, atomic_write, dump_notebook, load_notebook, source_text, tagged

SOURCE_ENV = "LAB_UTILS_SOURCE"  # a pip source (path, wheel, URL) that replaces the repository, e.g. for offline tests

INSTALL_TEMPLATE = '''\
# Colab only: install lab_utils from the course repository; Colab's own torch, numpy and matplotlib are kept.
import importlib.util
import os
import subprocess
import sys

try:
    import google.colab  # noqa: F401  (importable only on Colab)
    _on_colab = True
except ImportError:
    _on_colab = False
if _on_colab and importlib.util.find_spec("lab_utils") is None:
    _source = os.environ.get("{env}", "git+https://github.com/{repo}@{branch}")
    # Colab runs as root: without this, pip prints a red warning about it into the cell.
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", _source], check=True,
                   env={{**os.environ, "PIP_ROOT_USER_ACTION": "ignore"}})'''

BADGE_TEMPLATE = (
    "[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
    "(https://colab.research.google.com/github/{repo}/blob/{branch}/{path})"
)


# Each edition's folder -> its twin in the other language, and the link's label (in the twin's language).
TWINS = {"notebooks": ("ko/notebooks", "한국어"), "exercises": ("ko/exercises", "한국어"),
         "ko/notebooks": ("notebooks", "English"), "ko/exercises": ("exercises", "English")}


def twin_link(rel: str) -> str:
    """' · [한국어](…)' linking a notebook (path relative to the checkout) to its other-language twin, or ''."""
    folder, _, name = rel.rpartition("/")
    if folder not in TWINS:
        return ""
    other, label = TWINS[folder]
    return f" · [{label}]({'../' * (folder.count('/') + 1)}{other}/{name})"


def find_pyproject(start: Path) -> Path:
    """The pyproject.toml of the checkout that holds `start`."""
    for folder in [start.resolve(), *start.resolve().parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    raise LabError(f"no pyproject.toml above {start}; run this inside the course repository")


def repository(pyproject: Path) -> tuple[str, str]:
    """(owner/name, branch) from [project.urls] Repository and [tool.lab-utils] colab-branch."""
    try:
        import tomllib
    except ImportError:  # Python 3.10: the same parser, from PyPI (the test extra installs it)
        import tomli as tomllib
    try:
        config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise LabError(f"{pyproject} is not valid TOML ({e}); fix it") from None
    url = re.fullmatch(r"https://github\.com/([^/\s]+/[^/\s]+?)/?",
                       str(config.get("project", {}).get("urls", {}).get("Repository", "")))
    if not url:
        raise LabError(f"{pyproject}: set [project.urls] Repository = \"https://github.com/OWNER/NAME\"")
    branch = config.get("tool", {}).get("lab-utils", {}).get("colab-branch", "main")
    return url.group(1), str(branch)


def expected_cells(notebook: Path) -> tuple[str, str]:
    """The badge markdown and the install-cell source this notebook should carry (a Korean edition's with its
    comments in Korean, from i18n/ko/common.po; the code is the same)."""
    pyproject = find_pyproject(notebook.parent)
    repo, branch = repository(pyproject)
    rel = notebook.resolve().relative_to(pyproject.parent).as_posix()
    install = INSTALL_TEMPLATE.format(env=SOURCE_ENV, repo=repo, branch=branch)
    language = rel.split("/")[0] if rel.startswith("ko/") else "en"
    for comment, translation in _comment_translations(pyproject.parent, language).items():
        install = install.replace(comment, translation)
    return BADGE_TEMPLATE.format(repo=repo, branch=branch, path=rel) + twin_link(rel), install


def _comment_translations(root: Path, language: str) -> dict[str, str]:
    """{English comment: its translation} of the generator's common catalog (i18n/<language>/common.po)."""
    path = root / "i18n" / language / "common.po"
    if language == "en" or not path.is_file():
        return {}
    import polib

    return {e.msgid: e.msgstr for e in polib.pofile(str(path))
            if e.msgctxt == "python-comment" and e.msgstr and not e.fuzzy and not e.obsolete}


def sync(notebooks: Iterable[str | Path], check: bool = False) -> list[Path]:
    """Rewrite each notebook's badge and install cell from pyproject.toml; return those that differed."""
    changed = []
    for path in map(Path, notebooks):
        nb = load_notebook(path)
        badge, install = expected_cells(path)
        badge_cell, install_cell = tagged(nb, BADGE_TAG), tagged(nb, INSTALL_TAG)
        if badge_cell and install_cell and source_text(badge_cell) == badge and source_text(install_cell) == install:
            continue
        changed.append(path)
        if check:
            continue
        if badge_cell is None:
            badge_cell = {"id": BADGE_TAG, "cell_type": "markdown", "metadata": {"tags": [BADGE_TAG]}, "source": ""}
            nb["cells"].insert(0, badge_cell)
        if install_cell is None:
            install_cell = {"id": INSTALL_TAG, "cell_type": "code", "execution_count": None,
                            "metadata": {"tags": [INSTALL_TAG]}, "outputs": [], "source": ""}
            nb["cells"].insert(nb["cells"].index(badge_cell) + 1, install_cell)
        badge_cell["source"], install_cell["source"] = badge, install
        atomic_write(path, dump_notebook(nb))
    return changed
