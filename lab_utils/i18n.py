"""The package's one language switch: every message, figure text and widget label lab_utils shows goes through tr().

Translations are gettext PO catalogs (lab_utils/locale/<lang>/LC_MESSAGES/lab_utils.po, read with polib): the
msgid is the English template, the msgstr its translation with the same `{fields}`. An untranslated or fuzzy entry
falls back to English, as gettext does. The Korean editions set the language with one line, `lab.language("ko")`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Language:
    """A language of the course: its code, its name in English (a catalog's Language-Team) and in itself (the
    link from a notebook to its twin in that language)."""

    code: str
    name: str
    own_name: str


# The one declaration of the course's languages, the source language first.
DECLARED = (Language("en", "English", "English"), Language("ko", "Korean", "한국어"))
LANGUAGES = tuple(lang.code for lang in DECLARED)
LANGUAGE_NAMES = {lang.code: lang.name for lang in DECLARED}
OWN_NAMES = {lang.code: lang.own_name for lang in DECLARED}
DOMAIN = "lab_utils"
LOCALE_DIR = Path(__file__).parent / "locale"
_settings = {"language": "en"}


def N_(text: str) -> str:
    """Mark a message for translation where it is defined; tr() translates it where it is shown."""
    return text


def language(code: str | None = None) -> str:
    """Switch every message, figure and widget of lab_utils to this language ('en' or 'ko'); return the current one."""
    if code is not None:
        if code not in LANGUAGES:
            raise ValueError(f"unknown language {code!r}; choose one of: {', '.join(LANGUAGES)}")
        _settings["language"] = code
    return _settings["language"]


def catalog_path(code: str, locale_dir: Path = LOCALE_DIR) -> Path:
    """Where the runtime catalog of a language lives (in this package, or in the package folder `locale_dir`)."""
    return locale_dir / code / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def messages(code: str) -> dict[str, str]:
    """{English template: translation} of a language's catalog, without untranslated, fuzzy or obsolete entries."""
    path = catalog_path(code)
    if code == "en" or not path.is_file():
        return {}
    import polib

    return {e.msgid: e.msgstr for e in polib.pofile(str(path)) if e.msgstr and not e.fuzzy and not e.obsolete}


def tr(template: str, **fields: object) -> str:
    """A message in the chosen language: the English template (or its translation) filled with the fields (in
    Korean, each particle in two-form notation, `{value}이(가)`, then fits what it follows: lab_utils.korean; in
    English, a noun counted by exactly 1 is singular)."""
    text = messages(_settings["language"]).get(template, template).format(**fields)
    if _settings["language"] == "ko":
        from .korean import particles

        return particles(text)
    return _ONE.sub(r"1 \1", text)  # "after {n} epochs" with n = 1: "after 1 epoch"


# English plurals after a count of exactly 1 (not 0.1, not 21): the nouns the messages count.
_ONE = re.compile(r"(?<![\d.,-])1 (epoch|update|step|seed|network|model|run|submission|student|exercise|line)s\b")
