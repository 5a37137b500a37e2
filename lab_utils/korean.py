"""Korean particles chosen for what they follow. A Korean message whose particle follows a value written in at run
time carries the particle in the translators' two-form notation, `{value}이(가)`, and tr() picks the form by how
the text before it is read aloud: a number by its Korean reading (0.770 ends in 영, 3 in 삼, 2 in 이), a Latin
letter by its name (W 더블유, L 엘), a word of Latin letters by its usual ending (model 모델, sigmoid 시그모이드),
Hangul by its last syllable. Where the reading is unknown (a symbol), both forms stay, as Korean software writes
them.

A home-made rule rather than the `tossi` package: tossi picks particles after Hangul only (not numbers or Latin
letters, which are most of what this package's messages put before a particle), and it is no longer maintained.
"""

from __future__ import annotations

import re

VOWEL, CONSONANT, RIEUL = "vowel", "consonant", "rieul"  # how the text before a particle ends: ㄹ is its own case

# the two-form notations and their forms after a vowel, a consonant and ㄹ
PARTICLES = {
    "이(가)": ("가", "이", "이"),
    "을(를)": ("를", "을", "을"),
    "은(는)": ("는", "은", "은"),
    "과(와)": ("와", "과", "과"),
    "(으)로": ("로", "으로", "로"),
    "(이)나": ("나", "이나", "이나"),
    "(이)라는": ("라는", "이라는", "이라는"),
}
_MARK = re.compile("|".join(re.escape(p) for p in PARTICLES))
# how each digit is read at the end of a number: 영 일 이 삼 사 오 육 칠 팔 구 (a trailing 0 of 10, 100, 1000 is
# read 십, 백, 천: a consonant too)
DIGITS = {"0": CONSONANT, "1": RIEUL, "2": VOWEL, "3": CONSONANT, "4": VOWEL, "5": VOWEL, "6": CONSONANT,
          "7": RIEUL, "8": RIEUL, "9": VOWEL}
# a Latin letter read by its name: 엘 and 알 end in ㄹ, 엠 and 엔 in a consonant, the others in a vowel
LETTERS = {"l": RIEUL, "r": RIEUL, "m": CONSONANT, "n": CONSONANT}
# what closes a value without being read: brackets, quotes, backticks
_SILENT = ")]}'\"`’”»"


def ending(text: str) -> str | None:
    """How `text` ends when read aloud in Korean: VOWEL, CONSONANT or RIEUL; None where that is unknown."""
    text = text.rstrip().rstrip(_SILENT)
    if not text:
        return None
    last = text[-1]
    if "가" <= last <= "힣":
        final = (ord(last) - ord("가")) % 28
        return VOWEL if final == 0 else RIEUL if final == 8 else CONSONANT
    if last in DIGITS:
        return DIGITS[last]
    if last.isascii() and last.isalpha():
        word = re.search(r"[A-Za-z]+$", text).group(0)
        if len(word) == 1 or word.isupper() or not re.search("[aeiouyAEIOUY]", word):  # W, SGD, lr: letter by letter
            return LETTERS.get(word[-1].lower(), VOWEL)
        word = word.lower()
        if word.endswith("ng") or re.search(r"(^|[^aeiou])[aeiou](p|t|k|ck|ch)$", word):
            return CONSONANT  # training 트레이닝; after one short vowel: step 스텝, logit 로짓, epoch 에폭
        return {"l": RIEUL, "m": CONSONANT, "n": CONSONANT}.get(word[-1], VOWEL)  # model 모델, sigmoid 시그모이드
    return None


def particles(text: str) -> str:
    """`text` with every two-form particle replaced by the form that fits what it follows."""
    def pick(match: re.Match) -> str:
        forms = PARTICLES[match.group(0)]
        sound = ending(text[:match.start()])
        return match.group(0) if sound is None else forms[(VOWEL, CONSONANT, RIEUL).index(sound)]

    return _MARK.sub(pick, text)
