"""The post-event blog draft: one context, a Markdown body template, and per-platform front matter.

Every preset and every custom template gets the same variables (README "Report variables"):
`conference`, `talks`, `own_talks`, `attended_talks`, `todos`, `retro`, `labels`, `lang`, `preset`,
`hashtags`, `front_matter` (already rendered YAML, "" for plain Markdown) and the filters `md` (make
timetable text inert for Markdown) and `link` (`[text](url)` for http(s) URLs, else the text).
Custom templates run in Jinja2's sandbox: no attributes starting with `_`, no Python internals.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from sqlite_utils import Database

from .. import notes as notes_mod
from .. import store
from ..model import zone
from ..text import safe_url

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


class Record(dict):
    """A dict whose keys read as attributes too: templates say `t.title` without a failed getattr first."""

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class ReportError(ValueError):
    """A custom template that cannot be rendered; the message says where and why."""


@dataclass
class Options:
    preset: str = "markdown"
    lang: str = ""  # "" = the conference's language
    honorific: str = ""  # さん / 様, Japanese only
    hashtag: str = ""  # "#JTF2019"
    track_hashtags: bool = False  # "#JTF2019_E" from each talk's room code
    retro: bool = False  # fun / done / learn sections
    template: str | None = None  # a custom Jinja2 template's text


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


def context(db: Database, conf: dict, options: Options) -> dict:
    """The documented variables every preset and custom template receives."""
    lang = options.lang or ("ja" if (conf.get("language") or "ja").startswith("ja") else "en")
    if lang not in LABELS:
        raise ReportError(f"language must be ja or en, not {lang!r}")
    honorific = options.honorific if lang == "ja" else ""
    sessions = store.sessions(db, conf, abstracts=False)
    texts = notes_mod.texts(db, conf)
    wanted = [s for s in sessions if s["status"] in ("speaking", "attended", "going") and not s["is_break"]]
    wanted.sort(
        key=lambda s: (
            s["status"] != "speaking",
            s["start"] is None,
            s["start"] or datetime.min.replace(tzinfo=zone("UTC")),
            s["room"],
        )
    )
    hashtag = options.hashtag.strip()
    if hashtag and not hashtag.startswith("#"):
        hashtag = "#" + hashtag
    talks = []
    for s in wanted:
        text = texts.get(s["key"], "")
        slides = next((x["url"] for x in s["links"] if x.get("kind") == "slides" and safe_url(x["url"])), "")
        talks.append(
            Record(
                {
                    "key": s["key"],
                    "code": s["code"],
                    "title": s["title"],
                    "time_range": f"{s['start']:%H:%M}-{s['end']:%H:%M}" if s["start"] else "",
                    "date": s["start"].date().isoformat() if s["start"] else "",
                    "room": s["room"],
                    "room_code": s["room_code"],
                    "track": s["track"],
                    "speakers": [p + honorific for p in s["speakers"]],
                    "slides": slides,
                    "links": [Record(x) for x in s["links"] if safe_url(x["url"]) and x["url"] != slides],
                    "notes": text.strip(),
                    "qa": [Record(p) for p in notes_mod.qa_pairs(text)],
                    "todos": [Record(t) for t in notes_mod.todos(text) if not t["done"]],
                    "status": s["status"],
                    "own": s["status"] == "speaking",
                    "cancelled": s["cancelled"],
                    "hashtag": f"{hashtag}_{s['room_code']}"
                    if hashtag and options.track_hashtags and s["room_code"]
                    else "",
                }
            )
        )
    tags = [hashtag] if hashtag else []
    tags += sorted({t["hashtag"] for t in talks if t["hashtag"]})
    return {
        "conference": Record(
            {
                "name": conf["name"],
                "slug": conf["slug"],
                "url": safe_url(conf.get("url")) or "",
                "timezone": conf["timezone"],
                "start_date": conf["start_date"],
                "end_date": conf["end_date"],
            }
        ),
        "talks": talks,
        "own_talks": [t for t in talks if t["own"]],
        "attended_talks": [t for t in talks if not t["own"]],
        "todos": [Record(text=t["text"], talk=talk) for talk in talks for t in talk["todos"]],
        "retro": _retro([t["notes"] for t in talks]) if options.retro else None,
        "labels": Record(LABELS[lang]),
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


def render(db: Database, conf: dict, options: Options, now: datetime | None = None) -> str:
    """The Markdown draft for `options.preset` (or the custom template)."""
    if options.preset not in PRESETS:
        raise ReportError(f"preset must be one of {', '.join(PRESETS)}")
    ctx = context(db, conf, options)
    now = (now or datetime.now(zone(conf["timezone"]))).astimezone(zone(conf["timezone"])).replace(microsecond=0)
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


def notes_zip(db: Database, conf: dict) -> bytes:
    """Every note as its own Markdown file (deterministic bytes for the same notes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        used: set[str] = set()
        for n in notes_mod.all_notes(db, conf):
            stem = re.sub(r"[^\w]+", "-", f"{n['code'] or ''} {n['title']}".strip().lower()).strip("-")[:60] or "note"
            name, i = f"{stem}.md", 2
            while name in used:
                name, i = f"{stem}-{i}.md", i + 1
            used.add(name)
            heading = f"{n['code']}: {n['title']}" if n["code"] else n["title"]
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, f"# {md(heading)}\n\n{n['text'].strip()}\n")
    return buffer.getvalue()
