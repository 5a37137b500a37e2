"""The Korean editions: generated from the English source through gettext catalogs, Korean all the way through.

The catalogs (i18n/ko/*.po, lab_utils/locale/ko/LC_MESSAGES/lab_utils.po) follow msgmerge's rules and pass
msgfmt --check; the Korean code cells are the English ones with their string literals translated and one
language line added; the Korean solution notebooks store outputs of their own, executed in Korean (nbval proves
them in make test-portable); figures draw Hangul with the packaged NanumGothic, without a system font.
"""

import ast
import json
import re
import shutil
import subprocess
import warnings

import polib
import pytest

from lab_utils import i18n
from lab_utils.errors import LabError, ParameterError
from lab_utils.exercises import core
from lab_utils.tools.publish import catalogs
from lab_utils.tools.publish.colab import BADGE_TAG, expected_cells
from lab_utils.tools.publish.editions import LANGUAGE_LINE, build, common_texts, translation_problems

from .cells import code_cells, load, run, src
from .conftest import NOTEBOOKS, ROOT

HANGUL = re.compile(r"[가-힣]")
PAIRS = [(ROOT / d / nb.name, ROOT / "ko" / d / nb.name) for d in ("notebooks", "exercises") for nb in NOTEBOOKS]
CATALOGS = sorted([*(ROOT / "i18n" / "ko").glob("*.po"), i18n.catalog_path("ko"),
                   ROOT / "site" / "locale" / "ko" / "LC_MESSAGES" / "sphinx.po"])


@pytest.fixture
def korean():
    i18n.language("ko")
    yield
    i18n.language("en")


def test_every_catalog_is_complete_and_current():
    assert translation_problems(ROOT) == []
    changed = []
    catalogs.update(ROOT, common_texts(), write=False, changed=changed)
    assert changed == [], "a catalog is not merged with the current English: run `make editions`"
    assert not list((ROOT / "i18n" / "ko").glob("*.md")) or {p.name for p in (ROOT / "i18n" / "ko").glob("*.md")} \
        == {"glossary.md"}, "translations live in PO catalogs now"


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.name)
def test_catalogs_pass_msgfmt_check(path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("gettext's msgfmt is not installed (apt-get install gettext; .ci/run does)")
    out = subprocess.run([msgfmt, "--check", "--output-file=/dev/null", str(path)], capture_output=True, text=True)
    assert out.returncode == 0 and out.stderr == "", out.stderr


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.name)
def test_every_translation_keeps_its_placeholders_and_is_korean(path):
    entries = [e for e in polib.pofile(str(path)) if not e.obsolete]
    assert entries
    for e in entries:
        assert catalogs.mismatch(e) == [], (e.msgid, e.msgstr)
        if e.msgctxt in catalogs.CODE_CONTEXTS and e.tcomment.startswith(catalogs.KEEP):
            assert e.msgstr == e.msgid
        else:  # Korean, or no words at all (print("to") became print("~"))
            words = re.sub(r"\{[^{}]*\}", "", e.msgstr)
            assert HANGUL.search(e.msgstr) or not re.search(r"[A-Za-z]{2,}", words), \
                f"{path.name}: {e.msgid[:60]!r} is not translated into Korean"
        if catalogs.brace_fields(e.msgid):
            assert "python-brace-format" in e.flags or e.msgctxt is not None


def test_every_message_of_the_package_is_in_the_runtime_catalog():
    templates = {t.msgid for t in catalogs.runtime_texts(ROOT)}
    assert len(templates) > 250
    live = {e.msgid for e in polib.pofile(str(i18n.catalog_path("ko"))) if not e.obsolete}
    assert sorted(templates - live) == [] and sorted(live - templates) == []
    assert not set(i18n.messages("ko")) - templates


def test_placeholder_checks_catch_a_broken_translation():
    entry = polib.POEntry(msgid="{name} must be > 0, got {value!r}", msgstr="{name}은(는) 0보다 커야 합니다",
                          flags=["python-brace-format"])
    assert catalogs.mismatch(entry) == ["the msgstr's fields ['name'] differ from the English ['name', 'value']"]
    code = polib.POEntry(msgctxt=catalogs.CODE_CONTEXT, msgid='f"loss {cost.item():.4f}"', msgstr='f"손실 {cost:.4f}"')
    assert "differ from the English" in catalogs.mismatch(code)[0]
    code.msgstr = 'f"손실 {cost.item():.4f}'
    assert catalogs.mismatch(code) == ["the msgstr is not one Python string literal"]
    code.msgstr = 'f"손실 {cost.item():.4f}"'
    assert catalogs.mismatch(code) == []


def test_a_changed_english_cell_goes_fuzzy_and_stops_the_editions(tmp_path):
    for folder in ("notebooks", "i18n"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    assert translation_problems(tmp_path) == []
    path = tmp_path / "notebooks" / NOTEBOOKS[0].name
    nb = load(path)
    cell = next(c for c in nb["cells"] if c["id"] == "cell-11")
    old = src(cell)
    cell["source"] = old.replace("The goal is", "Our goal is")
    nb["cells"] = [c for c in nb["cells"] if c["id"] != "cell-27"]  # a cell removed
    nb["cells"].append({"cell_type": "markdown", "id": "new-cell", "metadata": {}, "source": "A new cell."})
    path.write_text(json.dumps(nb))
    po_path = tmp_path / "i18n" / "ko" / f"{NOTEBOOKS[0].stem}.po"
    before = po_path.read_text()
    with pytest.raises(LabError, match=r"^2 translation\(s\) need work, no edition was written: "
                                       r"i18n/ko/01_linear_regression.po: cell cell-11 is fuzzy \(its English "
                                       r"changed\): update the msgstr, then remove the fuzzy flag; .*cell new-cell "
                                       r"has no translation"):
        build(tmp_path)
    assert not (tmp_path / "exercises").exists() and not (tmp_path / "ko").exists()
    po = polib.pofile(str(po_path))
    entry = next(e for e in po if e.msgctxt == "cell-11")
    assert "fuzzy" in entry.flags and entry.previous_msgid == old and HANGUL.search(entry.msgstr)  # kept, as msgmerge
    assert [e.msgctxt for e in po.obsolete_entries()] == ["cell-27"]  # its translation kept as #~, not a problem
    assert next(e for e in po if e.msgctxt == "new-cell").msgstr == ""
    assert po_path.read_text() != before
    # --check merges in memory only: the catalog on disk is not touched.
    po_path.write_text(before)
    with pytest.raises(LabError, match="need work"):
        build(tmp_path, check=True)
    assert po_path.read_text() == before


def test_merging_an_unchanged_catalog_writes_nothing(tmp_path):
    shutil.copytree(ROOT / "i18n", tmp_path / "i18n")
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    before = {p.name: p.read_text() for p in (tmp_path / "i18n" / "ko").glob("*.po")}
    assert catalogs.update(tmp_path, common_texts()) == []
    assert {p.name: p.read_text() for p in (tmp_path / "i18n" / "ko").glob("*.po")} == before


def test_code_strings_are_found_translated_and_the_rest_left_alone():
    code = ('%matplotlib inline\ndef f():\n    """A docstring."""\n    return "sgd"\n\n'
            'print("points from", 1, "to", 2)\nprint(f"loss {x:.2f} at "\n      f"epoch {e}")\nd = {"lr 0.1": 1}\n')
    found = [literal for _, _, literal in catalogs.string_literals(code)]
    assert found == ['"points from"', '"to"', 'f"loss {x:.2f} at "\n      f"epoch {e}"', '"lr 0.1"']
    out = catalogs.translate_code(code, {'"to"': '"~"', 'f"loss {x:.2f} at "\n      f"epoch {e}"':
                                         'f"에폭 {e}의 손실 {x:.2f}"'})
    assert 'print("points from", 1, "~", 2)\nprint(f"에폭 {e}의 손실 {x:.2f}")' in out
    assert out.startswith('%matplotlib inline\ndef f():\n    """A docstring."""\n    return "sgd"')


def _code_only(code: str) -> list[tuple[int, str]]:
    """A cell's tokens without its comments, each string literal reduced to its kind: what runs."""
    import io
    import tokenize

    code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in code.splitlines())
    drop = (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER)
    strings = (tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING))  # 3.12 splits f-strings
    return [(t.type, "<str>" if t.type in strings else t.string)
            for t in tokenize.generate_tokens(io.StringIO(code).readline) if t.type not in drop]


@pytest.mark.parametrize("en,ko", PAIRS, ids=lambda p: "/".join(p.parts[-2:]))
def test_korean_code_differs_only_in_its_comments_and_strings(en, ko):
    """The Korean editions translate the comments of code cells (parameters, hints, checks) and their strings;
    what runs is the English code, token for token."""
    language_line = LANGUAGE_LINE.format(lang="ko")
    translated = 0
    for e, k in zip(code_cells(load(en)), code_cells(load(ko))):
        assert _code_only(src(k).replace(language_line, "")) == _code_only(src(e)), e["id"]
        translated += src(k) != src(e)
    comments = [c for cell in code_cells(load(ko)) for _, _, c in catalogs.code_comments(src(cell))]
    assert translated and comments and all(HANGUL.search(c) or c.startswith("# x_train") or c.startswith("# y_train")
                                           for c in comments), comments


@pytest.mark.parametrize("en,ko", PAIRS, ids=lambda p: "/".join(p.parts[-2:]))
def test_korean_code_cells_are_the_english_ones_translated(en, ko):
    en_nb, ko_nb = load(en), load(ko)
    en_code, ko_code = code_cells(en_nb), code_cells(ko_nb)
    assert [c["id"] for c in en_code] == [c["id"] for c in ko_code]
    strings = catalogs.table(ROOT / "i18n" / "ko" / f"{en.stem}.po")[1]
    added = 0
    for e, k in zip(en_code, ko_code):
        ast.parse(re.sub(r"^\s*%.*$", "", src(k), flags=re.M))  # still Python
        want = expected_cells(ko)[1] if catalogs.INSTALL_TAG in e["metadata"].get("tags", []) else \
            catalogs.translate_code(src(e), strings)  # the install cell: colab's text, its comments translated
        if LANGUAGE_LINE.format(lang="ko") in src(k):
            added += 1
            want = want.replace("import lab_utils as lab\n", "import lab_utils as lab\n\n"
                                + LANGUAGE_LINE.format(lang="ko") + "\n")
        assert src(k) == want
    assert added == 1
    assert ko_nb["metadata"]["lab_utils"]["language"] == "ko"
    if en.parent.name == "notebooks":  # executed in Korean: its own outputs, and the same results
        from lab_utils.results import read_results

        assert read_results(ko) == read_results(en)
        assert any(o.get("output_type") == "stream" for c in ko_code for o in c["outputs"])


# What a Korean solution notebook may still print in English: the lecture's own log lines and names.
ENGLISH_OK = re.compile(r"^\s*(Epoch\s+\d+/\d+ Cost:|epoch\s+\d+/\d+|predict with model:|real value y:|"
                        r"x1 x2 -> y|hidden units|\S+ gate$)")


@pytest.mark.parametrize("ko", [ROOT / "ko" / "notebooks" / nb.name for nb in NOTEBOOKS], ids=lambda p: p.stem)
def test_a_korean_student_reads_korean_in_the_outputs(ko):
    # A word the notebook's code uses (a name, an option like "adam", True) is code, not English prose.
    code_words = {w for c in code_cells(load(ROOT / "notebooks" / ko.name)) for w in re.findall(r"\w+", src(c))}
    english = []
    for cell in code_cells(load(ko)):
        for out in cell["outputs"]:
            assert out.get("name") != "stderr", f"{cell['id']}: {''.join(out['text'])[:200]}"
            text = "".join(out.get("text", "")) if out.get("output_type") == "stream" else \
                "".join(out.get("data", {}).get("text/plain", "")) if "lab_utils.scores" in out.get("metadata", {}) \
                else ""
            for line in text.splitlines():
                words = set(re.findall(r"[A-Za-z]{3,}", line)) - code_words - {"True", "False"}
                if words and not HANGUL.search(line) and not ENGLISH_OK.match(line):
                    english.append(f"{cell['id']}: {line}")
    assert english == []


@pytest.mark.parametrize("en,ko", PAIRS, ids=lambda p: "/".join(p.parts[-2:]))
def test_korean_markdown_is_translated_and_linked(en, ko):
    en_nb, ko_nb = load(en), load(ko)
    md = [c for c in ko_nb["cells"] if c["cell_type"] == "markdown"]
    assert [c["id"] for c in md] == [c["id"] for c in en_nb["cells"] if c["cell_type"] == "markdown"]
    for cell in md:
        if BADGE_TAG in cell["metadata"].get("tags", []):
            assert src(cell) == expected_cells(ko)[0]
            assert f"blob/main/ko/{en.parent.name}/{en.name}" in src(cell)
            badge_line, _, note = src(cell).partition("\n\n")
            assert badge_line.endswith(f"[English](../../{en.parent.name}/{en.name})")
            # generated: the note in Korean, naming the English notebook and the catalog it is made from
            assert note.startswith("<!-- `make editions`가 ") and f"`notebooks/{en.name}`" in note, note
            assert f"`i18n/ko/{en.stem}.po`" in note and note.endswith("-->")
        else:
            assert HANGUL.search(src(cell)), f"{ko.name} cell {cell['id']} is not in Korean"
    badge = src(en_nb["cells"][0])
    assert badge.split("\n\n")[0].endswith(f"[한국어](../ko/{en.parent.name}/{en.name})")


def glossary() -> list[tuple[str, str, list[str]]]:
    """i18n/ko/glossary.md's rows: (English, 한국어, the regular expressions a translation must not match)."""
    rows = []
    for line in (ROOT / "i18n" / "ko" / "glossary.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 4 and cells[0] != "English":
            rows.append((cells[0], cells[1], re.findall(r"`([^`]+)`", cells[2])))
    return rows


@pytest.mark.parametrize("english,korean,avoid", glossary(), ids=lambda v: str(v)[:24])
def test_korean_texts_use_the_glossary_terms(english, korean, avoid):
    """One Korean term per concept: no catalog (nor README.ko.md) uses a variant the glossary names."""
    texts = [e.msgstr for path in CATALOGS for e in polib.pofile(str(path)) if not e.obsolete]
    texts.append((ROOT / "README.ko.md").read_text())
    for pattern in avoid:
        found = [t[max(0, m.start() - 30):m.end() + 30] for t in texts for m in re.finditer(pattern, t)]
        assert found == [], f"{english}: write {korean!r}, not {pattern!r}"


def test_the_glossary_catches_the_issues_examples():
    examples = ["가장 큰 오차 < 0.4", "로그 눈금", "은닉층 활성화 값", "노트북의 `lr`, `epochs` 파라미터",
                "안정성 한계", "성공 비율", "병렬 학습 함수", "... 자리표시자", "최솟값 W = 1",
                "### 실행 (a): 슬라이드", "네 점 모두 정답", "경사하강법", "에포크"]
    rules = [r for _, _, avoid in glossary() for r in avoid]
    assert len(glossary()) > 40 and [e for e in examples if not any(re.search(r, e) for r in rules)] == []


def test_checks_answer_in_korean_in_the_korean_exercise_notebook():
    nb = load(ROOT / "ko" / "exercises" / NOTEBOOKS[0].name)
    loop = src(next(c for c in nb["cells"] if c["id"] == "cell-10"))
    answer = ("W = torch.rand(1, requires_grad=True, device=device)\nb = torch.rand(1, requires_grad=True, "
              "device=device)\noptimizer = optim.SGD([W, b], lr=0.01)\nfor epoch in range(slide_epochs):\n"
              "    cost = loss_fn(X * W + b, y)\n    cost.backward()\n    optimizer.step()\n")
    loop = loop[:loop.index("# YOUR CODE HERE")] + answer
    out, _ = run(nb, ["cell-04", "cell-05", "cell-06", "cell-08", "cell-10", "check-01-loop", "score-table"],
                 {"cell-10": loop})
    assert i18n.language() == "ko"  # the one line in the notebook switched the whole package
    assert "장치: cpu (스레드 1개)" in out
    assert "❌ 실습 1 (학습 루프): 기울기가 누적됩니다." in out
    assert "점수: 0 / 3" in out


def test_parameter_errors_name_the_line_of_the_parameters_cell(korean):
    nb = load(ROOT / "ko" / "notebooks" / NOTEBOOKS[0].name)
    with pytest.raises(ParameterError) as caught:
        run_params(nb, {"lr": "fast"})
    assert str(caught.value) == ("하이퍼파라미터 'lr'은 float여야 하는데 'fast'(str)입니다. 하이퍼파라미터 셀의 "
                                 "2번째 줄을 예를 들어 `lr: float = 0.1`로 바꾸세요")
    i18n.language("en")
    with pytest.raises(ParameterError, match=r"^parameter 'epochs' must be > 0, got -3; change line 3 of the "
                                             r"parameters cell to e.g. `epochs: int = 1`$"):
        run_params(nb, {"epochs": -3})


def test_a_value_passed_with_p_is_fixed_with_p():
    from lab_utils.params import check_params

    source = "seed: int = 0  # s\nlr: float = 0.15  # l\n"
    ns = {"In": ["", source, "# Parameters\nlr = -1.0\n"], "__annotations__": {"seed": int, "lr": float},
          "seed": 0, "lr": -1.0}
    with pytest.raises(ParameterError, match=r"^parameter 'lr' must be > 0, got -1.0; e.g. -p lr 1.0$"):
        check_params(ns, positive=("lr",))


def run_params(nb: dict, values: dict) -> None:
    """The notebook's parameters cell, edited as a student would, then its check cell."""
    from lab_utils.params import check_params

    source = src(next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])))
    for name, value in values.items():
        source = re.sub(rf"^({name}: \w+ = )[^#\n]*", rf"\g<1>{value!r}  ", source, flags=re.M)
    ns = {"In": ["", source]}
    exec(compile(source, "<parameters>", "exec"), ns)
    check_params(ns, positive=("lr", "epochs", "log_every"), at_least={"seed": 0})


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="unknown language 'fr'; choose one of: en, ko"):
        core.language("fr")


def test_korean_figures_draw_every_glyph_with_the_packaged_font(korean):
    """Hangul in figures comes from koreanize-matplotlib's NanumGothic (Colab has no Korean font): every
    character of every text has a glyph in a font matplotlib picks for it, and drawing warns about nothing."""
    import matplotlib
    import torch
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font
    from matplotlib.text import Text

    from lab_utils import interactive, plots

    X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
    package_font = plots.korean_font_file()
    assert package_font is not None and "koreanize_matplotlib" in package_font.parts
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a UserWarning
        figures = [plots.loss_figure([1.0, 0.1]), plots.fit_figure(X[:, :1], y, {"직선": (1.0, 0.0)}),
                   plots.hidden_space_figure(X, y, torch.tensor([1.0, -1.0]), 0.0),
                   interactive.update(X, y, epochs=20, models=4)[0]]
        for fig in figures:
            fig.canvas.draw()
    hangul = 0
    for fig in figures:
        for text in fig.findobj(Text):
            chars = set(text.get_text()) - {" ", "\n"}
            if not chars:
                continue
            fonts = [FT2Font(f) for f in font_manager.fontManager._find_fonts_by_props(text.get_fontproperties())]
            for ch in chars:
                assert any(f.get_char_index(ord(ch)) for f in fonts), f"no glyph for {ch!r} in {text.get_text()!r}"
            if HANGUL.search(text.get_text()):
                hangul += 1
                first = next(f for f in fonts if f.get_char_index(ord(HANGUL.search(text.get_text()).group())))
                assert first.fname == str(package_font)
    assert hangul > 10
    assert matplotlib.rcParams["axes.unicode_minus"]  # DejaVu Sans keeps the real minus sign


def test_the_playground_speaks_korean(korean):
    pytest.importorskip("ipywidgets")
    import torch

    from lab_utils import interactive

    X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
    box = interactive.playground(X, y, models=2)
    labels = [c.description for row in box.children[:2] for c in row.children]
    assert labels == ["은닉 유닛", "활성화 함수", "옵티마이저", "lr", "에폭", "시드"]


def _sections(text: str) -> list[int]:
    body = re.sub(r"```.*?```", "", text, flags=re.S)
    return [len(m.group(1)) for m in re.finditer(r"^(#{1,6}) ", body, re.M)]


def test_korean_readme_has_every_section_of_the_english_one():
    en, ko = (ROOT / "README.md").read_text(), (ROOT / "README.ko.md").read_text()
    assert _sections(ko) == _sections(en), "README.ko.md must have README.md's sections, in order, at the same levels"
    en_tables = len(re.findall(r"^\|[- |:]+\|$", en, re.M))
    assert len(re.findall(r"^\|[- |:]+\|$", ko, re.M)) == en_tables
    assert "(README.md)" in ko and "(README.ko.md)" in en
    quick = ko.split("## 빠른 시작", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"^(make \w+)\s*$", quick.split("```", 2)[1], re.M) == ["make lab", "make test"]


# The English a Korean student may read besides the code's own names, by reason. Anything else is a translation
# that is missing.
ENGLISH_ALLOWED = {
    # the lecture's own slide words and titles, quoted as the slides write them
    "lecture": {"Epoch", "Cost", "processing", "model", "Loss", "function", "Optimizer", "Gradient", "Descent",
                "Algorithm", "Input", "Output", "Linear", "Regression", "Logistic", "Multi", "Layer", "Perceptron",
                "Perceptrons", "Single", "Neural", "Activation", "Function", "Sigmoid", "Tanh", "predict", "with",
                "real", "value", "Network", "zero"},
    # names of tools and of the other edition
    "names": {"Open", "Colab", "English", "Python", "PyTorch", "papermill", "nbval", "Jupyter", "NumPy", "BCE", "MSE"},
    # terms the glossary keeps in English
    "glossary": {"shape", "dtype"},
    # English terms given in parentheses after their Korean (포화(saturation))
    "glossed": {"deprecated", "saturation"},
    # Python values and reprs the code prints: booleans, a figure's and a widget's repr, lab.report's keys
    "values": {"True", "False", "true", "false", "cpu", "cuda", "Figure", "size", "Axes", "children", "description",
               "Dropdown", "VBox", "HBox", "IntSlider", "FloatLogSlider", "Output", "layout", "converged", "diverged",
               "predictions", "accuracy", "weights", "bias", "final_loss", "max_error", "gate"},
    # LaTeX commands of formulas shown as text
    "math": {"frac", "partial", "qquad", "hat", "cdot", "sigma", "log", "exp", "sum", "max", "min"},
}


def _prose(cell: dict) -> list[str]:
    """What a student reads of a cell: markdown without code, math and link targets; printed lines; alt texts."""
    if cell["cell_type"] == "markdown":
        text = re.sub(r"```.*?```|`[^`]*`|\$\$.*?\$\$|\$[^$]*\$|\]\([^)]*\)|<[^>]+>", " ", src(cell), flags=re.S)
        return [text]
    texts = []
    for out in cell.get("outputs", []):
        texts.append("".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", "")))
        texts += [m.get("alt", "") for m in out.get("metadata", {}).values() if isinstance(m, dict)]
    return texts


@pytest.mark.parametrize("ko", [ROOT / "ko" / d / nb.name for d in ("notebooks", "exercises") for nb in NOTEBOOKS],
                         ids=lambda p: "/".join(p.parts[-2:]))
def test_no_english_outside_code_names_and_the_allowed_list(ko):
    code_words = {w for c in code_cells(load(ROOT / "notebooks" / ko.name)) for w in re.findall(r"\w+", src(c))}
    allowed = set().union(*ENGLISH_ALLOWED.values()) | code_words
    found = {}
    for cell in load(ko)["cells"]:
        for text in _prose(cell):
            for word in re.findall(r"\b[A-Za-z][A-Za-z]{2,}\b", text):
                if word not in allowed and word.lower() not in allowed:
                    found.setdefault(word, cell.get("id"))
    assert found == {}, "translate these, or say in ENGLISH_ALLOWED why they stay English"
