"""The `flask --app app …` commands: twins of the UI actions (../shared/CLI.md)."""

from __future__ import annotations

import contextlib
import json

import click
from flask import Flask

from . import notes, planning, store
from .db import connect
from .exports import backup, plan, report
from .fetch import page_title
from .importer import ImportFailed, Request, import_bytes, is_url, read_source
from .parsers import PARSERS


@contextlib.contextmanager
def _database(*expected: type[BaseException], about: str = ""):
    """The app's database for one command; an expected error becomes a one-line message and exit 1."""
    from flask import current_app

    db = connect(current_app.config["DATABASE"])
    try:
        yield db
    except expected as exc:
        raise click.ClickException(f"{about}: {exc}" if about else str(exc)) from exc
    finally:
        db.close()


def describe(result: store.ImportResult) -> list[str]:
    """The import summary as lines: counts first, then what changed, then the importer's notes."""
    lines = [result.summary()]
    for item in result.added:
        lines.append(f"  added      {item['key']}  {item['title']}")
    for item in result.changed:
        fields = ", ".join(f"{k}: {_short(a)} -> {_short(b)}" for k, (a, b) in item["fields"].items())
        lines.append(f"  changed    {item['key']}  {item['title']}  ({fields})")
    for item in result.cancelled:
        lines.append(f"  cancelled  {item['key']}  {item['title']}")
    for item in result.removed:
        lines.append(f"  removed    {item['key']}  {item['title']}")
    lines += [f"  note: {n}" for n in result.notes]
    return lines


def _short(value) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def register(app: Flask) -> None:
    @app.cli.command("import")
    @click.argument("source")
    @click.option("--slug", default="", help="The conference to create or re-import into.")
    @click.option("--name", default="", help="The conference's display name.")
    @click.option("--format", "fmt", type=click.Choice(sorted(PARSERS)), default=None, help="Override detection.")
    @click.option("--timezone", default="", help="IANA zone for times the file gives without one.")
    @click.option("--date", "day", default="", help="First day (YYYY-MM-DD) for CSVs with times or weekdays only.")
    @click.option("--duration", type=int, default=None, help="Talk length in minutes for CSVs without end/duration.")
    @click.option("--encoding", default="", help="CSV encoding when it is not UTF-8/cp932 (e.g. cp1252).")
    @click.option("--quiet", "-q", is_flag=True, help="Only the summary line.")
    def import_command(source, slug, name, fmt, timezone, day, duration, encoding, quiet):
        """Import a timetable from a path, - (stdin) or an http(s) URL; print what was added/changed/cancelled."""
        from flask import current_app

        request = Request(fmt=fmt or "", timezone=timezone, date=day, duration=duration, encoding=encoding)
        with _database(ImportFailed) as db:
            data, source_name, _ctype = read_source(source, stdin=click.open_file("-", "rb"))
            result = import_bytes(
                db,
                data,
                source_name=source_name,
                source=source if is_url(source) else source_name,
                slug=slug,
                name=name,
                request=request,
                default_timezone=current_app.config["DEFAULT_TIMEZONE"],
            )
        for text_line in describe(result)[:1] if quiet else describe(result):
            click.echo(text_line)

    @app.cli.command("mark")
    @click.argument("slug")
    @click.argument("keys", nargs=-1, required=True)
    @click.option("--status", required=True, type=click.Choice([*planning.STATUSES, "none"]))
    def mark_command(slug: str, keys: tuple[str, ...], status: str) -> None:
        """Set the attendee's status of each session (none clears it)."""
        with _database(store.NotFound) as db:
            conf = store.conference(db, slug)
            store.set_status(db, conf, list(keys), None if status == "none" else status)
            clashing = {k: v for k, v in planning.clashes(store.sessions(db, conf)).items() if v and k in keys}
        click.echo(f"{len(keys)} marked {status}")
        for key, others in clashing.items():
            click.echo(f"  clash: {key} overlaps {', '.join(others)}")

    @app.cli.command("note")
    @click.argument("slug")
    @click.argument("key")
    @click.option(
        "--set-from", "set_from", type=click.File("r", encoding="utf-8"), help="Replace the note (FILE or -)."
    )
    @click.option("--append", "append", help="Add a line at the end.")
    def note_command(slug: str, key: str, set_from, append: str | None) -> None:
        """Print the attendee's note; --set-from replaces it (a new version), --append adds a line."""
        with _database(store.NotFound, ValueError) as db:
            conf = store.conference(db, slug)
            store.session(db, conf, key)
            if set_from is not None:
                current = notes.get_note(db, conf, key)
                saved = notes.save_note(db, conf, key, set_from.read(), current.version)
                click.echo(f"saved version {saved.version}", err=True)
            if append is not None:
                saved = notes.append_line(db, conf, key, append)
                click.echo(f"saved version {saved.version}", err=True)
            if set_from is None and append is None:
                click.echo(notes.get_note(db, conf, key).text, nl=False)

    @app.cli.command("link")
    @click.argument("slug")
    @click.argument("key")
    @click.argument("url")
    @click.option(
        "--kind", type=click.Choice(notes.LINK_KINDS), default=None, help="Guessed from the host when not given."
    )
    @click.option("--title", default="", help="The link's title.")
    @click.option("--lookup", is_flag=True, help="Fetch the page's title (oEmbed, og:title or <title>).")
    def link_command(slug: str, key: str, url: str, kind: str | None, title: str, lookup: bool) -> None:
        """Add a link (http/https only) to a session."""
        with _database(store.NotFound, ValueError) as db:
            conf = store.conference(db, slug)
            link = notes.add_link(db, conf, key, url, kind or "", title)
            if lookup and not title:
                found = page_title(link["url"])
                if found:
                    notes.update_link(db, conf, link["id"], title=found)
                    link["title"] = found
        click.echo(f"{link['kind']}\t{link['url']}\t{link['title']}")

    @app.cli.command("ics")
    @click.argument("slug")
    @click.option("--all", "everything", is_flag=True, help="The whole timetable instead of the plan.")
    @click.option("--interested", is_flag=True, help="Add the sessions marked interested to the plan.")
    @click.option("--notes", "with_notes", is_flag=True, help="Put the attendee's notes in each description.")
    @click.option("-o", "output", type=click.File("wb"), default="-", help="Write to FILE (default: stdout).")
    def ics_command(slug: str, everything: bool, interested: bool, with_notes: bool, output) -> None:
        """The attendee's plan (going, speaking, attended) as iCalendar; --all the whole timetable."""
        with _database(store.NotFound) as db:
            conf = store.conference(db, slug)
            body = (
                plan.all_ics(db, conf)
                if everything
                else plan.plan_ics(db, conf, interested=interested, with_notes=with_notes)
            )
        output.write(body)

    @app.cli.command("report")
    @click.argument("slug")
    @click.option("--preset", type=click.Choice(report.PRESETS), default="markdown")
    @click.option("--lang", type=click.Choice(["ja", "en"]), default=None, help="Default: the conference's language.")
    @click.option(
        "--template", "template", type=click.File("r", encoding="utf-8"), help="Your own Jinja2 template (sandboxed)."
    )
    @click.option(
        "--honorific", type=click.Choice(["さん", "様"]), default=None, help="After speaker names (Japanese)."
    )
    @click.option("--hashtag", default="", help="The conference's hashtag, e.g. '#JTF2026'.")
    @click.option("--track-hashtags", is_flag=True, help="Per-track hashtags from room codes (#JTF2026_A).")
    @click.option("--retro", is_flag=True, help="Fun / Done / Learn sections from #fun #done #learn lines.")
    @click.option(
        "-o", "output", type=click.File("w", encoding="utf-8"), default="-", help="Write to FILE (default: stdout)."
    )
    def report_command(slug, preset, lang, template, honorific, hashtag, track_hashtags, retro, output) -> None:
        """The post-event blog draft in Markdown, in your blog's own format."""
        options = report.Options(
            preset=preset,
            lang=lang or "",
            honorific=honorific or "",
            hashtag=hashtag,
            track_hashtags=track_hashtags,
            retro=retro,
            template=template.read() if template else None,
        )
        with _database(store.NotFound, report.ReportError) as db:
            text = report.render(db, store.conference(db, slug), options)
        output.write(text)

    @app.cli.command("backup")
    @click.option(
        "-o", "output", type=click.File("w", encoding="utf-8"), default="-", help="Write to FILE (default: stdout)."
    )
    def backup_command(output) -> None:
        """All user data (conferences, sessions, marks, notes with history, links, settings) as JSON."""
        with _database() as db:
            output.write(backup.dumps(backup.backup(db)) + "\n")

    @app.cli.command("restore")
    @click.argument("source", type=click.File("r", encoding="utf-8"))
    def restore_command(source) -> None:
        """Bring a backup back; adds only what is missing, so restoring twice duplicates nothing."""
        with _database(ValueError, KeyError, about=source.name) as db:
            added = backup.restore(db, json.load(source))
        click.echo("restored: " + (", ".join(f"{n} {t}" for t, n in sorted(added.items())) or "nothing new"))

    @app.cli.command("snapshot")
    @click.option("-o", "output", required=True, type=click.Path(dir_okay=False), help="The new database file.")
    def snapshot_command(output: str) -> None:
        """A consistent copy of the database file, safe while the app runs (VACUUM INTO)."""
        with _database(FileExistsError, OSError) as db:
            backup.snapshot(db, output)
        click.echo(f"snapshot written to {output}")

    @app.cli.command("sessions")
    @click.argument("slug")
    @click.option("--json", "as_json", is_flag=True, help="Print a JSON array (the only output for now).")
    def sessions_command(slug: str, as_json: bool) -> None:
        """Print the conference's sessions in a stable order (start, room, key)."""
        with _database(store.NotFound) as db:
            conf = store.conference(db, slug)
            rows = planning.annotate(store.sessions(db, conf))
        if as_json:
            click.echo(json.dumps([store.session_json(r) for r in rows], ensure_ascii=False, indent=1))
        else:
            for r in rows:
                when = r["start"].strftime("%Y-%m-%d %H:%M") if r["start"] else "unscheduled"
                click.echo(f"{when}\t{r['room']}\t{r['key']}\t{r['title']}")
