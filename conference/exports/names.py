"""Names for what we hand out: ASCII file names, the article slug of a blog draft, tags and Zenn topics.

Browsers save a download under its UTF-8 name (RFC 6266 `filename*`), but blog tools need ASCII:
Zenn's article slug must match `^[0-9a-z\\-_]{12,50}$`, Jekyll wants `YYYY-MM-DD-<slug>.md`, and an
ASCII fallback `filename="…"` must name the file for clients that ignore `filename*`. Everything here
comes from what the user can change (`flask conference SLUG --name … --hashtag …`): the hashtag, else
the name (its ASCII words, else the name romanised when written in kana), plus the year. Never from
the file a timetable was uploaded in.
"""

from __future__ import annotations

import re
import unicodedata

from ..model import Conference
from . import kana

ZENN_SLUG = re.compile(r"^[0-9a-z\-_]{12,50}$")
ZENN_TOPIC_MAX = 18
ZENN_TOPICS_MAX = 5
QIITA_TAGS_MAX = 5
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+")
_YEAR = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])")


def ascii_words(text: str) -> list[str]:
    """The text's words in ASCII: its own ASCII part when it has one (a bilingual name's English half),
    else the text romanised when it is written in kana ("テックフェスタ" -> "tekkufesuta"), else none
    (kanji need a dictionary: see kana.py). Lowercase, letters and digits only."""
    text = unicodedata.normalize("NFKC", text or "")
    first_letter = re.search(r"[A-Za-z]", text)
    if first_letter:
        ascii_part = text[first_letter.start() :]
    elif any(kana.is_kana(c) for c in text) and all(kana.is_kana(c) or not c.isalpha() for c in text):
        ascii_part = kana.romanise(text)
    else:
        return []
    return [w.lower() for w in _ASCII_WORD.findall(ascii_part)]


def year(conf: Conference) -> str:
    return (conf.start_date or "")[:4]


def _with_year(words: list[str], conf: Conference) -> list[str]:
    if year(conf) and not any(_YEAR.search(w) or w.endswith(year(conf)[2:]) for w in words):  # "jtf2026", "dfes26"
        words = [*words, year(conf)]
    return words


def _join(words: list[str], limit: int) -> str:
    """Words joined with "-", cut at a word boundary to at most `limit` characters."""
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    return out or (words[0][:limit] if words else "")


def ascii_base(conf: Conference, hashtag: str = "") -> str:
    """The ASCII stem of every file name of `conf`: "jtf2026" (a hashtag), "demo-tech-festa-2026"
    (a name's ASCII words), "tekkufesuta-2026" (a name in kana), "conference-2026" (kanji only: the user sets a hashtag or the slug)."""
    tag = unicodedata.normalize("NFKC", hashtag or conf.hashtag).lstrip("#")
    if tag and re.fullmatch(r"[A-Za-z0-9_]+", tag):
        words = [re.sub(r"[^a-z0-9]", "", tag.lower())]
    else:
        words = ascii_words(conf.name) or ascii_words(tag) or ["conference"]
    return _join(_with_year(words, conf), 40) or "conference"


_NOT_IN_FILE_NAMES = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def download_stems(conf: Conference) -> tuple[str, str]:
    """(the stem of the name a browser saves a download under, its ASCII twin for `filename="…"`), from
    what the conference is called now (a rename changes both): with a hashtag, or a name in ASCII, the
    ASCII stem (ascii_base) for both ("jtf2026", "july-tech-festa-2026"); a name with Japanese in it
    keeps its own words for the saved file ("夏のテック祭り-2026", "大江戸Ruby会議08-2019"), beside an
    ASCII twin ("conference-2026", "ruby-08-2019")."""
    ascii_stem = ascii_base(conf)
    tag = unicodedata.normalize("NFKC", conf.hashtag or "").lstrip("#")
    name = unicodedata.normalize("NFKC", conf.name or "")
    if (tag and re.fullmatch(r"[A-Za-z0-9_]+", tag)) or name.isascii():
        return ascii_stem, ascii_stem
    words = [w for w in _NOT_IN_FILE_NAMES.sub(" ", name).split() if w.strip(".")]
    if year(conf) and not any(year(conf) in w for w in words):
        words.append(year(conf))
    stem = "-".join(words)[:60].strip("-.")
    return (stem or ascii_stem), ascii_stem


def article_slug(conf: Conference, hashtag: str = "") -> str:
    """The blog draft's default slug: `<ascii_base>-report`, always 12 to 50 of [0-9a-z-] (Zenn's rule)."""
    slug = f"{ascii_base(conf, hashtag)}-report"
    if len(slug) < 12:
        slug = f"{ascii_base(conf, hashtag)}-event-report"
    return slug[:50].strip("-")


def check_article_slug(slug: str) -> str | None:
    """Why `slug` cannot be an article slug (Zenn's rule), or None when it can."""
    if not ZENN_SLUG.match(slug):
        return f"the article slug must be 12 to 50 of a-z, 0-9, - and _ (Zenn's rule), not {slug!r}"
    return None


def ascii_file_name(name: str, fallback: str) -> str:
    """`name` when it is plain ASCII without quotes, else `fallback` (itself made safe): the `filename="…"`
    of a download (RFC 6266), for clients that do not read `filename*`."""
    if re.fullmatch(r"[A-Za-z0-9._ ()+,-]+", name or "") and not name.startswith("."):
        return name
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", unicodedata.normalize("NFKC", fallback or "")).strip("-.")
    return safe or "download"


def tag_from_name(conf: Conference) -> str:
    """A tag for the conference when it has no hashtag: its name without spaces or symbols
    ("Demo Tech Festa 2026" -> "DemoTechFesta2026"; a Japanese name stays Japanese)."""
    text = unicodedata.normalize("NFKC", conf.name)
    first_letter = re.search(r"[A-Za-z]", text)
    if first_letter:
        return "".join(_ASCII_WORD.findall(text[first_letter.start() :]))[:50]
    return "".join(re.findall(r"\w+", text))[:50]


def zenn_topics(tags: list[str], fallback: str = "event") -> list[str]:
    """Zenn topics from tags: lowercase a-z0-9 (a tag in kana romanised, one with kanji left out), at most 18 characters, unique
    after cutting (a cut that collides keeps the tag's end: "…tokyo2026a" -> "cloudnativedaystoa"), at most 5."""
    topics: list[str] = []
    for tag in tags:
        text = unicodedata.normalize("NFKC", tag).lstrip("#")
        plain = re.sub(r"[^a-z0-9]", "", text.lower())
        if not text.isascii():  # a Japanese tag: romanised when in kana, cut at a word's end
            plain = _join(ascii_words(text), ZENN_TOPIC_MAX).replace("-", "")
        if not plain:
            continue
        topic = plain[:ZENN_TOPIC_MAX]
        keep = 1
        while topic in topics and len(plain) > ZENN_TOPIC_MAX and keep < ZENN_TOPIC_MAX:
            topic = plain[: ZENN_TOPIC_MAX - keep] + plain[-keep:]  # a cut that collided keeps the tag's end
            keep += 1
        if topic not in topics:
            topics.append(topic)
        if len(topics) == ZENN_TOPICS_MAX:
            break
    return topics or [fallback]
