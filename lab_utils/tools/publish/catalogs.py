"""Translation catalogs as gettext PO files (read and written with polib), kept in step with the English.

Two kinds of catalog, one file per language and source:
- i18n/<lang>/<notebook>.po: a notebook's markdown cells (msgctxt = the cell's id, msgid = its English text) and
  the human-readable string literals of its code cells (msgctxt = CODE_CONTEXT, msgid = the literal as written in
  Python, msgstr = the translated literal; one entry per distinct literal, so a key used twice stays one key);
  i18n/<lang>/common.po: the text the generator adds (the exercise editions' introduction and last cell, the
  install cell's comments, the note that ends a generated notebook's first cell).
- lab_utils/locale/<lang>/LC_MESSAGES/lab_utils.po: every template lab_utils passes to tr() or marks with N_().

update() follows msgmerge's rules: an entry whose English changed keeps its translation, marked fuzzy with the
previous English beside it (`#| msgid`); a new text gets an empty entry; a text that is gone becomes obsolete
(`#~`). A translator edits the msgstr and removes the fuzzy flag (Poedit, Weblate or any editor do both);
problems() lists what still needs that, one line each, and the editions stop until the list is empty.

Why not xgettext and msgmerge themselves: xgettext reads source files, not a notebook's JSON cells, and cannot key
an entry by its cell's id; msgmerge would make `make editions` need GNU gettext's binaries, which the course's two
commands must not (they install from PyPI only). The files are gettext's own, so msgfmt --check, Poedit and
Weblate read and write them as they are (CI runs msgfmt --check on every catalog).

Over 300 lines because the extraction and merge rules (msgmerge's, applied to notebook cells, code strings and
comments) are one piece: a change to one side needs the other.
"""

from __future__ import annotations

import ast
import difflib
import io
import re
import string
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ... import layout
from ...errors import LabError
from ...i18n import LANGUAGE_NAMES, LANGUAGES, LOCALE_DIR, catalog_path
from ...nbfile import BADGE_TAG, INSTALL_TAG, atomic_write, load_notebook, source_text, tags

CODE_CONTEXT = "python-string"
COMMENT_CONTEXT = "python-comment"  # a comment in a code cell (the msgid is the comment as written, with its #)
NOTE_CONTEXT = "generated-note"  # common.po: the note that ends a generated notebook's first cell
CODE_CONTEXTS = (CODE_CONTEXT, COMMENT_CONTEXT)
# comments that stay as written: the exercise markers (nbgrader's, which students and tools look for) and pragmas
_KEPT_COMMENT = re.compile(r"^#(#|\s*YOUR CODE HERE\b|\s*noqa\b|\s*type:)")
ALT_SUFFIX = ":alt"  # msgctxt of a code cell's figure alt text (its metadata mystnb.image.alt): "<cell id>:alt"
KEEP = "keep"  # a translator comment starting with this: the English literal stays (e.g. the lecture's own log line)
SOURCE_DIR = layout.folder(layout.SOURCE, "solution")
_WORDS = re.compile(r"[A-Za-z]{2,}")
_NAME_LIKE = re.compile(r"^[\w.\-]*$")
_MAGIC = re.compile(r"^[ \t]*[%!].*$", re.M)
# A new catalog's header (msgfmt --check wants every field; the date is not kept current, so that merging an
# unchanged catalog writes the same bytes).
HEADER = {"Project-Id-Version": "lab-utils", "PO-Revision-Date": "2026-12-02 00:00+0000",
          "Last-Translator": "course team", "MIME-Version": "1.0",
          "Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "8bit",
          "Plural-Forms": "nplurals=1; plural=0;"}


@dataclass(frozen=True)
class Text:
    """One English text a catalog must translate: its context (or None), the text, where it is used, its flags."""

    context: str | None
    msgid: str
    where: str
    flags: tuple[str, ...] = ()


def brace_fields(text: str) -> list[tuple[str, str]] | None:
    """The `{field:spec}` placeholders of a str.format template, in order; None when it is not one."""
    try:
        return [(f[1], f[2] or "") for f in string.Formatter().parse(text) if f[1] is not None]
    except ValueError:
        return None


def _brace_flags(text: str) -> tuple[str, ...]:
    return ("python-brace-format",) if brace_fields(text) else ()


def made_text(context: str, text: str, where: str) -> Text:
    """One text the generator adds (common.po), flagged as a format template where it is one."""
    return Text(context, text, where, _brace_flags(text))


# --- the package's runtime messages --------------------------------------------------------------------------

def runtime_texts(root: Path) -> list[Text]:
    """Every template lab_utils passes to tr() or marks with N_() (the notebooks' messages, the students' feedback
    and the instructor's report; the command line speaks English)."""
    found: dict[str, Text] = {}
    for path in sorted((root / "lab_utils").rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("tr", "N_") and node.args \
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                text = node.args[0].value
                # The file only, not msgmerge's line number: a catalog does not change when code moves.
                found.setdefault(text, Text(None, text, rel, _brace_flags(text)))
    return list(found.values())


# --- the notebooks' text -------------------------------------------------------------------------------------

def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def _literal_text(node: ast.AST) -> str:
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else ""
    return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))


def string_literals(code: str) -> list[tuple[int, int, str]]:
    """(start, end, source) of each human-readable string literal in a cell's code, by character offset: the
    str and f-string literals with words in them, not docstrings, names like "sgd" (unless printed), or literals
    inside others."""
    # IPython's magics (`%matplotlib inline`) are no Python: blanked, keeping every offset.
    python = _MAGIC.sub(lambda m: " " * len(m.group(0)), code)
    try:
        tree = ast.parse(python)
    except SyntaxError:
        return []
    lines = code.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(lineno: int, col: int) -> int:  # ast columns count UTF-8 bytes
        line = lines[lineno - 1]
        return starts[lineno - 1] + len(line.encode("utf-8")[:col].decode("utf-8", "replace"))

    skip, found = _docstrings(tree), []
    inner = {id(n) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for n in ast.walk(node)
             if n is not node}
    printed = {id(a) for node in ast.walk(tree) if isinstance(node, ast.Call)
               and getattr(node.func, "id", None) == "print" for a in node.args}  # print("to"): a word, not a name
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Constant, ast.JoinedStr)) or id(node) in skip or id(node) in inner:
            continue
        text = _literal_text(node)
        if not _WORDS.search(text) or (_NAME_LIKE.match(text) and id(node) not in printed):
            continue
        start, end = offset(node.lineno, node.col_offset), offset(node.end_lineno, node.end_col_offset)
        found.append((start, end, code[start:end]))
    return sorted(found)


def notebook_texts(nb: dict[str, Any], where: str) -> list[Text]:
    """What a notebook's catalog must translate: each markdown cell but the badge, each distinct code string."""
    texts, seen = [], set()
    for cell in nb["cells"]:
        cell_tags = tags(cell)
        if cell["cell_type"] == "markdown" and BADGE_TAG not in cell_tags:
            texts.append(Text(cell["id"], source_text(cell), f"{where} cell {cell['id']}"))
        elif cell["cell_type"] == "code" and INSTALL_TAG not in cell_tags:
            alt = cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt")
            if alt:  # a figure drawn by the notebook's own code says what it shows in the cell's metadata
                texts.append(Text(f"{cell['id']}{ALT_SUFFIX}", alt, f"{where} cell {cell['id']} (alt text)"))
            for _, _, literal in string_literals(source_text(cell)):
                if literal not in seen:
                    seen.add(literal)
                    texts.append(Text(CODE_CONTEXT, literal, f"{where} cell {cell['id']}"))
            for _, _, comment in code_comments(source_text(cell)):
                if comment not in seen:
                    seen.add(comment)
                    texts.append(Text(COMMENT_CONTEXT, comment, f"{where} cell {cell['id']}"))
    return texts


def placeholders(literal: str) -> list[str] | None:
    """What a code string's translation must keep: an f-string's expressions, a template's {fields}; None when
    the text is not one Python string literal."""
    try:
        tree = ast.parse(f"(\n{literal}\n)", mode="eval")  # parenthesised: a literal split over lines is one
    except SyntaxError:
        return None
    node = tree.body
    if isinstance(node, ast.JoinedStr):
        return sorted(ast.unparse(v) for v in ast.walk(node) if isinstance(v, ast.FormattedValue))
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        fields = brace_fields(node.value)
        return sorted(f"{name}:{spec}" for name, spec in fields) if fields else []
    return None


def code_comments(code: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of each comment with words in a cell's code, by character offset (not the exercise
    markers or pragmas)."""
    python = _MAGIC.sub(lambda m: " " * len(m.group(0)), code)
    starts = [0]
    for line in python.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(python).readline))
    except (tokenize.TokenError, SyntaxError):
        return []
    return [(starts[t.start[0] - 1] + t.start[1], starts[t.end[0] - 1] + t.end[1], t.string) for t in tokens
            if t.type == tokenize.COMMENT and _WORDS.search(t.string) and not _KEPT_COMMENT.match(t.string)]


def translate_code(code: str, table: dict[str, str]) -> str:
    """A cell's code with each of its string literals and comments replaced by its translation in `table` (if
    any); the code itself stays as it is."""
    out, last = [], 0
    for start, end, literal in sorted([*string_literals(code), *code_comments(code)]):
        if literal in table:
            out += [code[last:start], table[literal]]
            last = end
    return "".join([*out, code[last:]])


# --- catalogs ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Catalog:
    """One PO file and the English texts it must translate."""

    path: Path
    texts: tuple[Text, ...]


def catalogs(root: Path, lang: str, common: tuple[Text, ...]) -> list[Catalog]:
    """Every catalog of a language: each notebook's, the generator's common texts, the package's messages."""
    out = []
    for src in sorted((root / SOURCE_DIR).glob("*.ipynb")):
        rel = src.relative_to(root).as_posix()
        out.append(Catalog(root / layout.catalog(lang, src.stem), tuple(notebook_texts(load_notebook(src), rel))))
    out.append(Catalog(root / layout.catalog(lang, layout.COMMON), common))
    if (root / "lab_utils").is_dir():
        out.append(Catalog(catalog_path(lang, root / "lab_utils" / LOCALE_DIR.name), tuple(runtime_texts(root))))
    return out


def _new_file(lang: str):
    import polib

    po = polib.POFile(wrapwidth=0)
    po.metadata = {**HEADER, "Language-Team": LANGUAGE_NAMES.get(lang, lang), "Language": lang}
    return po


def read(path: Path, lang: str = ""):
    """The PO file at path (an empty catalog when there is none); a malformed file raises LabError."""
    import polib

    if not path.is_file():
        return _new_file(lang)
    try:
        po = polib.pofile(str(path), wrapwidth=0)
    except (OSError, ValueError) as e:
        raise LabError(f"{path}: not a readable PO file ({e}); fix it with a PO editor or msgfmt --check") from None
    return po


def merge(po, texts: tuple[Text, ...]) -> None:
    """Bring a catalog in step with its English texts by msgmerge's rules (fuzzy, new, obsolete)."""
    import polib

    po.metadata = {**HEADER, **po.metadata}
    live = [e for e in po if not e.obsolete]
    by_key = {(e.msgctxt, e.msgid): e for e in live}
    by_context = {e.msgctxt: e for e in live if e.msgctxt not in (None, *CODE_CONTEXTS)}
    current = {(t.context, t.msgid) for t in texts}
    used, entries = set(), []
    for text in texts:
        entry = by_key.get((text.context, text.msgid))
        if entry is None and text.context in by_context:
            entry = by_context[text.context]  # the same cell, its English changed
        if entry is None:  # the closest unused old text of the same kind, as msgmerge's fuzzy matching does
            pool = {e.msgid: e for e in live if e.msgctxt == text.context and id(e) not in used
                    and (e.msgctxt, e.msgid) not in current}
            close = difflib.get_close_matches(text.msgid, list(pool), n=1, cutoff=0.8)
            entry = pool[close[0]] if close else None
        if entry is None:
            entry = polib.POEntry(msgctxt=text.context, msgid=text.msgid, msgstr="")
        elif entry.msgid != text.msgid:
            entry.previous_msgid, entry.msgid = entry.msgid, text.msgid
            if "fuzzy" not in entry.flags:
                entry.flags.append("fuzzy")
        used.add(id(entry))
        entry.occurrences = [(text.where, "")] if text.where else []
        entry.flags = [*(f for f in entry.flags if f == "fuzzy"), *text.flags]
        entries.append(entry)
    for entry in po:
        if id(entry) not in used and entry.msgstr:
            entry.obsolete = True
            entries.append(entry)  # kept at the end, as msgmerge keeps them (#~), so no translation is lost
    po[:] = entries


def problems(po, rel: str) -> list[str]:
    """What a translator still has to do in a catalog, one line each (empty when it is complete)."""
    out = []
    for e in po:
        if e.obsolete:
            continue
        name = f"cell {e.msgctxt}" if e.msgctxt not in (None, *CODE_CONTEXTS) else f"msgid {e.msgid[:60]!r}"
        if "fuzzy" in e.flags:
            out.append(f"{rel}: {name} is fuzzy (its English changed): update the msgstr, then remove the fuzzy flag")
        elif not e.msgstr:
            out.append(f"{rel}: {name} has no translation: fill in its msgstr")
        else:
            out += [f"{rel}: {name}: {why}" for why in mismatch(e)]
    return out


def mismatch(entry) -> list[str]:
    """Why a translated entry cannot be used: placeholders that differ, a code string that is not Python."""
    if entry.msgctxt == CODE_CONTEXT:
        want, have = placeholders(entry.msgid), placeholders(entry.msgstr)
        if have is None:
            return ["the msgstr is not one Python string literal"]
        if want != have:
            return [f"the msgstr's expressions {have} differ from the English {want}"]
        return []
    if entry.msgctxt == COMMENT_CONTEXT:
        lines = entry.msgstr.splitlines()
        return [] if len(lines) == 1 and lines[0].startswith("#") else ["the msgstr is not one line starting with #"]
    if "python-brace-format" in entry.flags and brace_fields(entry.msgid) is not None:
        want = sorted(name for name, _ in brace_fields(entry.msgid))
        have = sorted(name for name, _ in brace_fields(entry.msgstr) or [("<not a template>", "")])
        if want != have:
            return [f"the msgstr's fields {have} differ from the English {want}"]
    return []


def update(root: Path, common: tuple[Text, ...], write: bool = True, changed: list[Path] | None = None,
           ) -> list[str]:
    """Merge every catalog with the current English (writing the changed ones unless write is False; their paths
    are appended to `changed`) and return the problems that remain, one line each."""
    out = []
    for lang in LANGUAGES[1:]:
        for cat in catalogs(root, lang, common):
            po = read(cat.path, lang)
            before = po.__unicode__() if cat.path.is_file() else None
            merge(po, cat.texts)
            text = po.__unicode__()
            if text != before:
                if changed is not None:
                    changed.append(cat.path)
                if write:
                    atomic_write(cat.path, text)
            out += problems(po, cat.path.relative_to(root).as_posix())
    return out


def table(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """A notebook catalog's usable entries: ({msgctxt: msgstr} of its cells, {msgid: msgstr} of its code strings)."""
    usable = [e for e in read(path) if e.msgstr and not e.obsolete and "fuzzy" not in e.flags and not mismatch(e)]
    return ({e.msgctxt: e.msgstr for e in usable if e.msgctxt not in (None, *CODE_CONTEXTS)},
            {e.msgid: e.msgstr for e in usable if e.msgctxt in CODE_CONTEXTS})
