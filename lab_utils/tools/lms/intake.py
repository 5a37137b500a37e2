"""A class's submissions as the LMS gives them: Moodle's "Download all submissions" zip (flat, or one folder per
student), Canvas's submissions zip, Gradescope's export, a plain folder or files; each turned into one
`Submission` per student with the identity the LMS wrote into the names (shared/reference/lms-formats.md).

Archives are untrusted input: an entry that would land outside the work folder (an absolute path, `..`, a link),
an encrypted or corrupt zip, more than MAX_ENTRIES entries or MAX_BYTES in all (declared or actual) stop with one
line, and nothing half-extracted is left (each archive is extracted into a folder of its own that is renamed into
place only when complete).
"""

from __future__ import annotations

import re
import shutil
import stat
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ...errors import LabError

MAX_ENTRIES = 5_000  # a class of 300 with a few files each is far below
MAX_BYTES = 2 * 1024 ** 3  # all files of one archive, extracted
MAX_RATIO = 200  # uncompressed / compressed size of one entry above this (and over 1 MB) is a zip bomb

# Moodle: `Full Name_<participant id>_assignsubmission_file[_]/path` (folders) or `..._assignsubmission_file_name`.
MOODLE = re.compile(r"^(?P<name>[^/]*?)_(?P<id>\d+)_assignsubmission_(?P<plugin>file|onlinetext)_?(?:/|_)(?P<file>.+)$")
# Canvas: `sortablename[_LATE]_<user id>_<file id>_<file name>` (text entries: `..._<user id>_text.html`).
CANVAS = re.compile(r"^(?P<name>[^/]*?)_(?:(?P<late>late)_)?(?P<id>\d+)_(?:(?P<fid>\d+)_(?P<file>[^/]+)|"
                    r"(?P<kind>text|link)\.html)$", re.IGNORECASE)
GRADESCOPE = re.compile(r"^(?:[^/]+/)?submission_(?P<id>\d+)/(?P<file>.+)$")


@dataclass(frozen=True)
class Submission:
    """One student's submission: the notebook to grade (None if there is none, `problem` says why), who it is
    (`name`, `lms_id` as the LMS wrote them), whether the LMS marked it late, and every file the student sent."""

    name: str
    lms_id: str
    notebook: Path | None
    files: tuple[str, ...] = ()
    late: bool = False
    source: str = "file"  # moodle | canvas | gradescope | file
    problem: str = ""


@dataclass
class _Student:
    name: str
    lms_id: str
    late: bool = False
    files: dict[str, Path] = field(default_factory=dict)


def nfc(text: str) -> str:
    """One spelling of a name: NFC (a zip made on macOS writes Hangul decomposed, NFD)."""
    return unicodedata.normalize("NFC", text)


def read_sources(sources: list[Path], work: Path, choose=None) -> list[Submission]:
    """Every submission in `sources` (files, folders, LMS zips), archives extracted under `work`; `choose(paths)`
    picks a student's notebook among several (default: the first .ipynb by name)."""
    out: list[Submission] = []
    for source in sources:
        if source.is_file() and source.suffix.lower() == ".zip" and not zipfile.is_zipfile(source):
            raise LabError(f"{source.name} is not a readable zip; download it again from the LMS")
        if source.is_file() and zipfile.is_zipfile(source):
            folder = extract(source, work)
            out += _from_tree(folder, choose)
        elif source.is_dir():
            out += _from_tree(source, choose)
        else:
            out.append(Submission(nfc(source.stem), "", source if source.suffix == ".ipynb" else None,
                                  (source.name,), problem="" if source.suffix == ".ipynb" else _why(source.name)))
    return out


def _why(name: str) -> str:
    if name.lower().endswith(".zip"):
        return f"{name} is a zip inside the submission: upload the .ipynb itself"
    return f"no notebook: {name} is not a .ipynb (download the notebook with File > Download > .ipynb)"


def extract(archive: Path, work: Path) -> Path:
    """The archive's files under `work`/<archive's name>/, checked entry by entry; LabError with one line otherwise."""
    try:
        with zipfile.ZipFile(archive) as zf:
            entries = _checked(zf, archive.name)
            target = work / nfc(archive.stem)
            if target.exists():
                return target  # extracted before (e.g. --resume): the same archive, the same files
            work.mkdir(parents=True, exist_ok=True)
            partial = Path(tempfile.mkdtemp(prefix=".extracting-", dir=work))
            try:
                _extract(zf, entries, partial, archive.name)
                partial.rename(target)
            except BaseException:
                shutil.rmtree(partial, ignore_errors=True)
                raise
            return target
    except zipfile.BadZipFile as e:
        raise LabError(f"{archive.name} is not a readable zip ({e}); download it again from the LMS") from None
    except (OSError, EOFError) as e:
        raise LabError(f"{archive.name} could not be read ({e}); download it again from the LMS") from None


def _checked(zf: zipfile.ZipFile, name: str) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise LabError(f"{name} has {len(infos):,} entries, more than the {MAX_ENTRIES:,} a class's submissions need: "
                       f"not extracted")
    if sum(i.file_size for i in infos) > MAX_BYTES:
        raise LabError(f"{name} would extract to more than {MAX_BYTES // 1024 ** 3} GB: not extracted")
    out = []
    for info in infos:
        path = PurePosixPath(nfc(info.filename.replace("\\", "/")))
        if info.flag_bits & 0x1:
            raise LabError(f"{name} is encrypted ({info.filename}): download it again without a password")
        if path.is_absolute() or ".." in path.parts or info.filename.startswith(("/", "\\")) or ":" in path.parts[0]:
            raise LabError(f"{name} has an entry outside its folder ({info.filename!r}): not extracted")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise LabError(f"{name} has a link ({info.filename!r}): not extracted")
        if info.file_size > 1024 ** 2 and info.file_size > MAX_RATIO * max(1, info.compress_size):
            raise LabError(f"{name} has an entry that expands {info.file_size // max(1, info.compress_size):,} times "
                           f"({info.filename!r}): a zip bomb, not extracted")
        if not info.is_dir() and path.name and not path.name.startswith((".", "~")) and "__MACOSX" not in path.parts:
            out.append((info, path))
    return out


def _extract(zf: zipfile.ZipFile, entries: list, folder: Path, name: str) -> None:
    """Write the entries under `folder`, counting the bytes actually written (a header can lie about sizes)."""
    written = 0
    for info, path in entries:
        dest = folder.joinpath(*path.parts)
        dest.parent.mkdir(parents=True, exist_ok=True)
        with zf.open(info) as src, open(dest, "xb") as out:
            while chunk := src.read(1 << 20):
                written += len(chunk)
                if written > MAX_BYTES:
                    raise LabError(f"{name} expands past {MAX_BYTES // 1024 ** 3} GB: a zip bomb, not extracted")
                out.write(chunk)


def _files(folder: Path) -> list[tuple[str, Path]]:
    """(path relative to folder, as NFC posix text; the file), for every plain file under folder, never following
    links."""
    out = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink() and not path.name.startswith((".", "~")):
            out.append((nfc(path.relative_to(folder).as_posix()), path))
    return out


def _from_tree(folder: Path, choose) -> list[Submission]:
    files = _files(folder)
    rel = [r.split("/", 1)[1] if "/" in r and _export_root(files) else r for r, _ in files]
    for source, pattern in (("moodle", MOODLE), ("canvas", CANVAS), ("gradescope", GRADESCOPE)):
        if files and sum(bool(pattern.match(r)) for r in rel) >= max(1, len(rel) // 2):
            return _students(source, pattern, list(zip(rel, (p for _, p in files))), folder, choose)
    return [Submission(nfc(Path(r).stem), "", p if p.suffix == ".ipynb" else None, (Path(r).name,),
                       problem="" if p.suffix == ".ipynb" else _why(Path(r).name)) for r, p in files]


def _export_root(files: list[tuple[str, Path]]) -> bool:
    """A Gradescope export: everything under one assignment_<id>_export/ folder."""
    tops = {r.split("/", 1)[0] for r, _ in files}
    return len(tops) == 1 and re.fullmatch(r"assignment_\d+_export", next(iter(tops))) is not None


def _students(source: str, pattern: re.Pattern, files: list[tuple[str, Path]], folder: Path, choose,
              ) -> list[Submission]:
    students: dict[str, _Student] = {}
    meta = _gradescope_names(folder) if source == "gradescope" else {}
    for rel, path in files:
        match = pattern.match(rel)
        if not match:
            continue
        key = match["id"]
        name = nfc(match["name"]) if "name" in pattern.groupindex else meta.get(key, ("", ""))[0]
        lms_id = key if source != "gradescope" else (meta.get(key, ("", ""))[1] or key)
        student = students.setdefault(key, _Student(name, lms_id))
        student.late |= bool(match.groupdict().get("late"))
        student.files[match["file"] if match.groupdict().get("file") else Path(rel).name] = path
    return [_submission(source, s, choose) for s in students.values()]


def _submission(source: str, student: _Student, choose) -> Submission:
    names = tuple(sorted(student.files))
    notebooks = [student.files[n] for n in names if n.lower().endswith(".ipynb")]
    if not notebooks:
        return Submission(student.name, student.lms_id, None, names, student.late, source,
                          _why(names[0]) if names else "nothing was submitted")
    chosen = (choose or (lambda paths: paths[0]))(notebooks)
    return Submission(student.name, student.lms_id, chosen, names, student.late, source)


def _gradescope_names(folder: Path) -> dict[str, tuple[str, str]]:
    """submission id -> (name, SID) of its first submitter, from the export's submission_metadata.yml (YAML with
    Ruby-symbol keys: `:submitters:`, `:name:`, `:sid:`)."""
    import yaml

    found: dict[str, tuple[str, str]] = {}
    for meta in folder.rglob("submission_metadata.yml"):
        try:
            data = yaml.safe_load(meta.read_text(encoding="utf-8", errors="replace"))
        except yaml.YAMLError as e:
            raise LabError(f"{meta.name} is not YAML ({str(e).splitlines()[0]}); export the submissions again") \
                from None
        for key, entry in (data or {}).items() if isinstance(data, dict) else []:
            submitters = entry.get(":submitters") if isinstance(entry, dict) else None
            first = submitters[0] if isinstance(submitters, list) and submitters else {}
            first = first if isinstance(first, dict) else {}
            found[str(key).removeprefix("submission_")] = (nfc(str(first.get(":name") or "")),
                                                           str(first.get(":sid") or ""))
    return found
