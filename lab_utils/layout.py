"""Where each edition of the course lives: the one table of the repository's layout (language x kind -> folder),
read by every module that needs a path. Only the source language's solutions are written by hand; every other
folder is generated from them (`lab editions`) and says so at its top."""

from __future__ import annotations

from .i18n import LANGUAGES

SOURCE = "en"  # the language the solution notebooks are written in
KINDS = {"solution": "notebooks", "exercise": "exercises"}  # kind -> its folder within a language's root
TRANSLATIONS = "i18n"  # the notebooks' catalogs: i18n/<language>/<notebook>.po
COMMON = "common"  # i18n/<language>/common.po: the texts the generator adds to every edition


def root(language: str) -> str:
    """The folder of a language's editions, as a prefix ('' for the source language, 'ko/' for Korean)."""
    return "" if language == SOURCE else f"{language}/"


def folder(language: str, kind: str) -> str:
    """The folder of one edition kind in one language, relative to the course folder (e.g. 'ko/exercises')."""
    return root(language) + KINDS[kind]


def catalog(language: str, name: str) -> str:
    """The catalog of a notebook (its stem) or of the generator's texts (COMMON) in one language, relative to the
    course folder (e.g. 'i18n/ko/01_linear_regression.po')."""
    return f"{TRANSLATIONS}/{language}/{name}.po"


def place_of(rel_folder: str) -> tuple[str, str] | None:
    """(language, kind) of a folder of editions (relative to the course folder, e.g. 'ko/exercises'), or None."""
    return next(((language, kind) for language in LANGUAGES for kind in KINDS if folder(language, kind) == rel_folder),
                None)


def generated(language: str, kind: str) -> bool:
    """Whether that folder is made by `lab editions` (an edit there is lost at the next build)."""
    return (language, kind) != (SOURCE, "solution")


def editions() -> list[tuple[str, str]]:
    """(language, kind) of every generated edition, in build order."""
    return [(language, kind) for language in LANGUAGES for kind in KINDS if generated(language, kind)]


def translated() -> list[str]:
    """The languages other than the source: each has catalogs to translate and a root folder of its own."""
    return [language for language in LANGUAGES if language != SOURCE]
