"""The post-event blog draft: one context, a Markdown body template, and per-platform front matter.

A pure function from (Conference, [PlannedSession], note texts, Options) to Markdown text.

Every preset and every custom template gets the same variables (README "Report variables"):
`conference`, `talks`, `own_talks`, `attended_talks`, `cancelled_talks`, `todos`, `retro`, `later`, `labels`, `lang`, `preset`,
`bundle`, `hashtags`, `front_matter` (already rendered YAML, "" for plain Markdown) and the filters `md` (make
timetable text inert for Markdown), `alt` (the same for an image's alt text) and `link` (`[text](url)` for
http(s) URLs, else the text). Each talk's `photos` are PhotoRef (exports/photos.py): in a Hugo page bundle
they are images (`![alt](file)`), elsewhere a `<!-- photo: file -->` marker where each goes.
Custom templates run in Jinja2's sandbox: no attributes starting with `_`, no Python internals.
"""

from __future__ import annotations

import functools
import re
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from markdown_it import MarkdownIt

from ..errors import BadInput
from ..links import safe_url
from ..model import Conference, Link, PlannedSession, zone
from ..notes import qa_lines, qa_pairs, todos
from ..planning import overlaps
from . import names
from .photos import PhotoRef, file_names, refs

PRESETS = ("hugo", "jekyll", "hatena", "zenn", "qiita", "markdown")
TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "reports"
RETRO_TAGS = ("fun", "done", "learn")
# Limits of a custom template (the sandbox keeps it from Python's insides; these keep it from
# eating the machine): its running time, its output, and any one string, list or number it builds.
TEMPLATE_SECONDS = 10.0
TEMPLATE_MAX_CHARS = 5_000_000

LABELS = {
    "ja": {
        "title": "{name} 参加レポート",
        "title_spoke": "{name} 登壇・参加レポート",
        "opening": "{event}（{dates}）に参加しました。",
        "opening_spoke": "{event}（{dates}）に登壇・参加しました。",
        "opening_undated": "{event} に参加しました。",
        "opening_undated_spoke": "{event} に登壇・参加しました。",
        "intro": "<!-- はじめに: なぜ参加したか、どんなイベントだったか -->",
        "event": "イベント",
        "own": "登壇しました",
        "talks": "参加したセッション",
        "cancelled_talks": "中止になったセッション",
        "clashed": "予定が重なっていたセッション",
        "sessions": "セッションごとのメモ",
        "speakers": "登壇者",
        "slides": "スライド",
        "links": "リンク",
        "hashtag": "ハッシュタグ",
        "notes": "メモ",
        "qa": "Q&A",
        "asked": "いただいた質問",
        "todo": "TODO",
        "all_todos": "TODO まとめ",
        "retro": "ふりかえり",
        "impressions": "感想",
        "impressions_hint": "<!-- 全体の感想をここに -->",
        "wrapup": "おわりに",
        "wrapup_hint": "<!-- まとめをここに -->",
        "references": "参考リンク",
        "no_notes": "<!-- メモなし -->",
        "description": "{name} に参加したメモ",
        "cancelled": "（中止）",
        "later": "あとで見る",
        "recording": "録画",
        "no_recording": "（録画の公開待ち）",
    },
    "en": {
        "title": "{name}: my notes",
        "title_spoke": "{name}: my talk and notes",
        "opening": "I attended {event} ({dates}).",
        "opening_spoke": "I spoke at and attended {event} ({dates}).",
        "opening_undated": "I attended {event}.",
        "opening_undated_spoke": "I spoke at and attended {event}.",
        "intro": "<!-- Introduction: why you went, what the event was like -->",
        "event": "Event",
        "own": "My talk",
        "talks": "Talks I attended",
        "cancelled_talks": "Cancelled talks",
        "clashed": "Planned, at the same time as another",
        "sessions": "Notes per talk",
        "speakers": "Speakers",
        "slides": "Slides",
        "links": "Links",
        "hashtag": "Hashtag",
        "notes": "Notes",
        "qa": "Q&A",
        "asked": "Questions I was asked",
        "todo": "TODO",
        "all_todos": "All TODOs",
        "retro": "Retrospective",
        "impressions": "Impressions",
        "impressions_hint": "<!-- Your impressions of the day -->",
        "wrapup": "Wrap-up",
        "wrapup_hint": "<!-- Your wrap-up -->",
        "references": "References",
        "no_notes": "<!-- no notes -->",
        "description": "Notes from {name}",
        "cancelled": " (cancelled)",
        "later": "Watch later",
        "recording": "recording",
        "no_recording": " (no recording yet)",
    },
}

# Each platform's rules (../shared/FIELD-NOTES.md "Blog platforms' own rules", measured with the real
# tools in tests/test_report_platforms.py): the read-more divider, whether `- [ ]` is a checkbox there,
# whether a single newline is a line break (the preview follows these).
DIVIDER = {"hugo": "<!--more-->", "jekyll": "<!--more-->", "hatena": "<!-- more -->"}
TASK_LISTS = {"hugo": True, "jekyll": True, "hatena": False, "zenn": True, "qiita": True, "markdown": True}
BREAKS = {"hugo": False, "jekyll": False, "hatena": False, "zenn": True, "qiita": True, "markdown": False}
ZENN_TITLE_MAX = 70
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip
WEEKDAYS_JA = "月火水木金土日"


HONORIFICS = ("さん", "様")
SHOWN = ("speaking", "attended", "going")  # the talks a report is about


class ReportError(BadInput):
    """A custom template that cannot be rendered, or options that make no report; says where and why."""


@dataclass(frozen=True)
class Options:
    preset: str = "markdown"
    lang: str = ""  # "" = the conference's language
    honorific: str = ""  # さん / 様, Japanese only
    hashtag: str = ""  # "#JTF2019"; "" = the conference's own hashtag (`flask conference SLUG --hashtag`)
    track_hashtags: bool = False  # "#JTF2019_E" from each talk's room code
    retro: bool = False  # fun / done / learn sections
    template: str | None = None  # a custom Jinja2 template's text
    now: datetime | None = None  # the report's date (front matter); None: the current time
    time_limit: float = TEMPLATE_SECONDS  # a custom template is stopped after this many seconds
    slug: str = ""  # the article's slug (file name; Zenn's rule); "" = names.article_slug
    photos: tuple = ()  # the attendee's slide photos (model.Photo; with their bytes for a bundle or zip)
    bundle: bool = False  # a page bundle: Hugo gets its photos as images beside index.md (exports/bundle.py)

    def check(self) -> Options:
        """These options, or ReportError naming the one that makes no report."""
        if self.preset not in PRESETS:
            raise ReportError(f"preset must be one of {', '.join(PRESETS)}", field="preset")
        if self.lang and self.lang not in LABELS:
            raise ReportError(f"language must be ja or en, not {self.lang!r}", field="lang")
        if self.honorific and self.honorific not in HONORIFICS:
            raise ReportError(f"honorific must be one of {', '.join(HONORIFICS)}", field="honorific")
        if self.slug and (why := names.check_article_slug(self.slug)):
            raise ReportError(why, field="slug")
        return self


def with_honorific(speaker: str, honorific: str) -> str:
    """The honorific after the name and before an affiliation or handle: "大村 (PFN)" -> "大村さん (PFN)"."""
    if not honorific:
        return speaker
    found = re.search(r"\s*[(（［\[]|\s+[@＠/／|｜]", speaker)
    if found and found.start() > 0:
        return speaker[: found.start()] + honorific + speaker[found.start() :]
    return speaker + honorific


@dataclass(frozen=True, slots=True)
class Talk:
    """A talk in the report (README "Report variables"): the PlannedSession plus what the attendee wrote.

    Templates read `t.title`, `t.code`… straight from the session; `speakers` carry the honorific,
    `links` are the safe links other than `slides`, `notes` is the note as written, `body` the note
    for this preset without the Q&A and open TODO lines (those come once, as `qa` and `todos`).
    """

    session: PlannedSession
    speakers: tuple[str, ...]
    slides: str
    links: tuple[Link, ...]
    notes: str
    qa: tuple[dict, ...]  # {q, a}
    todos: tuple[dict, ...]  # open ones: {text, line, done}
    hashtag: str
    body: str = ""
    photos: tuple[PhotoRef, ...] = ()

    key = property(lambda self: self.session.key)
    code = property(lambda self: self.session.code)
    title = property(lambda self: self.session.title)
    room = property(lambda self: self.session.room)
    room_code = property(lambda self: self.session.room_code)
    track = property(lambda self: self.session.track)
    status = property(lambda self: self.session.status)
    cancelled = property(lambda self: self.session.cancelled)

    @property
    def own(self) -> bool:
        return self.session.status == "speaking"

    @property
    def time_range(self) -> str:
        s = self.session
        return f"{s.start:%H:%M}-{s.end:%H:%M}" if s.start else ""

    @property
    def date(self) -> str:
        return self.session.start.date().isoformat() if self.session.start else ""


def md(text) -> str:
    """Timetable text made inert for Markdown: no HTML can start, no line can become structure."""
    text = " ".join(str(text or "").split())
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def md_alt(text) -> str:
    """Text made inert as an image's alt text `![…](file)`. Brackets stay as they are when they pair up
    (CommonMark allows that); others, and backslashes, become their full-width twins: Hugo's Markdown
    (goldmark, Hugo 0.111) shows backslash escapes inside alt text as they are."""
    text = md(text).replace("\\", "＼")
    depth = 0
    for c in text:
        depth += {"[": 1, "]": -1}.get(c, 0)
        if depth < 0:
            break
    if depth:
        text = text.replace("[", "［").replace("]", "］")
    return text


def md_link(text, url) -> str:
    label = md(text).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    url = safe_url(url)
    if not url:
        return label
    return f"[{label}]({url.replace(' ', '%20').replace('(', '%28').replace(')', '%29')})"


# --- the note's text, as each platform must get it ---------------------------------------------

_FENCE = re.compile(r"^\s*(```|~~~)")
_HASH_START = re.compile(r"^(\s{0,3})(#{1,6})(?=[^#\s])")  # "#learn …": a heading on Hatena, text elsewhere
_TASK = re.compile(r"^(\s*[-*+]\s+)\[([ xX])\]\s+")


def _outside_fences(text: str, change) -> str:
    """`change(line)` applied to each line outside fenced code blocks."""
    out, fenced = [], False
    for line in text.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
            out.append(line)
        else:
            out.append(line if fenced else change(line))
    return "\n".join(out)


def task(done: bool, preset: str) -> str:
    """A TODO's box: `[ ]` where the platform renders task lists, else the plain ☐ / ☑ (Hatena)."""
    if TASK_LISTS.get(preset, True):
        return "[x]" if done else "[ ]"
    return "☑" if done else "☐"


def for_platform(text: str, preset: str) -> str:
    """Markdown the attendee wrote, made right for the platform: on Hatena a line never starts with a
    hashtag (`\\#`: Hatena's Markdown makes any `#…` line a heading) and TODOs are ☐/☑ (no task lists
    there); on Zenn an HTML comment sits on one line (a longer one is shown as text)."""
    if preset == "hatena":
        text = _outside_fences(
            text,
            lambda line: _TASK.sub(
                lambda m: f"{m.group(1)}{task(m.group(2) in 'xX', preset)} ", _HASH_START.sub(r"\1\\\2", line)
            ),
        )
    if preset == "zenn":
        text = re.sub(r"<!--(.*?)-->", lambda m: "<!--" + " ".join(m.group(1).split()) + " -->", text, flags=re.S)
    return text


_COMMONMARK = MarkdownIt("commonmark")
TALK_HEADING = 4  # body.md.j2: `## 参加したセッション`, then `#### A10: title` per talk, its notes below


def shift_headings(text: str, below: int = TALK_HEADING) -> str:
    """The attendee's Markdown with its headings moved under a heading of level `below`: `#` becomes level
    below + 1, `##` below + 2…, at most 6; an underlined (setext) heading becomes a `#` one of its new
    level. What CommonMark does not read as a heading stays as it is: code blocks (fenced or indented),
    `#learn`, `#7` (no space after the `#`)."""
    if below <= 0 or not any(c in text for c in "#=-"):
        return text
    lines = text.split("\n")
    tokens = _COMMONMARK.parse(text)
    for i, token in enumerate(tokens):
        if token.type != "heading_open" or not token.map:
            continue
        level = min(6, int(token.tag[1:]) + below)
        start, end = token.map
        if token.markup.startswith("#"):
            lines[start] = re.sub(rf"(?<!#)#{{{len(token.markup)}}}(?=[ \t]|$)", "#" * level, lines[start], count=1)
            continue
        inline = tokens[i + 1].content  # setext: the heading's lines, then its underline
        prefix = lines[start][: max(0, lines[start].find(inline.split("\n")[0]))]  # "> " in a quote
        lines[start] = f"{prefix}{'#' * level} {' '.join(inline.split())}"
        for n in range(start + 1, end):
            lines[n] = None
    return "\n".join(line for line in lines if line is not None)


def _body(text: str, preset: str) -> str:
    """The note without its Q&A lines and open TODOs (the report lists those once, right below), its
    headings below the talk's own (a note's `#` never outranks the talk or the draft's `## 感想`)."""
    lines = text.split("\n")
    drop = qa_lines(text) | {t["line"] for t in todos(text) if not t["done"]}
    kept = "\n".join(line for n, line in enumerate(lines) if n not in drop)
    kept = re.sub(r"\n{3,}", "\n\n", kept).strip()
    return for_platform(shift_headings(kept), preset)


# --- front matter --------------------------------------------------------------------------------


class _Yes(str):
    """Hatena's sync tools write `Draft: yes`."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Yes, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:bool", "yes"))


def _short_title(title: str, name: str, limit: int) -> str:
    """`title` cut to `limit` characters by shortening the conference's name in it (Zenn: 70)."""
    if len(title) <= limit:
        return title
    room = limit - (len(title) - len(name)) - 1
    return title.replace(name, name[: max(room, 1)] + "…") if room > 0 else title[: limit - 1] + "…"


def front_matter(preset: str, ctx: dict, now: datetime) -> str:
    """Each platform's own front matter, written by a YAML library (quotes and colons stay valid)."""
    conf, labels = ctx["conference"], ctx["labels"]
    title = ctx["title"]
    tags = ctx["tags"]
    if preset == "hugo":
        data = {
            "title": title,
            "date": now.isoformat(timespec="seconds"),
            "tags": tags,
            "categories": [labels["event"]],
            "description": labels["description"].format(name=conf["name"]),
            "draft": True,
        }
    elif preset == "jekyll":
        data = {
            "layout": "post",
            "title": title,
            "date": now.strftime("%Y-%m-%d %H:%M:%S %z"),
            "categories": [labels["event"]],
            "tags": tags,
            "published": False,  # a draft: Jekyll leaves it out until you say true
            "excerpt_separator": DIVIDER["jekyll"],
        }
    elif preset == "hatena":
        data = {
            "Title": title,
            "Date": now.isoformat(timespec="seconds"),
            "Category": [labels["event"], *tags],
            "Draft": _Yes("yes"),
        }
    elif preset == "zenn":
        data = {
            "title": _short_title(title, conf["name"], ZENN_TITLE_MAX),
            "emoji": "🎤",
            "type": "idea",
            "topics": names.zenn_topics(tags),
            "published": False,
        }
    elif preset == "qiita":
        data = {  # every key `qiita new` writes: qiita-cli refuses a file that lacks one
            "title": title,
            "tags": tags[: names.QIITA_TAGS_MAX],
            "private": False,
            "updated_at": "",
            "id": None,
            "organization_url_name": None,
            "slide": False,
            "ignorePublish": True,
        }
    else:
        return ""
    return (
        "---\n"
        + yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False)
        + "---\n"
    )


# --- the context -------------------------------------------------------------------------------

_RETRO = {tag: re.compile(rf"(?<![0-9A-Za-z_#&/]){'#'}{tag}(?![0-9A-Za-z_])", re.IGNORECASE) for tag in RETRO_TAGS}


def _retro(texts: list[str]) -> dict[str, list[str]]:
    """Lines tagged #fun / #done / #learn anywhere (after a space, 。 or 、, or at the start), tag removed."""
    found: dict[str, list[str]] = {tag: [] for tag in RETRO_TAGS}
    for text in texts:
        for line in text.splitlines():
            for tag in RETRO_TAGS:
                if _RETRO[tag].search(line):
                    cleaned = " ".join(_RETRO[tag].sub(" ", line).split())
                    cleaned = re.sub(r"(?<=[。、！？])\s+", "", cleaned)  # "大事。 #learn 復元…" -> "大事。復元…"
                    cleaned = re.sub(r"^(?:[-*+]\s+)?(?:\[[ xX]\]\s+)?", "", cleaned).strip(" 、,;:")
                    found[tag].append(cleaned)
    return found


def _dates(start: str | None, end: str | None, lang: str) -> str:
    """The event's date(s): "2026年7月25日(土)" / "2026年7月25日(土)〜26日(日)" / "25 July 2026" / "25–26 July 2026"."""
    if not start:
        return ""
    first = date.fromisoformat(start)
    last = date.fromisoformat(end) if end else first
    if lang == "ja":

        def ja(d: date, *, year: bool = True, month: bool = True) -> str:
            head = (f"{d.year}年" if year else "") + (f"{d.month}月" if month else "")
            return f"{head}{d.day}日({WEEKDAYS_JA[d.weekday()]})"

        if last == first:
            return ja(first)
        return f"{ja(first)}〜{ja(last, year=last.year != first.year, month=(last.year, last.month) != (first.year, first.month))}"
    if last == first:
        return f"{first.day} {MONTHS[first.month - 1]} {first.year}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {MONTHS[first.month - 1]} {first.year}"
    if first.year == last.year:
        return f"{first.day} {MONTHS[first.month - 1]} – {last.day} {MONTHS[last.month - 1]} {first.year}"
    return f"{first.day} {MONTHS[first.month - 1]} {first.year} – {last.day} {MONTHS[last.month - 1]} {last.year}"


def _talk(
    s: PlannedSession, text: str, honorific: str, hashtag: str, preset: str, photos: tuple[PhotoRef, ...] = ()
) -> Talk:
    slides = next((x.url for x in s.links if x.kind == "slides" and safe_url(x.url)), "")
    own = s.status == "speaking"
    return Talk(
        session=s,
        speakers=tuple(with_honorific(p, "" if own else honorific) for p in s.speakers),
        slides=slides,
        links=tuple(x for x in s.links if safe_url(x.url) and x.url != slides),
        notes=text.strip(),
        qa=tuple(qa_pairs(text)),
        todos=tuple(t for t in todos(text) if not t["done"]),
        hashtag=hashtag,
        body=_body(text, preset),
        photos=photos,
    )


def _hashtag(options: Options, conf: Conference) -> str:
    tag = (options.hashtag or conf.hashtag or "").strip()
    return "#" + tag.lstrip("#") if tag.lstrip("#") else ""


def article_slug(conf: Conference, options: Options) -> str:
    """The article's slug: the one the user gave, else derived from the hashtag or the name (names.article_slug)."""
    return options.slug or names.article_slug(conf, _hashtag(options, conf))


def file_name(conf: Conference, options: Options) -> str:
    """The draft's download name as its platform wants it (ASCII): Jekyll `YYYY-MM-DD-<slug>.md` (the
    event's first day: Jekyll skips a post without it), every other preset `<slug>.md` (Zenn's slug rule)."""
    options.check()
    slug = article_slug(conf, options)
    if options.preset == "jekyll" and conf.start_date:
        return f"{conf.start_date}-{slug}.md"
    return f"{slug}.md"


def context(conf: Conference, sessions: Sequence[PlannedSession], notes: Mapping[str, str], options: Options) -> dict:
    """The documented variables every preset and custom template receives."""
    options.check()
    lang = options.lang or ("ja" if (conf.language or "ja").startswith("ja") else "en")
    honorific = options.honorific if lang == "ja" else ""
    wanted = sorted(
        (s for s in sessions if s.status in SHOWN and not s.is_break),
        key=lambda s: (
            s.status != "speaking",
            s.start is None,
            s.start or datetime.min.replace(tzinfo=zone("UTC")),
            s.room,
        ),
    )
    hashtag = _hashtag(options, conf)
    photo_files = file_names(wanted, options.photos)
    talks = [
        _talk(
            s,
            notes.get(s.key, ""),
            honorific,
            f"{hashtag}_{s.room_code}" if hashtag and options.track_hashtags and s.room_code else "",
            options.preset,
            refs(s, options.photos, photo_files),
        )
        for s in wanted
    ]
    later = [
        {
            "session": s,
            "code": s.code,
            "title": s.title,
            "recordings": [x for x in s.links if x.kind == "video" and safe_url(x.url)],
        }
        for s in sessions
        if s.status == "later" and not s.is_break
    ]
    # What the draft says the attendee did. A talk the organisers cancelled was neither given nor attended,
    # whatever its mark (a note written before the cancellation marked it attended). A "going" talk that
    # overlaps one the attendee attended or gave was not attended: they were in the other room.
    # A "going" talk with its own notes or photos was attended (the note marks it so). Two "going" talks
    # at the same time without either are a clash nobody resolved: the draft does not claim both (nor
    # picks one), it names them on one line (`clashed_talks`).
    written = {t.key for t in talks if t.notes or t.photos}
    live = [s for s in wanted if not s.cancelled]
    there = [s for s in live if s.status in ("attended", "speaking") or s.key in written]
    held = {s.key for s in there}
    going = [s for s in live if s.status == "going" and s.key not in held]
    elsewhere = {s.key for s in going if any(overlaps(s, o) for o in there)}
    planned = [s for s in going if s.key not in elsewhere]
    unresolved = {s.key for s in planned if any(o.key != s.key and overlaps(s, o) for o in planned)}
    own_talks = [t for t in talks if t.own and not t.cancelled]
    attended_talks = [
        t for t in talks if not t.own and not t.cancelled and t.key not in elsewhere and t.key not in unresolved
    ]
    clashed_talks = [t for t in talks if t.key in unresolved]
    cancelled_talks = [t for t in talks if t.cancelled]  # listed on their own, marked 中止 / cancelled
    # Notes per talk: those, and any other talk the attendee wrote about or photographed (a cancelled one
    # marked so).
    counted = {t.key for t in (*own_talks, *attended_talks)}
    talks = [t for t in talks if t.key in counted or t.notes or t.photos]
    hashtags = [hashtag] if hashtag else []
    hashtags += sorted({t.hashtag for t in talks if t.hashtag})
    labels = dict(LABELS[lang])
    spoke = bool(own_talks)
    url = safe_url(conf.url) or ""
    dates = _dates(conf.start_date, conf.end_date, lang)
    event = md_link(conf.name, url) if url else md(conf.name)
    opening = labels[("opening" if dates else "opening_undated") + ("_spoke" if spoke else "")]
    references = [
        {"url": link.url, "title": link.title, "talk": t}
        for t in talks
        for link in t.links
        if link.id is not None  # the attendee's own links; the slides are in the talk list already
    ]
    return {
        "conference": {
            "name": conf.name,
            "slug": conf.slug,
            "url": url,
            "hashtag": conf.hashtag,
            "timezone": conf.timezone,
            "start_date": conf.start_date,
            "end_date": conf.end_date,
            "dates": dates,
        },
        "title": labels["title_spoke" if spoke else "title"].format(name=conf.name),
        "opening": opening.format(event=event, dates=dates),
        "spoke": spoke,
        "talks": talks,
        "own_talks": own_talks,
        "attended_talks": attended_talks,
        "cancelled_talks": cancelled_talks,
        "clashed_talks": clashed_talks,
        "todos": [{"text": t["text"], "talk": talk} for talk in talks for t in talk.todos],
        "retro": _retro([t.notes for t in talks]) if options.retro else None,
        "later": later,
        "bundle": options.bundle,
        "references": references,
        "labels": labels,
        "lang": lang,
        "preset": options.preset,
        "hashtags": hashtags,
        "tags": [t.lstrip("#") for t in hashtags] or [names.tag_from_name(conf)],
        "divider": DIVIDER.get(options.preset, ""),
        "article_slug": article_slug(conf, options),
    }


_WIDE = re.compile(r"\d{7,}")  # a width of a million or more in a format string ("{:>1000000000}")


class _Limit(SecurityError):
    """A custom template went over a limit."""


def _check_size(value):
    if isinstance(value, str | bytes | list | tuple | dict | set) and len(value) > TEMPLATE_MAX_CHARS:
        raise _Limit(f"builds a value of {len(value):,} items; the limit is {TEMPLATE_MAX_CHARS:,}")
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        raise _Limit("builds a number larger than 2**256")
    return value


def _check_args(args) -> None:
    for value in args:
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > TEMPLATE_MAX_CHARS:
            raise _Limit(f"asks for {value:,} (widths and counts are limited to {TEMPLATE_MAX_CHARS:,})")
        if isinstance(value, str) and _WIDE.search(value) and ("{" in value or "%" in value):
            raise _Limit("formats with a width of a million or more")


class _LimitedSandbox(SandboxedEnvironment):
    """Jinja's sandbox, plus: no operator, call, filter or attribute may produce (or ask for) a value over
    TEMPLATE_MAX_CHARS, so "x" * 10**9 or "x".ljust(10**9) fails before it allocates."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def call_binop(self, context, operator, left, right):
        _check_args((left, right))
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(n, int):
                    _check_size(range(len(seq) * max(n, 0)))
        elif operator == "**" and isinstance(right, int | float) and right > 256:
            raise _Limit("raises to a power over 256")
        elif operator == "+" and isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
            _check_size(range(len(left) + len(right)))
        return _check_size(super().call_binop(context, operator, left, right))

    def call(__self, __context, __obj, *args, **kwargs):
        _check_args((*args, *kwargs.values()))
        return _check_size(super().call(__context, __obj, *args, **kwargs))

    def getattr(self, obj, attribute):
        if isinstance(obj, str) and attribute in ("format", "format_map"):
            _check_args((obj,))  # "{:>1000000000}".format(…)
        return _check_size(super().getattr(obj, attribute))

    def getitem(self, obj, argument):
        return _check_size(super().getitem(obj, argument))


def _limited_filter(function):
    @functools.wraps(function)  # keeps the @pass_context / @pass_environment marks
    def limited(*args, **kwargs):
        _check_args((*args[1:], *kwargs.values()))
        if function.__name__ == "do_format" and args:
            _check_args((args[0],))
        return _check_size(function(*args, **kwargs))

    return limited


def _tidy(text: str) -> str:
    """At most one blank line in a row (outside fenced code, where the attendee's text stays as it is),
    and one newline at the end."""
    out: list[str] = []
    fenced = False
    for line in text.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
        if not fenced and not line.strip() and out and not out[-1].strip():
            continue
        out.append(line)
    return "\n".join(out).rstrip("\n") + "\n"


@lru_cache(maxsize=2)
def _environment(sandboxed: bool) -> Environment:
    """Our own presets run in a plain environment (compiled once); the attendee's templates in the sandbox."""
    kind = _LimitedSandbox if sandboxed else Environment
    options = {"autoescape": False, "keep_trailing_newline": True, "trim_blocks": True, "lstrip_blocks": True}
    env = kind(loader=FileSystemLoader(str(TEMPLATES)), **options)
    env.filters["md"] = md
    env.filters["link"] = md_link
    env.filters["alt"] = md_alt
    env.filters["task"] = task
    env.filters["headings"] = shift_headings
    if sandboxed:
        env.filters = {name: _limited_filter(f) for name, f in env.filters.items()}
    return env


def _render_limited(template, ctx: dict, seconds: float) -> str:
    """A custom template's output, stopped past `seconds` of running or TEMPLATE_MAX_CHARS of output.

    The clock is checked on every line the template's compiled code runs (a trace limited to the
    template's own frames), so even a loop that writes nothing is stopped; the strings it keeps in
    variables are checked there too (a = a ~ a doubles without any call to intercept).
    """
    deadline = time.monotonic() + seconds

    def local(frame, _event, _arg):
        if time.monotonic() > deadline:
            raise _Limit(f"ran longer than {seconds:g} s")
        for value in frame.f_locals.values():
            _check_size(value)
        return local

    def calls(frame, _event, _arg):
        return local if frame.f_code.co_filename == "<template>" else None

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        parts, size = [], 0
        for part in template.generate(**ctx):
            size += len(part)
            if size > TEMPLATE_MAX_CHARS:
                raise _Limit(f"writes more than {TEMPLATE_MAX_CHARS:,} characters")
            parts.append(part)
        return "".join(parts)
    finally:
        sys.settrace(previous)


def render(conf: Conference, sessions: Sequence[PlannedSession], notes: Mapping[str, str], options: Options) -> str:
    """The Markdown draft for `options.preset` (or the custom template); ReportError when it cannot be made."""
    ctx = context(conf, sessions, notes, options)
    tz = zone(conf.timezone)
    now = (options.now or datetime.now(tz)).astimezone(tz).replace(microsecond=0)
    ctx["front_matter"] = front_matter(options.preset, ctx, now)
    try:
        if options.template is not None:
            env = _environment(sandboxed=True).overlay(undefined=StrictUndefined)
            return _render_limited(env.from_string(options.template), ctx, options.time_limit)
        return _tidy(_environment(sandboxed=False).get_template("body.md.j2").render(**ctx))
    except _Limit as exc:
        raise ReportError(f"template: stopped: it {exc}") from exc
    except TemplateError as exc:
        where = f"line {exc.lineno}: " if getattr(exc, "lineno", None) else ""
        raise ReportError(f"template: {where}{exc}") from exc
