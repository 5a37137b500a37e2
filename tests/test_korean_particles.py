"""Korean particles fit what they follow: every Korean message rendered with representative values (integers,
decimals, negatives, inf, nan, names ending in a vowel, a consonant and ㄹ), and every particle right after a value
checked against how that value is read aloud. The readings below are the test's own: how a Korean reader says each
digit and name."""

import glob
import json
import re
import string

import polib
import pytest

from lab_utils import i18n
from lab_utils.korean import particles

from .conftest import ROOT

# How each digit is said at the end of a number, and each name: its last syllable decides the particle.
DIGIT_SAID = {"0": "영", "1": "일", "2": "이", "3": "삼", "4": "사", "5": "오", "6": "육", "7": "칠", "8": "팔",
              "9": "구"}
NAME_SAID = {"W": "유", "b": "비", "linear1": "일", "학습률": "률", "기울기": "기", "은닉층": "층", "inf": "프",
             "nan": "난", "loss_fn": "엔", "logit": "짓", "model": "델", "sigmoid": "드", "L": "엘", "SGD": "디"}
VALUES = [1, 2, 3, 10, -4, 0.5, 0.7701, -0.47853, 1e-5, 2.5, float("inf"), float("nan"), *NAME_SAID]
# particle -> (after a vowel, after a consonant, after ㄹ); bare forms a translator may write after a value
FORMS = {"이(가)": ("가", "이", "이"), "을(를)": ("를", "을", "을"), "은(는)": ("는", "은", "은"),
         "과(와)": ("와", "과", "과"), "(으)로": ("로", "으로", "로")}
BARE = {form: marker for marker, forms in FORMS.items() for form in forms}
AFTER_VALUE = re.compile(r"^(이\(가\)|을\(를\)|은\(는\)|과\(와\)|\(으\)로|으로|로|이|가|을|를|은|는|과|와)(?![가-힣])")


def said_last(text: str) -> str:
    """The last syllable of `text` said aloud (a number by its last digit, a name by NAME_SAID)."""
    text = text.strip("'")  # a name shown with its quotes ({name!r}): the quotes are not said
    return NAME_SAID[text] if text in NAME_SAID else DIGIT_SAID[text[-1]]


def right_form(marker: str, syllable: str) -> str:
    final = (ord(syllable) - ord("가")) % 28
    vowel, consonant, rieul = FORMS[marker]
    return vowel if final == 0 else rieul if final == 8 else consonant


def korean_messages() -> list[polib.POEntry]:
    po = polib.pofile(str(ROOT / "lab_utils" / "locale" / "ko" / "LC_MESSAGES" / "lab_utils.po"))
    return [e for e in po if e.msgstr and not e.obsolete and "{" in e.msgstr]


def _particle_sites(msgstr: str) -> list[tuple[str, str, str, str]]:
    """(field, spec, conversion, the particle right after it) for each field a particle follows."""
    parts = list(string.Formatter().parse(msgstr))
    sites = []
    for (_, field, spec, conversion), (literal, *_) in zip(parts, parts[1:]):
        found = AFTER_VALUE.match(literal or "")
        if field is not None and found:
            sites.append((field, spec or "", conversion or "", found.group(1)))
    return sites


def _rendered(value, spec: str, conversion: str) -> str:
    value = repr(value) if conversion == "r" else str(value) if conversion == "s" else value
    return format(value, spec)


@pytest.mark.parametrize("entry", [e for e in korean_messages() if _particle_sites(e.msgstr)],
                         ids=lambda e: e.msgid[:40])
def test_every_particle_after_a_value_fits_how_the_value_is_read(entry):
    fields = {f for _, f, _, _ in string.Formatter().parse(entry.msgstr) if f}
    rendered_with = 0
    for value in VALUES:
        try:
            text = entry.msgstr.format(**{f: value for f in fields})
        except (ValueError, TypeError):
            continue  # e.g. a name in {n:d}
        i18n.language("ko")
        shown = i18n.tr(entry.msgid, **{f: value for f in fields})
        assert shown == particles(text)
        rendered_with += 1
        for _, spec, conversion, particle in _particle_sites(entry.msgstr):
            value_text = _rendered(value, spec, conversion)
            marker = BARE.get(particle, particle)
            want = right_form(marker, said_last(value_text))
            assert value_text + want in shown, f"{entry.msgid!r}, {value!r}: {shown!r} wants {want} after {value_text}"
            assert "(가)" not in shown and "(를)" not in shown and "(는)" not in shown and "(으)로" not in shown
    assert rendered_with >= 3, f"{entry.msgid!r} renders with too few of the representative values"


def test_the_issues_examples_are_caught():
    """The stored outputs' wrong particles, as messages written with bare particles after a value, fail the rule."""
    for msgstr, value in (("b = {b:.3f}로", 0.7701), ("db = {db:.5f}로", -0.47853), ("{x:.2f}로 바뀜", 0.001),
                          ("lr {lr:.3f}를 넘음", 0.18), ("W = 1, b = {b}를", 0)):
        site = _particle_sites(msgstr)[0]
        value_text = _rendered(value, site[1], site[2])
        assert right_form(BARE[site[3]], said_last(value_text)) != site[3], msgstr


def test_the_notebooks_korean_code_strings_put_no_particle_after_a_value():
    """A Korean edition's own print lines are f-strings in the notebook, which tr() never sees: they are phrased
    so that no particle follows a value (보다, 에서, 까지, a colon or '=' instead)."""
    bad = []
    for path in sorted(glob.glob(str(ROOT / "i18n" / "ko" / "*.po"))):
        for entry in polib.pofile(path):
            if entry.msgctxt == "python-string" and entry.msgstr:
                bad += [entry.msgstr for m in re.finditer(r"\}", entry.msgstr)
                        if AFTER_VALUE.match(entry.msgstr[m.end():])]
    assert bad == []


def test_stored_korean_outputs_have_no_wrong_particle_after_a_number():
    """What the Korean solution notebooks printed: a particle right after a digit fits the digit's reading."""
    wrong = []
    for path in sorted((ROOT / "ko" / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            for out in cell.get("outputs", []):
                text = "".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", ""))
                for m in re.finditer(r"(\d)(을|를|이|가|은|는|과|와|으로|로)(?![가-힣])", text):
                    if m.group(2) != right_form(BARE[m.group(2)], DIGIT_SAID[m.group(1)]):
                        wrong.append(f"{path.name}: ...{text[max(0, m.start() - 30):m.end() + 10]}...")
    assert wrong == []

