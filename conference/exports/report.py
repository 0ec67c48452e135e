"""The post-event blog draft: one context, a Markdown body template, and per-platform front matter.

A pure function from (Conference, [PlannedSession], note texts, Options) to Markdown text.

Every preset and every custom template gets the same variables (README "Report variables"):
`conference`, `talks`, `own_talks`, `attended_talks`, `todos`, `retro`, `labels`, `lang`, `preset`,
`hashtags`, `front_matter` (already rendered YAML, "" for plain Markdown) and the filters `md` (make
timetable text inert for Markdown) and `link` (`[text](url)` for http(s) URLs, else the text).
Custom templates run in Jinja2's sandbox: no attributes starting with `_`, no Python internals.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from ..errors import BadInput
from ..links import safe_url
from ..model import Conference, Link, PlannedSession, zone
from ..notes import qa_pairs, todos

PRESETS = ("hugo", "jekyll", "hatena", "zenn", "qiita", "markdown")
TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "reports"
RETRO_TAGS = ("fun", "done", "learn")

LABELS = {
    "ja": {
        "title": "{name} 参加レポート",
        "intro": "<!-- はじめに: どんなイベントで、なぜ参加したか -->",
        "event": "イベント",
        "own": "登壇しました",
        "talks": "参加したセッション",
        "sessions": "セッションごとのメモ",
        "speakers": "登壇者",
        "slides": "スライド",
        "links": "リンク",
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
    },
    "en": {
        "title": "{name}: my notes",
        "intro": "<!-- Introduction: the event, and why you went -->",
        "event": "Event",
        "own": "My talk",
        "talks": "Talks I attended",
        "sessions": "Notes per talk",
        "speakers": "Speakers",
        "slides": "Slides",
        "links": "Links",
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
    },
}


HONORIFICS = ("さん", "様")
SHOWN = ("speaking", "attended", "going")  # the talks a report is about


class ReportError(BadInput):
    """A custom template that cannot be rendered, or options that make no report; says where and why."""


@dataclass(frozen=True)
class Options:
    preset: str = "markdown"
    lang: str = ""  # "" = the conference's language
    honorific: str = ""  # さん / 様, Japanese only
    hashtag: str = ""  # "#JTF2019"
    track_hashtags: bool = False  # "#JTF2019_E" from each talk's room code
    retro: bool = False  # fun / done / learn sections
    template: str | None = None  # a custom Jinja2 template's text
    now: datetime | None = None  # the report's date (front matter); None: the current time

    def check(self) -> Options:
        """These options, or ReportError naming the one that makes no report."""
        if self.preset not in PRESETS:
            raise ReportError(f"preset must be one of {', '.join(PRESETS)}", field="preset")
        if self.lang and self.lang not in LABELS:
            raise ReportError(f"language must be ja or en, not {self.lang!r}", field="lang")
        if self.honorific and self.honorific not in HONORIFICS:
            raise ReportError(f"honorific must be one of {', '.join(HONORIFICS)}", field="honorific")
        return self


@dataclass(frozen=True, slots=True)
class Talk:
    """A talk in the report (README "Report variables"): the PlannedSession plus what the attendee wrote.

    Templates read `t.title`, `t.code`… straight from the session; `speakers` carry the honorific,
    `links` are the safe links other than `slides`, `notes`/`qa`/`todos` come from the note.
    """

    session: PlannedSession
    speakers: tuple[str, ...]
    slides: str
    links: tuple[Link, ...]
    notes: str
    qa: tuple[dict, ...]  # {q, a}
    todos: tuple[dict, ...]  # open ones: {text, line, done}
    hashtag: str

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


def md_link(text, url) -> str:
    label = md(text).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    url = safe_url(url)
    if not url:
        return label
    return f"[{label}]({url.replace(' ', '%20').replace('(', '%28').replace(')', '%29')})"


class _Yes(str):
    """Hatena's sync tools write `Draft: yes`."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Yes, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:bool", "yes"))


def front_matter(preset: str, ctx: dict, now: datetime) -> str:
    """Each platform's own front matter, written by a YAML library (quotes and colons stay valid)."""
    conf, labels = ctx["conference"], ctx["labels"]
    title = labels["title"].format(name=conf["name"])
    tags = [t.lstrip("#") for t in ctx["hashtags"]] or [conf["slug"]]
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
        }
    elif preset == "hatena":
        data = {
            "Title": title,
            "Date": now.isoformat(timespec="seconds"),
            "Category": [labels["event"], *tags],
            "Draft": _Yes("yes"),
        }
    elif preset == "zenn":
        topics = [re.sub(r"[^a-z0-9]", "", t.lower())[:20] for t in tags]
        data = {
            "title": title,
            "emoji": "🎤",
            "type": "idea",
            "topics": [t for t in topics if t][:5] or ["event"],
            "published": False,
        }
    elif preset == "qiita":
        data = {
            "title": title,
            "tags": tags[:5],
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


def _retro(texts: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {tag: [] for tag in RETRO_TAGS}
    for text in texts:
        for line in text.splitlines():
            for tag in RETRO_TAGS:
                if re.search(rf"(^|\s)#{tag}\b", line, re.IGNORECASE):
                    cleaned = re.sub(rf"(^|\s)#{tag}\b", " ", line, flags=re.IGNORECASE)
                    found[tag].append(re.sub(r"^\s*[-*+]\s+", "", cleaned).strip())
    return found


def _talk(s: PlannedSession, text: str, honorific: str, hashtag: str) -> Talk:
    slides = next((x.url for x in s.links if x.kind == "slides" and safe_url(x.url)), "")
    return Talk(
        session=s,
        speakers=tuple(p + honorific for p in s.speakers),
        slides=slides,
        links=tuple(x for x in s.links if safe_url(x.url) and x.url != slides),
        notes=text.strip(),
        qa=tuple(qa_pairs(text)),
        todos=tuple(t for t in todos(text) if not t["done"]),
        hashtag=hashtag,
    )


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
    hashtag = options.hashtag.strip()
    if hashtag and not hashtag.startswith("#"):
        hashtag = "#" + hashtag
    talks = [
        _talk(
            s,
            notes.get(s.key, ""),
            honorific,
            f"{hashtag}_{s.room_code}" if hashtag and options.track_hashtags and s.room_code else "",
        )
        for s in wanted
    ]
    tags = [hashtag] if hashtag else []
    tags += sorted({t.hashtag for t in talks if t.hashtag})
    return {
        "conference": {
            "name": conf.name,
            "slug": conf.slug,
            "url": safe_url(conf.url) or "",
            "timezone": conf.timezone,
            "start_date": conf.start_date,
            "end_date": conf.end_date,
        },
        "talks": talks,
        "own_talks": [t for t in talks if t.own],
        "attended_talks": [t for t in talks if not t.own],
        "todos": [{"text": t["text"], "talk": talk} for talk in talks for t in talk.todos],
        "retro": _retro([t.notes for t in talks]) if options.retro else None,
        "labels": dict(LABELS[lang]),
        "lang": lang,
        "preset": options.preset,
        "hashtags": tags,
    }


@lru_cache(maxsize=2)
def _environment(sandboxed: bool) -> Environment:
    """Our own presets run in a plain environment (compiled once); the attendee's templates in the sandbox."""
    kind = SandboxedEnvironment if sandboxed else Environment
    options = {"autoescape": False, "keep_trailing_newline": True, "trim_blocks": True, "lstrip_blocks": True}
    env = kind(loader=FileSystemLoader(str(TEMPLATES)), **options)
    env.filters["md"] = md
    env.filters["link"] = md_link
    return env


def render(conf: Conference, sessions: Sequence[PlannedSession], notes: Mapping[str, str], options: Options) -> str:
    """The Markdown draft for `options.preset` (or the custom template); ReportError when it cannot be made."""
    ctx = context(conf, sessions, notes, options)
    tz = zone(conf.timezone)
    now = (options.now or datetime.now(tz)).astimezone(tz).replace(microsecond=0)
    ctx["front_matter"] = front_matter(options.preset, ctx, now)
    try:
        if options.template is not None:
            env = _environment(sandboxed=True).overlay(undefined=StrictUndefined)
            template = env.from_string(options.template)
        else:
            template = _environment(sandboxed=False).get_template("body.md.j2")
        return template.render(**ctx)
    except TemplateError as exc:
        where = f"line {exc.lineno}: " if getattr(exc, "lineno", None) else ""
        raise ReportError(f"template: {where}{exc}") from exc
