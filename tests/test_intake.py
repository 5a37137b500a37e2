"""A class's submissions in from the LMS: each LMS's archive (made by tests/lms.py from the documented formats) gives
one submission per student with the identity the LMS wrote; hostile archives stop with one line and leave nothing."""

import json
import unicodedata
import zipfile

import pytest

from lab_utils.errors import LabError
from lab_utils.tools.lms.intake import MAX_ENTRIES, read_sources

from .lms import Student, canvas_zip, gradescope_zip, moodle_zip

NOTEBOOK = json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()


def klass() -> list[Student]:
    """Ten students with the names and submissions that break naive parsers."""
    return [
        Student("Minjun", "Kim", 75615, 12, "kim@u.kr", {"lab.ipynb": NOTEBOOK}),
        Student("민준", "김", 75616, 7, "mj@u.kr", {"lab.ipynb": NOTEBOOK}, nfd=True),  # a Mac's zip: NFD Hangul
        Student("Ann", "Lee_Wu", 75617, 3, "ann@u.kr", {"lab.ipynb": NOTEBOOK}, late=True),
        Student("Robert \"Bobby\"", "O'Brien, Jr.", 75618, 44, "bob@u.kr", {"lab.ipynb": NOTEBOOK}),
        Student("Zoë 🙂", "Park", 75619, 5, "zoe@u.kr", {"lab.ipynb": NOTEBOOK, "notes.pdf": b"%PDF-1.4"}),
        Student("Only", "Pdf", 75620, 6, "pdf@u.kr", {"lab.pdf": b"%PDF-1.4"}),
        Student("Nested", "Zip", 75621, 8, "zip@u.kr", {"lab.zip": b"PK\x05\x06" + bytes(18)}),
        Student("Minjun", "Kim", 75622, 9, "kim2@u.kr", {"lab.ipynb": NOTEBOOK}),  # same name, another student
        Student("Absent", "Student", 75623, 10, "absent@u.kr", {}),
        Student("Two", "Notebooks", 75624, 11, "two@u.kr", {"lab.ipynb": NOTEBOOK, "lab-1.ipynb": NOTEBOOK}),
    ]


def by_id(subs):
    return {s.lms_id: s for s in subs}


@pytest.mark.parametrize("layout", ["folders", "folders-old", "flat"])
def test_moodle_zip_every_layout(tmp_path, layout):
    subs = by_id(read_sources([moodle_zip(tmp_path / "m.zip", klass(), layout)], tmp_path / "work"))
    assert set(subs) == {"12", "7", "3", "44", "5", "6", "8", "9", "11"}  # participant ids; the absent one is not
    assert subs["12"].name == "Minjun Kim" and subs["9"].name == "Minjun Kim"  # same name, two students
    assert subs["7"].name == unicodedata.normalize("NFC", "김민준")  # NFD in the zip, NFC here
    assert subs["3"].name == "Ann Lee Wu"  # Moodle turns _ into a space
    assert subs["44"].name == "Robert Bobby OBrien, Jr."  # clean_filename removes quotes
    assert subs["5"].files == ("lab.ipynb", "notes.pdf") and subs["5"].notebook.name.endswith("lab.ipynb")
    assert subs["5"].name == "Zoë 🙂 Park"  # emoji survive Moodle's clean_filename
    assert subs["6"].notebook is None and "lab.pdf is not a .ipynb" in subs["6"].problem
    assert subs["8"].notebook is None and "a zip inside the submission" in subs["8"].problem
    assert all(s.source == "moodle" and not s.late for s in subs.values())


def test_canvas_zip_names_ids_and_late(tmp_path):
    subs = by_id(read_sources([canvas_zip(tmp_path / "c.zip", klass())], tmp_path / "work"))
    assert set(subs) == {str(n) for n in range(75615, 75625) if n != 75623}  # user ids
    assert subs["75617"].late and not subs["75615"].late
    assert subs["75617"].name == "lee_wuann"  # sortable name, lower-cased, non-word characters removed (not _)
    assert subs["75616"].name == unicodedata.normalize("NFC", "김민준")
    assert subs["75624"].files == ("lab-1.ipynb", "lab.ipynb")
    assert all(s.source == "canvas" for s in subs.values())


def test_gradescope_export(tmp_path):
    subs = read_sources([gradescope_zip(tmp_path / "g.zip", klass())], tmp_path / "work")
    ids = {s.lms_id: s for s in subs}
    assert "75615" in ids and ids["75615"].name == "Minjun Kim" and ids["75615"].source == "gradescope"
    assert ids["75618"].name == "Robert \"Bobby\" O'Brien, Jr."  # names come from the metadata, as written
    assert len(subs) == 9


def test_a_plain_folder_and_files(tmp_path):
    (tmp_path / "subs").mkdir()
    (tmp_path / "subs" / "kim.ipynb").write_bytes(NOTEBOOK)
    (tmp_path / "subs" / "essay.pdf").write_bytes(b"%PDF")
    subs = read_sources([tmp_path / "subs"], tmp_path / "work")
    assert [(s.name, s.notebook is not None) for s in subs] == [("essay", False), ("kim", True)]


def _zip_with(path, name, data=b"x", **info):
    with zipfile.ZipFile(path, "w") as zf:
        zi = zipfile.ZipInfo(name)
        for key, value in info.items():
            setattr(zi, key, value)
        zf.writestr(zi, data)
    return path


def _encrypted(path):
    """Set the 'encrypted' flag of the (only) entry in its local and central headers, as a password-zip has it."""
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.index(signature) + offset
        data[at] |= 0x1
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("make,message", [
    (lambda p: _zip_with(p, "../../escape.ipynb"), "an entry outside its folder"),
    (lambda p: _zip_with(p, "/etc/cron.d/x"), "an entry outside its folder"),
    (lambda p: _zip_with(p, "link.ipynb", b"/etc/passwd", external_attr=0o120777 << 16), "has a link"),
    (lambda p: _encrypted(_zip_with(p, "secret.ipynb")), "is encrypted"),
    (lambda p: (p.write_bytes(b"PK\x03\x04 this is not a zip at all" * 3), p)[1], "is not a readable zip"),
], ids=["dotdot", "absolute", "symlink", "encrypted", "corrupt"])
def test_a_hostile_archive_stops_with_one_line_and_leaves_nothing(tmp_path, make, message):
    archive = make(tmp_path / "class.zip")
    work = tmp_path / "work"
    with pytest.raises(LabError, match=message) as caught:
        read_sources([archive], work)
    assert "\n" not in str(caught.value)
    assert not work.exists() or list(work.iterdir()) == []
    assert not (tmp_path / "escape.ipynb").exists()


def test_a_zip_bomb_and_too_many_entries_are_refused(tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("x_1_assignsubmission_file/lab.ipynb", b"\0" * (50 * 1024 ** 2))
    with pytest.raises(LabError, match="a zip bomb"):
        read_sources([bomb], tmp_path / "work")
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as zf:
        for i in range(MAX_ENTRIES + 1):
            zf.writestr(f"s{i}.ipynb", b"")
    with pytest.raises(LabError, match=f"{MAX_ENTRIES + 1:,} entries"):
        read_sources([many], tmp_path / "work")
    assert not (tmp_path / "work").exists() or list((tmp_path / "work").iterdir()) == []
