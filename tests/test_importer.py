"""The importer's promises, each as a user meets it: Refresh repeats the options given at the first import,
an import confirmed later still remembers its URL, the form's small fields read as people type them."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from conference import importer, store
from conference.errors import BadInput, ParseError
from conference.store import connect

from .test_import_qa import visible

FIXTURES = Path(__file__).parent / "fixtures"

# A CSV with clock times only: the date, the zone and the talks' length come from the options.
CSV = "title,start,room\nOpening,10:00,Hall\nDeep dive,11:00,Hall\n"


def _conf(db_path, slug):
    db = connect(db_path)
    try:
        return store.conference(db, slug), store.planned_sessions(db, store.conference(db, slug))
    finally:
        db.close()


def test_refresh_reads_the_url_again_with_the_options_given_at_the_first_import(client, db_path, http_server):
    http_server.put("/t.csv", CSV.encode(), "text/csv")
    answer = client.post(
        "/import",
        data={
            "url": http_server.url + "/t.csv",
            "slug": "csvconf",
            "name": "CSV Conf",
            "format": "csv",
            "timezone": "Europe/Berlin",
            "date": "2026-07-25",
            "duration": "30",
        },
    )
    assert answer.status_code == 303, answer.get_data(as_text=True)
    conf, sessions = _conf(db_path, "csvconf")
    assert conf.source == http_server.url + "/t.csv" and conf.timezone == "Europe/Berlin"
    again = importer.refresh_request(conf)
    assert again == importer.ImportRequest(
        source=http_server.url + "/t.csv",
        slug="csvconf",
        fmt="csv",
        timezone="Europe/Berlin",
        date="2026-07-25",
        duration=30,
    )
    first = [(s.title, s.start.isoformat(), s.end.isoformat()) for s in sessions]
    assert first[0] == ("Opening", "2026-07-25T10:00:00+02:00", "2026-07-25T10:30:00+02:00")
    http_server.put("/t.csv", (CSV + "Closing,17:00,Hall\n").encode(), "text/csv")
    refreshed = client.post("/c/csvconf/refresh")
    assert refreshed.status_code == 303
    _conf_after, after = _conf(db_path, "csvconf")
    assert [(s.title, s.start.isoformat(), s.end.isoformat()) for s in after][:2] == first  # read the same way
    assert (
        after[2].start.isoformat() == "2026-07-25T17:00:00+02:00"
        and after[2].end - after[2].start == after[0].end - after[0].start
    )


def test_only_a_timetable_imported_from_a_url_can_be_refreshed(client, runner, tmp_path, db_path):
    source = tmp_path / "t.csv"
    source.write_text(CSV, "utf-8")
    assert (
        runner.invoke(
            args=["import", str(source), "--slug", "local", "--date", "2026-07-25", "--duration", "45"]
        ).exit_code
        == 0
    )
    conf, _sessions = _conf(db_path, "local")
    with pytest.raises(BadInput, match="this timetable was not imported from a URL") as refused:
        importer.refresh_request(conf)
    assert refused.value.field == "source"
    assert client.post("/c/local/refresh").status_code == 400


@pytest.mark.parametrize(("typed", "minutes"), [("45", 45), (" 30 ", 30), ("", None), ("  ", None)])
def test_the_talk_length_field_reads_whole_minutes(typed, minutes):
    assert importer.duration_field(typed) == minutes


@pytest.mark.parametrize("typed", ["4.5", "-5", "forty", "45m", "1e3"])
def test_the_talk_length_field_refuses_anything_else_naming_what_was_typed(typed):
    with pytest.raises(BadInput) as refused:
        importer.duration_field(typed)
    assert str(refused.value) == f"duration {typed.strip()!r} is not a whole number of minutes"  # the whole message
    assert refused.value.field == "duration"


def test_a_long_name_in_brackets_makes_a_slug_of_sixty_characters():
    """Japanese announcements start with 【速報】: the bracket is dropped first, then the slug is cut at 60."""
    name = "【速報】July Tech Festa 2026 — インフラ/SRE のための技術カンファレンス in 東京・オンライン同時配信 Day 1"
    assert (
        importer.slugify(name)
        == "速報-july-tech-festa-2026-インフラ-sre-のための技術カンファレンス-in-東京-オンライン同時"
    )


@pytest.mark.parametrize("typed", ["=talk_title", "title=", " = ", "title"])
def test_a_map_without_a_field_or_a_path_says_how_to_write_one(runner, tmp_path, typed):
    (tmp_path / "talks.json").write_text('{"talks": [{"talk_title": "Kubernetes 入門"}]}', encoding="utf-8")
    result = runner.invoke(
        args=["import", str(tmp_path / "talks.json"), "--slug", "mapped", "--records", "talks", "--map", typed]
    )
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: --map '{typed}': write FIELD=PATH, e.g. --map title=talk_title"
    assert "mapped" not in runner.invoke(args=["conferences"]).output


def test_the_format_named_is_the_one_read_even_when_the_file_is_another(runner, tmp_path):
    """--format overrides detection: a CSV read as frab XML is refused as XML, and nothing is imported."""
    (tmp_path / "talks.csv").write_bytes((FIXTURES / "mini.csv").read_bytes())
    result = runner.invoke(args=["import", str(tmp_path / "talks.csv"), "--slug", "forced", "--format", "frab-xml"])
    assert result.exit_code == 1
    assert (
        result.output.strip()
        == "Error: talks.csv: frab-xml: line 1 column 0: not well-formed XML (syntax error: line 1, column 0)"
    )
    assert "forced" not in runner.invoke(args=["conferences"]).output
    read_as_csv = runner.invoke(args=["import", str(tmp_path / "talks.csv"), "--slug", "forced", "--format", "csv"])
    assert read_as_csv.exit_code == 0 and "forced" in runner.invoke(args=["conferences"]).output


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("July Tech Festa 2026", "july-tech-festa-2026"),
        ("  JTF 2026 — Tokyo!  ", "jtf-2026-tokyo"),
        ("夏のテック祭り 2026", "夏のテック祭り-2026"),
        ("C++/Rust: Day #1", "c-rust-day-1"),
        ("!!!", "conference"),
        ("", "conference"),
        ("a" * 59 + " b c", "a" * 59),  # cut at 60 characters, never ending on a dash
        ("x" * 70, "x" * 60),
    ],
)
def test_a_conference_gets_its_short_name_from_its_name(name, slug):
    assert importer.slugify(name) == slug


def test_an_import_confirmed_later_still_refreshes_from_its_url(client, db_path, http_server):
    """A risky import waits in the form for the user's word; once confirmed, the conference still knows
    its URL (Refresh works), not the name of the bytes that waited."""
    first = {
        "sessions": [
            {
                "id": str(i),
                "title": f"Talk {i}",
                "startsAt": f"2026-07-25T1{i}:00:00",
                "endsAt": f"2026-07-25T1{i}:45:00",
                "roomId": 1,
            }
            for i in range(4)
        ],
        "rooms": [{"id": 1, "name": "Hall"}],
        "speakers": [],
    }
    http_server.put("/s.json", json.dumps(first).encode(), "application/json")
    assert (
        client.post(
            "/import", data={"url": http_server.url + "/s.json", "slug": "s", "timezone": "Asia/Tokyo"}
        ).status_code
        == 303
    )
    http_server.put("/s.json", json.dumps({**first, "sessions": first["sessions"][:1]}).encode(), "application/json")
    page = client.post("/c/s/refresh")  # takes 3 of 4 talks out: asks first
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Check before importing" in html
    token = html.split('action="/import/pending/')[1].split('"')[0]
    assert client.post(f"/import/pending/{token}", data={"confirm": "1"}).status_code == 303
    conf, sessions = _conf(db_path, "s")
    assert conf.source == http_server.url + "/s.json" and len([s for s in sessions if not s.cancelled]) == 1
    assert importer.refresh_request(conf).source == http_server.url + "/s.json"
    assert conf.source_options.get("timezone") == "Asia/Tokyo"


def test_an_upload_is_remembered_by_its_file_name(client, db_path):
    upload = client.post(
        "/import",
        data={
            "file": (__import__("io").BytesIO(CSV.encode()), "my-timetable.csv"),
            "slug": "up",
            "date": "2026-07-25",
            "duration": "45",
        },
        content_type="multipart/form-data",
    )
    assert upload.status_code == 303
    conf, _sessions = _conf(db_path, "up")
    assert conf.source == "my-timetable.csv" and conf.source_options == {
        "fmt": "",
        "timezone": "",
        "date": "2026-07-25",
        "duration": 45,
        "encoding": "",
    }


def test_custom_json_asks_for_its_fields_but_broken_json_is_an_error_with_its_line(client):
    custom = client.post("/import", data={"text": json.dumps({"talks": [{"name": "x", "at": "10:00"}]}), "slug": "c"})
    assert custom.status_code == 303 and "/import/pending/" in custom.headers["Location"]
    broken = client.post("/import", data={"text": '{"talks": [\n{"name": "x",,}]}', "slug": "c"})
    assert broken.status_code == 400 and "line 2" in broken.get_data(as_text=True)
    binary = client.post("/import", data={"text": "\x00\x01 not text", "slug": "c"})
    assert binary.status_code == 400 and "/import/pending/" not in binary.headers.get("Location", "")


def test_needs_mapping_only_for_custom_data_without_a_line():
    assert importer.needs_mapping(ParseError("json", "top level", "no list of sessions found"))
    assert importer.needs_mapping(ParseError("yaml", "top level", "no list of sessions found"))
    assert not importer.needs_mapping(ParseError("json", "line 3 column 2", "not JSON"))
    assert not importer.needs_mapping(ParseError("json", "byte 0", "not UTF-8"))
    assert not importer.needs_mapping(ParseError("csv", "top level", "no header row"))


def test_the_options_of_an_import_waiting_in_the_form_are_kept_but_not_its_bytes():
    request = importer.ImportRequest(
        source="https://example.org/t.json",
        data=b"{}",
        filename="t.json",
        origin="https://example.org/t.json",
        slug="s",
        name="N",
        fmt="csv",
        timezone="UTC",
        date="2026-07-25",
        duration=30,
        encoding="cp932",
        records="talks",
        fields={"title": "name"},
    )
    assert request.form_values() == {
        "slug": "s",
        "name": "N",
        "fmt": "csv",
        "timezone": "UTC",
        "date": "2026-07-25",
        "duration": 30,
        "encoding": "cp932",
        "records": "talks",
        "fields": {"title": "name"},
    }
    assert request.remembered() == {
        "fmt": "csv",
        "timezone": "UTC",
        "date": "2026-07-25",
        "duration": 30,
        "encoding": "cp932",
        "records": "talks",
        "fields": {"title": "name"},
    }
    assert importer.ImportRequest(slug="s").remembered() == {
        "fmt": "",
        "timezone": "",
        "date": "",
        "duration": None,
        "encoding": "",
    }


def test_a_file_without_a_zone_is_read_in_the_apps_zone_and_the_note_says_how_to_name_another(runner, tmp_path):
    (tmp_path / "talks.csv").write_bytes((FIXTURES / "mini.csv").read_bytes())
    result = runner.invoke(args=["import", str(tmp_path / "talks.csv")])
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == (
        "  note: the file names no time zone and no --timezone was given: "
        "times read in Asia/Tokyo (the app's default; --timezone names another)"
    )


def test_pasting_the_timetable_again_keeps_the_zone_its_conference_was_imported_in(client, runner):
    """Pasted text has no file or URL to find its conference by: it is found by its name, and keeps that
    conference's zone (not the app's default) when the text names no zone of its own."""
    text = (FIXTURES / "mini.csv").read_text(encoding="utf-8")
    first = client.post("/import", data={"text": text, "name": "Natsu Fest", "timezone": "Europe/Berlin"})
    assert first.status_code == 303
    again = client.post("/import", data={"text": text, "name": "Natsu Fest"})
    assert again.status_code == 303
    page = visible(client.get(again.headers["Location"]))
    assert "times read in Europe/Berlin (the zone of 'natsu-fest', imported before)" in page, page
    [a10] = [
        s for s in json.loads(runner.invoke(args=["sessions", "natsu-fest", "--json"]).stdout) if s["code"] == "A10"
    ]
    assert a10["start"] == "2026-07-25T11:00:00+02:00"


def test_a_timetable_from_a_url_is_named_by_its_path_not_its_query(runner, http_server):
    http_server.put("/export/timetable?format=csv", (FIXTURES / "mini.csv").read_bytes(), "text/csv")
    result = runner.invoke(args=["import", f"{http_server.url}/export/timetable?format=csv"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("timetable: 4 added")
    assert "\ttimetable\t" in runner.invoke(args=["conferences"]).output


@pytest.mark.parametrize("typed", ["2026-13-01", "25/07/2026", "tomorrow"])
def test_a_first_day_that_is_not_a_date_is_named_whole(runner, tmp_path, typed):
    (tmp_path / "talks.csv").write_bytes((FIXTURES / "mini.csv").read_bytes())
    result = runner.invoke(args=["import", str(tmp_path / "talks.csv"), "--date", typed])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: --date '{typed}' is not a date (YYYY-MM-DD)"


def test_a_time_zone_that_does_not_exist_is_named_whole(runner, tmp_path):
    (tmp_path / "talks.csv").write_bytes((FIXTURES / "mini.csv").read_bytes())
    result = runner.invoke(args=["import", str(tmp_path / "talks.csv"), "--timezone", "Asia/Tokio"])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: --timezone 'Asia/Tokio' is not a time zone (e.g. Asia/Tokyo)"


def test_the_import_form_refuses_a_format_it_does_not_know_naming_the_ones_it_does(client):
    answer = client.post("/import", data={"text": (FIXTURES / "mini.csv").read_text("utf-8"), "format": "excel"})
    assert answer.status_code == 400
    known = ", ".join(importer.PARSERS)
    assert f"unknown format &#39;excel&#39;; known: {known}" in answer.get_data(as_text=True)


def test_a_request_mapping_a_field_that_does_not_exist_is_refused_with_the_fields_there_are():
    with pytest.raises(BadInput) as refused:
        importer.ImportRequest(source="talks.json", records="talks", fields={"titel": "name"}).parser_options("UTC")
    assert str(refused.value) == f"--map titel=…: unknown field 'titel'; fields: {', '.join(importer.FIELDS)}"


def test_uploading_the_same_file_again_updates_the_conference_it_went_into(client, runner):
    """Found by the file it came from, even when the first upload named the conference otherwise."""
    csv = (FIXTURES / "mini.csv").read_bytes()
    first = {"file": (io.BytesIO(csv), "jtf.csv"), "slug": "jtf2026"}
    assert client.post("/import", data=first, content_type="multipart/form-data").status_code == 303
    again = client.post("/import", data={"file": (io.BytesIO(csv), "jtf.csv")}, content_type="multipart/form-data")
    assert again.status_code == 303 and "/c/jtf2026/" in again.headers["Location"]
    slugs = [c["slug"] for c in json.loads(runner.invoke(args=["conferences", "--json"]).stdout)]
    assert sorted(slugs) == ["demo-tech-festa-2026", "jtf2026"]


def test_an_uploaded_file_is_named_with_its_format_on_the_import_report(client):
    """The report (and the import history) say where each import came from: the uploaded file's name."""
    upload = {"file": (io.BytesIO((FIXTURES / "mini.csv").read_bytes()), "jtf-2026.csv")}
    answer = client.post("/import", data=upload, content_type="multipart/form-data")
    assert answer.status_code == 303
    page = visible(client.get(answer.headers["Location"]))
    assert "jtf-2026.csv · CSV / TSV spreadsheet · " in page, page


@pytest.mark.parametrize("typed", ["/etc/passwd", "file:///etc/passwd", "ftp://example.org/t.csv"])
def test_the_import_form_reads_no_path_and_says_so_whole(client, typed):
    answer = client.post("/import", data={"url": typed})
    assert answer.status_code == 400
    [alert] = re.findall(r'<p class="error" role="alert">(.*?)</p>', answer.get_data(as_text=True))
    assert alert == f"&#39;{typed}&#39; is not an http(s) URL"
