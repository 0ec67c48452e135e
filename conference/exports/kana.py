"""Kana to Hepburn romaji for ASCII names (article slugs, file names, Zenn topics).

Only kana: kanji readings need a dictionary (pykakasi, the library that has one, is GPL-3.0, which
this project does not take on), so a name written with kanji gets no romanised form and the caller
falls back to the hashtag or a generic stem the user can change.
"""

from __future__ import annotations

_BASE = {
    "ア": "a",
    "イ": "i",
    "ウ": "u",
    "エ": "e",
    "オ": "o",
    "カ": "ka",
    "キ": "ki",
    "ク": "ku",
    "ケ": "ke",
    "コ": "ko",
    "サ": "sa",
    "シ": "shi",
    "ス": "su",
    "セ": "se",
    "ソ": "so",
    "タ": "ta",
    "チ": "chi",
    "ツ": "tsu",
    "テ": "te",
    "ト": "to",
    "ナ": "na",
    "ニ": "ni",
    "ヌ": "nu",
    "ネ": "ne",
    "ノ": "no",
    "ハ": "ha",
    "ヒ": "hi",
    "フ": "fu",
    "ヘ": "he",
    "ホ": "ho",
    "マ": "ma",
    "ミ": "mi",
    "ム": "mu",
    "メ": "me",
    "モ": "mo",
    "ヤ": "ya",
    "ユ": "yu",
    "ヨ": "yo",
    "ラ": "ra",
    "リ": "ri",
    "ル": "ru",
    "レ": "re",
    "ロ": "ro",
    "ワ": "wa",
    "ヰ": "i",
    "ヱ": "e",
    "ヲ": "o",
    "ン": "n",
    "ガ": "ga",
    "ギ": "gi",
    "グ": "gu",
    "ゲ": "ge",
    "ゴ": "go",
    "ザ": "za",
    "ジ": "ji",
    "ズ": "zu",
    "ゼ": "ze",
    "ゾ": "zo",
    "ダ": "da",
    "ヂ": "ji",
    "ヅ": "zu",
    "デ": "de",
    "ド": "do",
    "バ": "ba",
    "ビ": "bi",
    "ブ": "bu",
    "ベ": "be",
    "ボ": "bo",
    "パ": "pa",
    "ピ": "pi",
    "プ": "pu",
    "ペ": "pe",
    "ポ": "po",
    "ヴ": "vu",
    "ァ": "a",
    "ィ": "i",
    "ゥ": "u",
    "ェ": "e",
    "ォ": "o",
    "ャ": "ya",
    "ュ": "yu",
    "ョ": "yo",
    "ヮ": "wa",
}
# Two kana read as one syllable: キャ kya, シャ sha, ファ fa, ティ ti, ウェ we …
_SMALL = {"ャ": "a", "ュ": "u", "ョ": "o", "ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o"}
_PAIRS_WHOLE = {
    "シャ": "sha",
    "シュ": "shu",
    "ショ": "sho",
    "シェ": "she",
    "チャ": "cha",
    "チュ": "chu",
    "チョ": "cho",
    "チェ": "che",
    "ジャ": "ja",
    "ジュ": "ju",
    "ジョ": "jo",
    "ジェ": "je",
    "ティ": "ti",
    "ディ": "di",
    "トゥ": "tu",
    "ドゥ": "du",
    "デュ": "dyu",
    "ファ": "fa",
    "フィ": "fi",
    "フェ": "fe",
    "フォ": "fo",
    "ウィ": "wi",
    "ウェ": "we",
    "ウォ": "wo",
    "ヴァ": "va",
    "ヴィ": "vi",
    "ヴェ": "ve",
    "ヴォ": "vo",
}


def _katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def is_kana(char: str) -> bool:
    return "ぁ" <= char <= "ゖ" or "ァ" <= char <= "ヺ" or char == "ー"


def romanise(text: str) -> str:
    """Kana in Hepburn romaji ("デモ テックフェスタ" -> "demo tekkufesuta"); other characters stay."""
    text = _katakana(text)
    out: list[str] = []
    double_next = False
    i = 0
    while i < len(text):
        char, pair = text[i], text[i : i + 2]
        if char == "ッ":  # a doubled consonant: テック -> tekku
            double_next, i = True, i + 1
            continue
        if pair in _PAIRS_WHOLE:
            syllable, i = _PAIRS_WHOLE[pair], i + 2
        elif len(pair) == 2 and pair[1] in "ャュョ" and pair[0] in _BASE and _BASE[pair[0]].endswith("i"):
            syllable, i = _BASE[pair[0]][:-1] + "y" + _SMALL[pair[1]], i + 2  # キャ kya, ニュ nyu
        elif char == "ー":  # a long vowel: the previous vowel again (サーバー -> saabaa)
            previous = out[-1] if out else ""
            syllable, i = (previous[-1] if previous[-1:] in "aiueo" else ""), i + 1
        elif char in _BASE:
            syllable, i = _BASE[char], i + 1
        else:
            syllable, i = char, i + 1
        if double_next and syllable[:1].isalpha() and syllable[0] not in "aiueon":
            syllable = ("t" if syllable.startswith("ch") else syllable[0]) + syllable
        double_next = False
        out.append(syllable)
    return "".join(out)
