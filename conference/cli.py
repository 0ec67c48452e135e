"""The `flask --app app …` commands: twins of the UI actions (../shared/CLI.md).

Module-level click commands over the same library functions as the views. Each opens the app's
database (`database()`); any ConferenceError becomes one line on standard error and exit 1.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlite_utils import Database

from . import importer, media, planning, store
from .errors import BadInput, ConferenceError, NeedsConfirmation, Refused
from .exports import EXPORTERS, bundle, report
from .exports.ics import CalendarOptions
from .exports.notes_zip import ZipOptions
from .fetch import page_title
from .links import LINK_KINDS
from .model import Conference
from .parsers import PARSERS
from .views.exports import calendar_options


@contextlib.contextmanager
def database() -> Iterator[Database]:
    """The app's database for one command; a ConferenceError becomes a one-line message and exit 1."""
    db = store.connect(current_app.config["DATABASE"])
    try:
        yield db
    except ConferenceError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        db.close()


def describe(result: store.ImportResult) -> list[str]:
    """The import summary as lines: counts first, then what changed, what was skipped, the importer's notes."""
    lines = [result.summary()]
    for item in result.added:
        lines.append(f"  added      {item['key']}  {item['title']}")
    for item in result.changed:
        fields = [f"{k}: {_short(a)} -> {_short(b)}" for k, (a, b) in item["fields"].items()]
        fields += [f"{k} changed" for k in item.get("details", ())]
        lines.append(f"  changed    {item['key']}  {item['title']}  ({', '.join(fields)})")
    for item in result.cancelled:
        lines.append(f"  cancelled  {item['key']}  {item['title']}")
    for item in result.removed:
        lines.append(f"  removed    {item['key']}  {item['title']}")
    for item in result.report.recordings:
        lines.append(f"  recording published  {item['key']}  {item['title']}  {item['url']}")
    lines += [f"  skipped    {s}" for s in result.skipped]
    lines += [f"  note: {n}" for n in result.notes]
    lines += [f"  needs --force: {r}" for r in result.risks]
    return lines


def _short(value) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def export(db: Database, conf: Conference, name: str, options=None) -> bytes | str:
    """Run the exporter `name` over the conference's sessions and note texts (its defaults without options);
    the report and the zips get the attendee's photos (with their bytes when they are put in a file)."""
    exporter = EXPORTERS[name]
    options = with_photos(db, conf, name, options)
    return exporter(
        conf, store.planned_sessions(db, conf, abstracts=exporter.abstracts), store.note_texts(db, conf), options
    )


def with_photos(db: Database, conf: Conference, name: str, options=None):
    """`options` for the exporter `name` carrying the conference's photos, when it shows them: the report
    (file names only), the report bundle and the notes zip (the bytes too)."""
    if name == "report":
        return dataclasses.replace(options or report.Options(), photos=tuple(store.photos(db, conf)))
    if name == "report-bundle":
        return dataclasses.replace(options or report.Options(), photos=tuple(store.photos(db, conf, data=True)))
    if name == "notes-zip":
        return dataclasses.replace(options or ZipOptions(), photos=tuple(store.photos(db, conf, data=True)))
    return options


@click.command("import")
@click.argument("source")
@click.option("--slug", default="", help="The conference to create or re-import into.")
@click.option("--name", default="", help="The conference's display name.")
@click.option("--format", "fmt", type=click.Choice(sorted(PARSERS)), default=None, help="Override detection.")
@click.option("--timezone", default="", help="IANA zone for times the file gives without one.")
@click.option("--date", "day", default="", help="First day (YYYY-MM-DD) for CSVs with times or weekdays only.")
@click.option("--duration", type=int, default=None, help="Talk length in minutes for CSVs without end/duration.")
@click.option("--encoding", default="", help="CSV encoding when it is not UTF-8/cp932 (e.g. cp1252).")
@click.option(
    "--records", default=None, metavar="PATH", help="Your own JSON/YAML: the dotted path to the list of sessions."
)
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="FIELD=PATH",
    help="Which field is which (title, start, end, duration, room, track, speakers, code, abstract, url, id, …).",
)
@click.option("--dry-run", is_flag=True, help="Print the change report and write nothing.")
@click.option(
    "--force", is_flag=True, help="Apply an import that removes over half the sessions or brings untimed ones."
)
@click.option("--quiet", "-q", is_flag=True, help="Only the summary line.")
@with_appcontext
def import_command(source, slug, name, fmt, timezone, day, duration, encoding, records, maps, dry_run, force, quiet):
    """Import a timetable from a path, - (stdin) or an http(s) URL; print what was added/changed/cancelled."""
    with database() as db:
        request = importer.ImportRequest(
            source=source,
            slug=slug,
            name=name,
            fmt=fmt or "",
            timezone=timezone,
            date=day,
            duration=duration,
            encoding=encoding,
            records=records,
            fields=importer.parse_maps(maps),
        )
        try:
            result = importer.run(
                db,
                request,
                allow_private=current_app.config["FETCH_ALLOW_PRIVATE"],
                default_timezone=current_app.config["DEFAULT_TIMEZONE"],
                local_files=True,
                stdin=click.open_file("-", "rb"),
                force=force,
                dry_run=dry_run,
            )
        except NeedsConfirmation as refused:
            for text_line in describe(refused.result):
                click.echo(text_line)
            raise
    if dry_run:
        click.echo("dry run: nothing was written")
    for text_line in describe(result)[:1] if quiet else describe(result):
        click.echo(text_line)


@click.command("undo-import")
@click.argument("slug")
@with_appcontext
def undo_import_command(slug: str) -> None:
    """Bring back the timetable as it was before the last import (marks and notes untouched)."""
    with database() as db:
        result = store.undo_import(db, store.conference(db, slug))
    click.echo("the timetable is back as it was before the last import")
    for text_line in describe(result):
        click.echo(text_line)


@click.command("mark")
@click.argument("slug")
@click.argument("keys", nargs=-1, required=True)
@click.option("--status", required=True, type=click.Choice([*planning.STATUSES, "none"]))
@with_appcontext
def mark_command(slug: str, keys: tuple[str, ...], status: str) -> None:
    """Set the attendee's status of each session (none clears it)."""
    with database() as db:
        conf = store.conference(db, slug)
        store.set_status(db, conf, list(keys), None if status == "none" else status)
        clashing = {s.key: s.clashes for s in store.planned_sessions(db, conf, list(keys), abstracts=False)}
    click.echo(f"{len(keys)} marked {status}")
    for key in dict.fromkeys(keys):
        if clashing.get(key):
            click.echo(f"  clash: {key} overlaps {', '.join(clashing[key])}")


@click.command("note")
@click.argument("slug")
@click.argument("key")
@click.option("--set-from", "set_from", type=click.File("r", encoding="utf-8"), help="Replace the note (FILE or -).")
@click.option("--append", "append", help="Add a line at the end.")
@with_appcontext
def note_command(slug: str, key: str, set_from, append: str | None) -> None:
    """Print the attendee's note; --set-from replaces it (a new version), --append adds a line."""
    with database() as db:
        conf = store.conference(db, slug)
        store.require_sessions(db, conf, [key])
        if set_from is not None:
            current = store.note(db, conf, key)
            saved = store.save_note(db, conf, key, set_from.read(), current.version)
            click.echo(f"saved version {saved.version}", err=True)
        if append is not None:
            saved = store.append_to_note(db, conf, key, append)
            click.echo(f"saved version {saved.version}", err=True)
        if set_from is None and append is None:
            text = store.note(db, conf, key).text
            click.echo(text, nl=bool(text) and not text.endswith("\n"))


@click.command("link")
@click.argument("slug")
@click.argument("key")
@click.argument("url")
@click.option("--kind", type=click.Choice(LINK_KINDS), default=None, help="Guessed from the host when not given.")
@click.option("--title", default="", help="The link's title.")
@click.option("--lookup", is_flag=True, help="Fetch the page's title (oEmbed, og:title or <title>).")
@with_appcontext
def link_command(slug: str, key: str, url: str, kind: str | None, title: str, lookup: bool) -> None:
    """Add a link (http/https only) to a session."""
    with database() as db:
        conf = store.conference(db, slug)
        link = store.add_link(db, conf, key, url, kind or "", title)
        shown = link.title
        if lookup and not title:
            found = page_title(link.url, allow_private=current_app.config["FETCH_ALLOW_PRIVATE"])
            if found:
                store.update_link(db, conf, link.id, title=found)
                shown = found
    click.echo(f"{link.kind}\t{link.url}\t{shown}")


@click.group("photo")
def photo_group() -> None:
    """Slide photos kept with a talk's note: add, list, remove."""


@photo_group.command("add")
@click.argument("slug")
@click.argument("key")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--caption", default="", help="A caption (the alt text in the blog draft).")
@with_appcontext
def photo_add_command(slug: str, key: str, file: Path, caption: str) -> None:
    """Add a photo (JPEG, PNG, WebP, GIF; at most 20 MB) to a talk; prints the photo's id.

    Its orientation is applied, GPS and every other EXIF field removed, the long edge limited to
    2560 pixels; the time it was taken comes from its EXIF, else the file's time. The same file
    added twice to a talk is one photo."""
    with database() as db:
        conf = store.conference(db, slug)
        store.require_sessions(db, conf, [key])
        with file.open("rb") as f:
            data = f.read(media.MAX_BYTES + 1)
        prepared = media.prepare(data, source=str(file))
        file_time = datetime.fromtimestamp(file.stat().st_mtime, UTC)
        taken = media.taken_at(prepared.exif_time, conf.tz, file_time)
        added = store.add_photos(db, conf, key, [(prepared, taken)], caption=caption)
    click.echo(added[0].id)


@photo_group.command("list")
@click.argument("slug")
@click.argument("key", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of {id, key, caption, taken, width, height}.")
@with_appcontext
def photo_list_command(slug: str, key: str | None, as_json: bool) -> None:
    """The conference's photos (or one talk's), by talk and time taken."""
    with database() as db:
        conf = store.conference(db, slug)
        if key is not None:
            store.require_sessions(db, conf, [key])
        found = store.photos(db, conf, key)
    if as_json:
        click.echo(json.dumps([p.to_json() for p in found], ensure_ascii=False, indent=1))
        return
    for p in found:
        click.echo(f"{p.id}\t{p.key}\t{p.taken:%Y-%m-%d %H:%M}\t{p.width}x{p.height}\t{p.caption}")


@photo_group.command("rm")
@click.argument("slug")
@click.argument("photo_id", metavar="ID", type=int)
@with_appcontext
def photo_rm_command(slug: str, photo_id: int) -> None:
    """Remove a photo for good."""
    with database() as db:
        gone = store.delete_photo(db, store.conference(db, slug), photo_id)
    click.echo(f"removed photo {gone.id} of {gone.key}")


@click.command("ics")
@click.argument("slug")
@click.option("--all", "everything", is_flag=True, help="The whole timetable instead of the plan.")
@click.option("--interested", is_flag=True, help="Add the sessions marked interested to the plan.")
@click.option("--notes", "with_notes", is_flag=True, help="Put the attendee's notes in each description.")
@click.option(
    "--lang",
    type=click.Choice(["ja", "en"]),
    default=None,
    help="The language of the calendar's name and of 'Slides:', 'My notes:'. Default: the conference's.",
)
@click.option("-o", "output", type=click.File("wb"), default="-", help="Write to FILE (default: stdout).")
@with_appcontext
def ics_command(slug: str, everything: bool, interested: bool, with_notes: bool, lang: str | None, output) -> None:
    """The attendee's plan (going, speaking, attended) as iCalendar; --all the whole timetable."""
    name = "timetable-ics" if everything else "plan-ics"
    with database() as db:
        conf = store.conference(db, slug)
        options = (
            CalendarOptions(alarm_minutes=None, interested=interested, with_notes=with_notes)
            if everything
            else calendar_options(db, conf, interested=interested, with_notes=with_notes)
        )
        options = dataclasses.replace(options, lang=lang or "")
        body = export(db, conf, name, options)
    output.write(body)


@click.command("report")
@click.argument("slug")
@click.option("--preset", type=click.Choice(report.PRESETS), default="markdown")
@click.option("--lang", type=click.Choice(["ja", "en"]), default=None, help="Default: the conference's language.")
@click.option(
    "--template", "template", type=click.File("r", encoding="utf-8"), help="Your own Jinja2 template (sandboxed)."
)
@click.option("--honorific", type=click.Choice(report.HONORIFICS), default=None, help="After speaker names (Japanese).")
@click.option("--hashtag", default="", help="The conference's hashtag, e.g. '#JTF2026'.")
@click.option("--track-hashtags", is_flag=True, help="Per-track hashtags from room codes (#JTF2026_A).")
@click.option("--retro", is_flag=True, help="Fun / Done / Learn sections from #fun #done #learn tags.")
@click.option(
    "--article-slug", default="", help="The article's slug (12-50 of a-z0-9-_); default: from the hashtag/name."
)
@click.option(
    "-o", "output", type=click.File("w", encoding="utf-8"), default="-", help="Write to FILE (default: stdout)."
)
@click.option("--print-name", is_flag=True, help="Print the file name the blog expects (Jekyll: YYYY-MM-DD-slug.md).")
@click.option(
    "--bundle",
    "bundle_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Write the draft and its photos into DIR (Hugo: a page bundle, DIR/index.md); DIR must be new or empty.",
)
@with_appcontext
def report_command(
    slug,
    preset,
    lang,
    template,
    honorific,
    hashtag,
    track_hashtags,
    retro,
    article_slug,
    output,
    print_name,
    bundle_dir,
) -> None:
    """The post-event blog draft in Markdown, in your blog's own format."""
    options = report.Options(
        preset=preset,
        lang=lang or "",
        honorific=honorific or "",
        hashtag=hashtag,
        track_hashtags=track_hashtags,
        retro=retro,
        template=template.read() if template else None,
        slug=article_slug,
    )
    with database() as db:
        conf = store.conference(db, slug)
        if print_name:
            click.echo(report.file_name(conf, options))
            return
        if bundle_dir is not None:
            write_bundle(db, conf, options, Path(bundle_dir))
            return
        text = export(db, conf, "report", options)
    output.write(text if text.endswith("\n") else text + "\n")


def write_bundle(db: Database, conf: Conference, options: report.Options, target: Path) -> None:
    """The draft and its photos as files in `target` (made when missing; never over files already there)."""
    sessions = store.planned_sessions(db, conf, abstracts=False)
    files = bundle.bundle_files(
        conf, sessions, store.note_texts(db, conf), with_photos(db, conf, "report-bundle", options)
    )
    if target.exists() and any(target.iterdir()):
        raise Refused(f"{target} is not empty: choose a new directory (nothing was written)")
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name, body in files.items():
            (target / name).write_bytes(body)
    except OSError as exc:
        raise BadInput(f"cannot write the bundle: {exc}", source=str(target)) from exc
    for name in files:
        click.echo(str(target / name))


@click.command("export")
@click.argument("slug")
@click.argument("name", type=click.Choice(sorted(EXPORTERS)))
@click.option("--key", "keys", multiple=True, help="Only these sessions (repeatable; session-ics: one session).")
@click.option("-o", "output", type=click.File("wb"), default="-", help="Write to FILE (default: stdout).")
@with_appcontext
def export_command(slug: str, name: str, keys: tuple[str, ...], output) -> None:
    """Any exporter of the registry with its download's defaults (plan-ics, timetable-ics, plan-csv, report…)."""
    exporter = EXPORTERS[name]
    with database() as db:
        conf = store.conference(db, slug)
        store.require_sessions(db, conf, list(keys))
        sessions = store.planned_sessions(db, conf, list(keys) or None, abstracts=exporter.abstracts)
        options = calendar_options(db, conf) if exporter.options is CalendarOptions else None
        body = exporter(conf, sessions, store.note_texts(db, conf), with_photos(db, conf, name, options))
    output.write(body.encode("utf-8") if isinstance(body, str) else body)


@click.command("backup")
@click.option(
    "-o", "output", type=click.File("w", encoding="utf-8"), default="-", help="Write to FILE (default: stdout)."
)
@with_appcontext
def backup_command(output) -> None:
    """All user data (conferences, sessions, marks, notes with history, links, photos, settings) as JSON."""
    with database() as db:
        output.write(store.backup_to_json(store.backup(db)) + "\n")


@click.command("restore")
@click.argument("source", type=click.File("rb"))
@click.option("--with-tokens", is_flag=True, help="Also restore the share and feed links' secret tokens.")
@with_appcontext
def restore_command(source, with_tokens: bool) -> None:
    """Bring a backup back; adds only what is missing, so restoring twice duplicates nothing.

    The whole file is checked first: one field that does not fit refuses it, and nothing is written.
    """
    with database() as db:
        try:
            text = source.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise click.ClickException(f"{source.name}: not UTF-8 text (byte {exc.start})") from exc
        data = store.backup_from_json(text, source.name)
        added = store.restore(db, data, source=source.name, with_tokens=with_tokens)
    click.echo("restored: " + (", ".join(f"{n} {t}" for t, n in sorted(added.items())) or "nothing new"))
    if not with_tokens and store.backup_tokens(data):
        click.echo(f"  note: {store.backup_tokens(data)} share/feed tokens not restored (--with-tokens restores them)")


@click.command("snapshot")
@click.option("-o", "output", required=True, type=click.Path(dir_okay=False), help="The new database file.")
@with_appcontext
def snapshot_command(output: str) -> None:
    """A consistent copy of the database file, safe while the app runs (VACUUM INTO)."""
    with database() as db:
        store.snapshot(db, output)
    click.echo(f"snapshot written to {output}")


def conference_json(conf: Conference) -> dict:
    """A conference as `conferences --json` and `conference SLUG --json` print it."""
    return {
        "slug": conf.slug,
        "name": conf.name,
        "hashtag": f"#{conf.hashtag}" if conf.hashtag else "",
        "url": conf.url,
        "timezone": conf.timezone,
        "start_date": conf.start_date,
        "end_date": conf.end_date,
        "sessions": conf.talks,
    }


@click.command("conferences")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@with_appcontext
def conferences_command(as_json: bool) -> None:
    """List the conferences: slug, name, hashtag, URL, time zone, number of sessions."""
    with database() as db:
        found = [conference_json(c) for c in store.conferences(db)]
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=1))
        return
    for c in found:
        click.echo(
            "\t".join([c["slug"], c["name"], c["hashtag"], c["url"], c["timezone"], f"{c['sessions']} sessions"])
        )


@click.command("conference")
@click.argument("slug")
@click.option("--name", default=None, help="The new display name.")
@click.option("--hashtag", default=None, help="The conference's hashtag, e.g. '#JTF2026' ('' clears it).")
@click.option("--url", default=None, help="The conference's web site ('' clears it).")
@click.option("--json", "as_json", is_flag=True, help="Print the conference as JSON.")
@with_appcontext
def conference_command(slug: str, name: str | None, hashtag: str | None, url: str | None, as_json: bool) -> None:
    """Show a conference, or change its name, hashtag and URL without re-importing."""
    with database() as db:
        store.update_conference(db, store.conference(db, slug), name=name, hashtag=hashtag, url=url)
        shown = conference_json(next(c for c in store.conferences(db) if c.slug == slug))
    if as_json:
        click.echo(json.dumps(shown, ensure_ascii=False, indent=1))
        return
    for field in ("slug", "name", "hashtag", "url", "timezone", "start_date", "end_date", "sessions"):
        click.echo(f"{field}: {'' if shown[field] is None else shown[field]}")


@click.command("logout-all")
@with_appcontext
def logout_all_command() -> None:
    """Log every device out (a lost phone): each must enter the password again."""
    with database() as db:
        ended = store.end_all_logins(db)
    click.echo(f"{ended} logins ended; every device must log in again")


@click.command("sessions")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array (the contract of ../shared/CLI.md).")
@with_appcontext
def sessions_command(slug: str, as_json: bool) -> None:
    """Print the conference's sessions in a stable order (start, room, key)."""
    with database() as db:
        sessions = store.planned_sessions(db, store.conference(db, slug))
    if as_json:
        click.echo(json.dumps([s.to_json() for s in sessions], ensure_ascii=False, indent=1))
    else:
        for s in sessions:
            when = s.start.strftime("%Y-%m-%d %H:%M") if s.start else "unscheduled"
            click.echo(f"{when}\t{s.room}\t{s.key}\t{s.title}")


COMMANDS = (
    import_command,
    undo_import_command,
    mark_command,
    note_command,
    link_command,
    photo_group,
    ics_command,
    report_command,
    export_command,
    backup_command,
    restore_command,
    snapshot_command,
    sessions_command,
    conferences_command,
    conference_command,
    logout_all_command,
)


def init_app(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)
