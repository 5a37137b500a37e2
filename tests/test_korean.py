"""The Korean editions: generated from the English source, with translations that cannot go stale unnoticed.

The Korean solution notebooks carry the English code cells and stored outputs unchanged, so nbval executing the
English notebooks proves them too; the tests below prove that sameness, and that the only code difference in the
Korean exercise notebooks is the line that makes the checks answer in Korean.
"""

import ast
import json
import re
import shutil
import string

import pytest

from lab_utils.errors import LabError
from lab_utils.exercises import core
from lab_utils.exercises.messages_ko import MESSAGES
from lab_utils.tools.colab import BADGE_TAG, expected_cells
from lab_utils.tools.editions import (
    LANGUAGE_LINE,
    build,
    fingerprint,
    read_translations,
    translatable,
    translation_problems,
)

from .cells import code_cells, load, run, src
from .conftest import NOTEBOOKS, ROOT

HANGUL = re.compile(r"[가-힣]")
PAIRS = [(ROOT / d / nb.name, ROOT / "ko" / d / nb.name) for d in ("notebooks", "exercises") for nb in NOTEBOOKS]


def test_every_english_cell_has_a_current_translation():
    assert translation_problems(ROOT) == []


@pytest.mark.parametrize("en,ko", PAIRS, ids=lambda p: "/".join(p.parts[-2:]))
def test_korean_code_cells_are_the_english_ones(en, ko):
    en_nb, ko_nb = load(en), load(ko)
    en_code, ko_code = code_cells(en_nb), code_cells(ko_nb)
    assert [c["id"] for c in en_code] == [c["id"] for c in ko_code]
    added = []
    for e, k in zip(en_code, ko_code):
        assert (e["outputs"], e["execution_count"]) == (k["outputs"], k["execution_count"])  # same stored results
        if src(e) != src(k):
            added.append(sorted(set(src(k).splitlines()) - set(src(e).splitlines())))
            assert src(k).replace(LANGUAGE_LINE.format(lang="ko") + "\n", "") == src(e)
    assert added == ([[LANGUAGE_LINE.format(lang="ko")]] if en.parent.name == "exercises" else [])
    assert ko_nb["metadata"]["lab_utils"]["language"] == "ko"


@pytest.mark.parametrize("en,ko", PAIRS, ids=lambda p: "/".join(p.parts[-2:]))
def test_korean_markdown_is_translated_and_linked(en, ko):
    en_nb, ko_nb = load(en), load(ko)
    md = [c for c in ko_nb["cells"] if c["cell_type"] == "markdown"]
    assert [c["id"] for c in md] == [c["id"] for c in en_nb["cells"] if c["cell_type"] == "markdown"]
    for cell in md:
        if BADGE_TAG in cell["metadata"].get("tags", []):
            assert src(cell) == expected_cells(ko)[0]
            assert f"blob/main/ko/{en.parent.name}/{en.name}" in src(cell)
            assert src(cell).endswith(f"[English](../../{en.parent.name}/{en.name})")
        else:
            assert HANGUL.search(src(cell)), f"{ko.name} cell {cell['id']} is not in Korean"
    badge = src(en_nb["cells"][0])
    assert badge.endswith(f"[한국어](../ko/{en.parent.name}/{en.name})")
    assert (ROOT / "ko" / en.parent.name / en.name).is_file()


def test_a_stale_or_missing_translation_fails_and_nothing_is_written(tmp_path):
    for folder in ("notebooks", "i18n"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    assert translation_problems(tmp_path) == []
    nb = load(tmp_path / "notebooks" / NOTEBOOKS[0].name)
    cell = next(c for c in nb["cells"] if c["id"] == "cell-11")
    cell["source"] = src(cell).replace("The goal is", "Our goal is")
    (tmp_path / "notebooks" / NOTEBOOKS[0].name).write_text(json.dumps(nb))
    problems = translation_problems(tmp_path)
    assert problems == [f"i18n/ko/{NOTEBOOKS[0].stem}.md: cell cell-11 changed in English since it was translated "
                        f"(update the text, then its fingerprint to en:{fingerprint(src(cell))})"]
    with pytest.raises(LabError, match="1 translation\\(s\\) need work, nothing was written"):
        build(tmp_path)
    assert not (tmp_path / "exercises").exists()
    md = tmp_path / "i18n" / "ko" / f"{NOTEBOOKS[0].stem}.md"
    md.write_text(re.sub(r"<!-- cell cell-13 .*?(?=<!-- cell )", "", md.read_text(), flags=re.S))
    assert any("cell cell-13 has no translation" in p for p in translation_problems(tmp_path))
    nb["cells"] = [c for c in nb["cells"] if c["id"] != "cell-27"]
    (tmp_path / "notebooks" / NOTEBOOKS[0].name).write_text(json.dumps(nb))
    assert any("cell cell-27 is no longer in the English notebook" in p for p in translation_problems(tmp_path))


def test_translation_files_parse_one_entry_per_cell(tmp_path):
    path = tmp_path / "t.md"
    path.write_text("<!-- cell a en:0123456789ab -->\n가나다\n\n<!-- cell b en:ba9876543210 -->\n라마\n")
    assert read_translations(path) == {"a": ("0123456789ab", "가나다"), "b": ("ba9876543210", "라마")}
    path.write_text("<!-- cell a en:0123456789ab -->\n가\n<!-- cell a en:0123456789ab -->\n나\n")
    with pytest.raises(LabError, match="cell a is translated twice"):
        read_translations(path)
    assert set(translatable(load(NOTEBOOKS[0]))) == set(read_translations(ROOT / "i18n" / "ko" /
                                                                          f"{NOTEBOOKS[0].stem}.md"))


def _templates() -> list[str]:
    found = []
    for path in sorted((ROOT / "lab_utils" / "exercises").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("tr", "N_") and node.args \
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.append(node.args[0].value)
    return found


def test_every_check_message_has_a_korean_translation_with_the_same_fields():
    templates = set(_templates())
    assert len(templates) > 100
    assert sorted(templates - set(MESSAGES)) == [], "add these to lab_utils/exercises/messages_ko.py"
    assert sorted(set(MESSAGES) - templates) == [], "no longer used: remove from messages_ko.py"

    def fields(s):
        return sorted({f[1] for f in string.Formatter().parse(s) if f[1]})

    assert [t for t in templates if fields(t) != fields(MESSAGES[t])] == []
    assert [v for v in MESSAGES.values() if not HANGUL.search(v)] == []


GLOSSARY_VARIANTS = {
    "경사하강법": "경사 하강법", "활성함수": "활성화 함수", "그래디언트": "기울기", "그라디언트": "기울기",
    "에포크": "에폭", "학습율": "학습률", "바이어스": "편향", "히든": "은닉", "손실함수": "손실 함수",
}


def test_korean_texts_use_the_glossary_terms():
    glossary = (ROOT / "i18n" / "ko" / "glossary.md").read_text()
    texts = [p.read_text() for p in (ROOT / "i18n" / "ko").glob("*.md") if p.name != "glossary.md"]
    texts += [*MESSAGES.values(), (ROOT / "README.ko.md").read_text()]
    for variant, term in GLOSSARY_VARIANTS.items():
        assert term in glossary
        assert not [t for t in texts if variant in t], f"use {term!r}, not {variant!r}"


@pytest.fixture
def korean():
    core.language("ko")
    yield
    core.language("en")


def test_checks_answer_in_korean_in_the_korean_exercise_notebook(korean):
    nb = load(ROOT / "ko" / "exercises" / NOTEBOOKS[0].name)
    loop = src(next(c for c in nb["cells"] if c["id"] == "cell-10"))
    answer = ("W = torch.rand(1, requires_grad=True, device=device)\nb = torch.rand(1, requires_grad=True, "
              "device=device)\noptimizer = optim.SGD([W, b], lr=0.01)\nfor epoch in range(slide_epochs):\n"
              "    cost = loss_fn(X * W + b, y)\n    cost.backward()\n    optimizer.step()\n")
    loop = loop[:loop.index("# YOUR CODE HERE")] + answer
    out, _ = run(nb, ["cell-04", "cell-05", "cell-06", "cell-08", "cell-10", "check-01-loop", "score-table"],
                 {"cell-10": loop})
    assert "❌ 실습 1 (학습 루프): 기울기가 누적됩니다." in out
    assert "점수: 0 / 3" in out


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="unknown language 'fr'; choose one of: en, ko"):
        core.language("fr")


def test_korean_readme_has_the_two_commands_and_links_both_ways():
    ko = (ROOT / "README.ko.md").read_text()
    quick = ko.split("## 빠른 시작", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"^(make \w+)\s*$", quick.split("```", 2)[1], re.M) == ["make lab", "make test"]
    assert "(README.md)" in ko and "(README.ko.md)" in (ROOT / "README.md").read_text()
