"""Check blog drafts and calendars with the platforms' real tools, for the tests.

Each helper runs the real thing on a throwaway copy and returns what the platform would show:
- Hugo (Debian's `hugo`): `hugo_build` builds a minimal site and returns the page and its list summary;
  `hugo_build_bundle` builds a page bundle (a folder: index.md and its images) and returns what Hugo published.
- Jekyll (Debian's `jekyll`): `jekyll_build` builds a minimal site: the page, whether it is listed, its excerpt.
- Zenn (npm `zenn-cli`): `zenn_check` opens the article in zenn-cli's own preview (its server and its
  browser client, which holds the validator) and returns the errors and warnings it shows, plus the
  HTML comments that Zenn's renderer would print as text.
- Qiita (npm `@qiita/qiita-cli`): `qiita_check` runs the checks `qiita publish` makes before posting.
- iCalendar: `icaljs_parse` (npm `ical.js`) and `vobject_parse` read an .ics a second and third way.

The tools are installed by `bash .ci/setup --test` (apt: hugo, jekyll; npm ci in tests/js). A missing
tool skips the test with the reason; under CI a missing tool fails it, as the browser tests do.
Versions (pinned in .ci/setup's Debian release and tests/js/package-lock.json): Hugo 0.111.3, Jekyll 4.3.1,
zenn-cli 0.5.2, @qiita/qiita-cli 1.9.1, ical.js 2.2.1, vobject 0.9.9.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple

import pytest

JS_DIR = Path(__file__).resolve().parent / "js"
NODE_MODULES = JS_DIR / "node_modules"
CHROMIUM = "/usr/bin/chromium"
TIMEOUT = 120  # seconds for one tool run; they take about one


def require(available: bool, what: str) -> None:
    """Skip the calling test when a tool is missing, or fail it under CI (which must run every check)."""
    if available:
        return
    message = f"{what} is not installed: run `bash .ci/setup --test`"
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the real-tool checks, but {message}")
    pytest.skip(message)


def _run(args: list[str], *, cwd: Path | None = None, stdin: bytes | None = None, env: dict | None = None) -> str:
    proc = subprocess.run(
        args, cwd=cwd, input=stdin, capture_output=True, timeout=TIMEOUT, env={**os.environ, **(env or {})}
    )
    if proc.returncode != 0:
        raise AssertionError(
            f"{' '.join(args)} exited {proc.returncode}\n"
            f"stdout: {proc.stdout.decode(errors='replace')}\nstderr: {proc.stderr.decode(errors='replace')}"
        )
    return proc.stdout.decode() + proc.stderr.decode()


def _node_tool(package: str) -> None:
    require(shutil.which("node") is not None, "node")
    require((NODE_MODULES / package / "package.json").exists(), f"npm package {package} (tests/js)")


# --- Hugo --------------------------------------------------------------------------------------

HUGO_CONFIG = """baseURL = "http://example.org/"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
"""
# Our own tiny layouts: the page prints .Content, the home page lists every page with its .Summary.
HUGO_SINGLE = '<main id="content">{{ .Content }}</main>\n'
HUGO_LIST = (
    '{{ range .Site.RegularPages }}<article data-url="{{ .RelPermalink }}" data-truncated="{{ .Truncated }}">'
    '<div class="summary">{{ .Summary }}</div></article>\n{{ end }}'
)


class HugoPage(NamedTuple):
    html: str  # the rendered .Content of the page
    summary: str  # its .Summary on the list page (before <!--more-->, else Hugo's automatic one)
    truncated: bool  # Hugo's .Truncated: true when there is more than the summary (a divider was found)


def hugo_build(markdown: str, filename: str = "post.md", site_config: str = "") -> HugoPage:
    """Build a one-page Hugo site (drafts, future and expired pages included) and read the page back.

    `site_config` adds TOML lines to the site's config (e.g. `hasCJKLanguage = true`). Hugo's own
    defaults stay: Goldmark with raw HTML omitted, summary divider `<!--more-->`.
    """
    require(shutil.which("hugo") is not None, "hugo (Debian package)")
    with tempfile.TemporaryDirectory(prefix="hugo-") as tmp:
        site = Path(tmp)
        (site / "content" / "posts").mkdir(parents=True)
        (site / "layouts" / "_default").mkdir(parents=True)
        (site / "config.toml").write_text(HUGO_CONFIG + site_config, encoding="utf-8")
        (site / "layouts" / "_default" / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
        (site / "layouts" / "_default" / "list.html").write_text(HUGO_LIST, encoding="utf-8")
        (site / "layouts" / "index.html").write_text(HUGO_LIST, encoding="utf-8")
        (site / "content" / "posts" / filename).write_text(markdown, encoding="utf-8")
        _run(["hugo", "--quiet", "--buildDrafts", "--buildFuture", "--buildExpired", "-s", str(site), "-d", "public"])
        home = (site / "public" / "index.html").read_text(encoding="utf-8")
        found = re.search(
            r'<article data-url="([^"]*)" data-truncated="(true|false)"><div class="summary">(.*?)</div></article>',
            home,
            re.S,
        )
        assert found, f"Hugo listed no page for {filename}:\n{home}"
        url, truncated, summary = found.groups()
        # the URL is percent-encoded (a Japanese file name); the file on disk is not
        page = (site / "public" / urllib.parse.unquote(url).strip("/") / "index.html").read_text(encoding="utf-8")
        html = re.fullmatch(r'<main id="content">(.*)</main>\s*', page, re.S)
        assert html, page
        return HugoPage(html.group(1), summary, truncated == "true")


class HugoBundle(NamedTuple):
    html: str  # the rendered .Content of the bundle's page
    url: str  # the page's URL (its folder in public/)
    files: dict[str, bytes]  # every other file Hugo published beside the page (the bundle's resources)


def hugo_build_bundle(bundle: Path, name: str = "report") -> HugoBundle:
    """Build a Hugo site whose one page is the page bundle in the folder `bundle` (index.md and its
    images), copied to content/posts/<name>/, and read back the page and what Hugo published beside it."""
    require(shutil.which("hugo") is not None, "hugo (Debian package)")
    with tempfile.TemporaryDirectory(prefix="hugo-") as tmp:
        site = Path(tmp)
        (site / "content" / "posts").mkdir(parents=True)
        (site / "layouts" / "_default").mkdir(parents=True)
        (site / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
        (site / "layouts" / "_default" / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
        (site / "layouts" / "_default" / "list.html").write_text(HUGO_LIST, encoding="utf-8")
        (site / "layouts" / "index.html").write_text(HUGO_LIST, encoding="utf-8")
        shutil.copytree(bundle, site / "content" / "posts" / name)
        _run(["hugo", "--quiet", "--buildDrafts", "--buildFuture", "--buildExpired", "-s", str(site), "-d", "public"])
        home = (site / "public" / "index.html").read_text(encoding="utf-8")
        found = re.search(r'<article data-url="([^"]*)"', home)
        assert found, f"Hugo listed no page for the bundle {bundle}:\n{home}"
        url = found.group(1)
        folder = site / "public" / urllib.parse.unquote(url).strip("/")
        page = (folder / "index.html").read_text(encoding="utf-8")
        html = re.fullmatch(r'<main id="content">(.*)</main>\s*', page, re.S)
        assert html, page
        files = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.name != "index.html"}
        return HugoBundle(html.group(1), url, files)


# --- Jekyll ------------------------------------------------------------------------------------

JEKYLL_LAYOUT = '<main id="content">{{ content }}</main>\n'
JEKYLL_INDEX = """---
---
{% for post in site.posts %}<article data-url="{{ post.url }}"><div class="excerpt">{{ post.excerpt }}</div></article>
{% endfor %}"""


class JekyllPost(NamedTuple):
    html: str | None  # the rendered post (None when Jekyll wrote no page for it)
    listed: bool  # whether it is in site.posts (a published post on the blog's index)
    excerpt: str | None  # post.excerpt: up to the first blank line, or to excerpt_separator
    log: str  # what jekyll printed (warnings such as a missing layout)


def jekyll_build(
    markdown: str, filename: str, *, folder: str = "_posts", unpublished: bool = False, site_config: str = ""
) -> JekyllPost:
    """Build a Jekyll site holding one file and read it back, as Jekyll 4's defaults treat it.

    `filename` goes into `folder` (`_posts` by default; a file there without the `YYYY-MM-DD-` prefix
    is skipped, a future-dated one too; `_drafts` is built as `jekyll build --drafts` does). `unpublished=True` builds `published: false` posts as well
    (jekyll --unpublished), to read their HTML. Layouts `default`, `post` and `page` print the content.
    """
    require(shutil.which("jekyll") is not None, "jekyll (Debian package)")
    with tempfile.TemporaryDirectory(prefix="jekyll-") as tmp:
        site = Path(tmp)
        (site / "_layouts").mkdir()
        for layout in ("default", "post", "page"):
            (site / "_layouts" / f"{layout}.html").write_text(JEKYLL_LAYOUT, encoding="utf-8")
        (site / "_config.yml").write_text("title: test\n" + site_config, encoding="utf-8")
        (site / "index.html").write_text(JEKYLL_INDEX, encoding="utf-8")
        (site / folder).mkdir(exist_ok=True)
        (site / folder / filename).write_text(markdown, encoding="utf-8")
        args = ["jekyll", "build", "--source", str(site), "--destination", str(site / "_site")]
        args += ["--unpublished"] if unpublished else []
        args += ["--drafts"] if folder == "_drafts" else []
        log = _run(args)
        home = (site / "_site" / "index.html").read_text(encoding="utf-8")
        found = re.search(r'<article data-url="([^"]*)"><div class="excerpt">(.*?)</div></article>', home, re.S)
        if not found:
            return JekyllPost(None, False, None, log)
        url, excerpt = found.groups()
        out = site / "_site" / urllib.parse.unquote(url).lstrip("/")  # percent-encoded, as Hugo's
        page = (out / "index.html" if out.is_dir() else out).read_text(encoding="utf-8")
        return JekyllPost(re.sub(r'^<main id="content">|</main>\s*$', "", page), True, excerpt, log)


# --- Zenn --------------------------------------------------------------------------------------


class _ZennPreview:
    """`zenn preview` on 127.0.0.1 over a throwaway workspace, started once and stopped at exit."""

    def __init__(self) -> None:
        self.workspace = Path(tempfile.mkdtemp(prefix="zenn-"))
        (self.workspace / "articles").mkdir()
        (self.workspace / "books").mkdir()
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        zenn = NODE_MODULES / "zenn-cli" / "dist" / "server" / "zenn.js"
        self.log = self.workspace / "preview.log"
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                ["node", str(zenn), "preview", "--host", "127.0.0.1", "--port", str(self.port), "--no-watch"],
                cwd=self.workspace,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        atexit.register(self.stop)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/api/articles", timeout=5):
                    break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"zenn preview did not start:\n{self.log.read_text()}") from None
                time.sleep(0.2)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        shutil.rmtree(self.workspace, ignore_errors=True)


_zenn_preview: _ZennPreview | None = None
_zenn_lock = threading.Lock()


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


class ZennView(NamedTuple):
    errors: list[str]  # zenn-cli's "N件のエラーがあります" (Zenn refuses to publish)
    warnings: list[str]  # its "N件の注意事項があります"
    body_html: str  # the body as Zenn's renderer makes it
    text_comments: list[str]  # HTML comments that the renderer prints as text (a comment over lines)


def _zenn_page_messages(url: str) -> tuple[list[str], list[str]]:
    """Open the article in Debian's chromium and read the validation messages zenn-cli's client shows."""
    from playwright.sync_api import sync_playwright

    result: dict = {}

    def look() -> None:  # in a thread of its own: the sync API refuses to run inside pytest-playwright's loop
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=["--disable-background-networking"])
                try:
                    page = browser.new_page()
                    response = page.goto(url)
                    if response is None or response.status != 200:
                        status = response.status if response else "no response"
                        result["errors"] = [f"zenn-cli preview cannot open {url.rsplit('/', 2)[-2:]} (HTTP {status})"]
                        result["warnings"] = []
                        return
                    page.wait_for_selector(".property-row", timeout=30_000)
                    critical = ".validation-error__critical .validation-error-row__message"
                    warning = ".validation-error__warnings .validation-error-row__message"
                    result["errors"] = [m.strip() for m in page.locator(critical).all_inner_texts()]
                    result["warnings"] = [m.strip() for m in page.locator(warning).all_inner_texts()]
                finally:
                    browser.close()
        except Exception as exc:  # handed to the caller's thread
            result["exc"] = exc

    worker = threading.Thread(target=look)
    worker.start()
    worker.join(TIMEOUT)
    if "exc" in result:
        raise result["exc"]
    return result["errors"], result["warnings"]


def zenn_view(markdown: str, slug: str) -> ZennView:
    """Put `articles/<slug>.md` in zenn-cli's preview and return what it shows about the article."""
    global _zenn_preview
    _node_tool("zenn-cli")
    require(os.path.exists(CHROMIUM), f"{CHROMIUM} (zenn-cli validates in its browser client)")
    with _zenn_lock:
        if _zenn_preview is None:
            _zenn_preview = _ZennPreview()
        preview = _zenn_preview
        article = preview.workspace / "articles" / f"{slug}.md"
        article.write_text(markdown, encoding="utf-8")
        try:
            quoted = urllib.parse.quote(slug)
            with urllib.request.urlopen(f"{preview.url}/api/articles/{quoted}", timeout=30) as response:
                body_html = json.load(response)["article"].get("bodyHtml") or ""
            errors, warnings = _zenn_page_messages(f"{preview.url}/articles/{quoted}")
        finally:
            article.unlink()
    text = _Text()
    text.feed(body_html)
    shown = "".join(text.parts)
    comments = re.findall(r"<!--.*?(?:-->|$)", shown, re.S)
    return ZennView(errors, warnings, body_html, comments)


def zenn_check(markdown: str, slug: str) -> list[str]:
    """Every problem Zenn reports for the article: errors, then warnings ("warning: …"), then comments
    that its renderer would print as text ("body: …"). An empty list means Zenn shows it cleanly."""
    view = zenn_view(markdown, slug)
    return (
        view.errors
        + [f"warning: {w}" for w in view.warnings]
        + [f"body: HTML comment shown as text: {c!r}" for c in view.text_comments]
    )


# --- Qiita -------------------------------------------------------------------------------------


def qiita_check(markdown: str, basename: str = "article") -> list[str]:
    """The messages `qiita publish` would print for this article (qiita-cli's own checks); [] when it would post."""
    _node_tool("@qiita/qiita-cli")
    with tempfile.TemporaryDirectory(prefix="qiita-") as tmp:
        (Path(tmp) / "public").mkdir()
        (Path(tmp) / "public" / f"{basename}.md").write_text(markdown, encoding="utf-8")
        return json.loads(_run(["node", str(JS_DIR / "qiita_check.cjs"), tmp, basename]))


# --- iCalendar ---------------------------------------------------------------------------------


def icaljs_parse(ics: bytes) -> list[dict]:
    """The VEVENTs as ical.js reads them: uid, summary, dtstart/dtend ({value, tzid, is_date, floating,
    utc}), status, sequence, last_modified, dtstamp. ical.js raises (and this fails) on a broken file."""
    _node_tool("ical.js")
    out = _run(["node", str(JS_DIR / "icaljs_parse.mjs")], stdin=ics, env={"TZ": "UTC"})
    return json.loads(out)["events"]


def vobject_parse(ics: bytes) -> list[dict]:
    """The VEVENTs as vobject reads them, in the same shape as icaljs_parse (utc as an ISO string)."""
    try:
        import vobject
    except ImportError:
        require(False, "vobject (tests/requirements.txt)")
    from datetime import UTC, date, datetime

    def when(vevent, name: str) -> dict | None:
        if not hasattr(vevent, name):
            return None
        prop = getattr(vevent, name)
        value = prop.value
        tzid = (prop.params.get("X-VOBJ-ORIGINAL-TZID") or prop.params.get("TZID") or [None])[0]
        if isinstance(value, datetime):
            floating = value.tzinfo is None
            utc = None if floating else value.astimezone(UTC).isoformat().replace("+00:00", "Z")
            return {"value": value.replace(tzinfo=None).isoformat(), "tzid": tzid, "is_date": False,
                    "floating": floating, "utc": utc}  # fmt: skip
        assert isinstance(value, date), value
        return {"value": value.isoformat(), "tzid": tzid, "is_date": True, "floating": False, "utc": None}

    def text(vevent, name: str):
        return getattr(vevent, name).value if hasattr(vevent, name) else None

    def stamp(vevent, name: str) -> str | None:
        value = text(vevent, name)
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None

    calendar = vobject.readOne(ics.decode("utf-8"))
    return [
        {
            "uid": text(ev, "uid"),
            "summary": text(ev, "summary"),
            "dtstart": when(ev, "dtstart"),
            "dtend": when(ev, "dtend"),
            "status": text(ev, "status"),
            "sequence": None if text(ev, "sequence") is None else int(text(ev, "sequence")),
            "last_modified": stamp(ev, "last_modified"),
            "dtstamp": stamp(ev, "dtstamp"),
        }
        for ev in getattr(calendar, "vevent_list", [])
    ]
