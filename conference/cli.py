"""The `flask --app app …` commands: twins of the UI actions (../shared/CLI.md)."""

from __future__ import annotations

import json

import click
from flask import Flask

from . import store
from .db import connect


def _db():
    from flask import current_app

    return connect(current_app.config["DATABASE"])


def _fail(message: str) -> None:
    raise click.ClickException(message)


def register(app: Flask) -> None:
    @app.cli.command("sessions")
    @click.argument("slug")
    @click.option("--json", "as_json", is_flag=True, help="Print a JSON array (the only output for now).")
    def sessions_command(slug: str, as_json: bool) -> None:
        """Print the conference's sessions in a stable order (start, room, key)."""
        db = _db()
        try:
            conf = store.conference(db, slug)
            rows = store.sessions(db, conf)
        except store.NotFound as exc:
            _fail(str(exc))
        finally:
            db.close()
        if as_json:
            click.echo(json.dumps([store.session_json(r) for r in rows], ensure_ascii=False, indent=1))
        else:
            for r in rows:
                when = r["start"].strftime("%Y-%m-%d %H:%M") if r["start"] else "unscheduled"
                click.echo(f"{when}\t{r['room']}\t{r['key']}\t{r['title']}")
