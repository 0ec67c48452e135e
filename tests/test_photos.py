"""Slide photos (issue 18): real pictures made with Pillow (EXIF GPS, a serial number, XMP, an
orientation), through the library, the store, the web forms, the CLI, the blog draft and its bundle
(built by the real Hugo), the notes zip and the share link; and what is refused with nothing kept."""

from __future__ import annotations

import hashlib
import io
import json
import re
import sqlite3
import warnings
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image, ImageDraw
from PIL.ExifTags import GPS, IFD, Base

from conference import create_app, media, store
from conference.errors import NotFound
from tests.realtools import hugo_build_bundle, zenn_check

SLUG = "demo-tech-festa-2026"
C = f"/c/{SLUG}"
TOKYO = ZoneInfo("Asia/Tokyo")
PHONE = (4000, 3000)  # a 12 MP phone camera's photo
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">creator-secret-xmp</rdf:RDF></x:xmpmeta>'


def slide(
    size=(1600, 1200),
    *,
    orientation: int | None = 6,
    taken: str | None = "2026:07:25 13:05:12",
    offset: str | None = None,
    gps: bool = True,
    fmt: str = "JPEG",
    mode: str = "RGB",
    colour="white",
) -> bytes:
    """A photo of a slide as a phone writes it (small by default: the tests that shrink a phone's 12 MP
    photo ask for PHONE): a red mark in the top-left corner of the sensor, EXIF
    with the camera's orientation, the time, GPS, the camera's model and serial number, and XMP."""
    image = Image.new(mode, size, colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, size[0] // 5, size[1] // 5), fill=(255, 0, 0, 255) if mode == "RGBA" else "red")
    exif = Image.Exif()
    exif[Base.Make] = "PhoneMaker"
    exif[Base.Model] = "Pixel-Secret-Model"
    if orientation:
        exif[Base.Orientation] = orientation
    sub = exif.get_ifd(IFD.Exif)
    sub[Base.BodySerialNumber] = "SERIAL-0042"
    if taken:
        sub[Base.DateTimeOriginal] = taken
    if offset:
        sub[Base.OffsetTimeOriginal] = offset
    if gps:
        where = exif.get_ifd(IFD.GPSInfo)
        where[GPS.GPSLatitudeRef], where[GPS.GPSLatitude] = "N", (35.0, 41.0, 22.5)
        where[GPS.GPSLongitudeRef], where[GPS.GPSLongitude] = "E", (139.0, 41.0, 30.2)
    out = io.BytesIO()
    options = {"exif": exif}
    if fmt == "JPEG":
        options.update(xmp=XMP, quality=92)
    image.save(out, fmt, **options)
    return out.getvalue()


def private_bits(data: bytes) -> list[str]:
    """What of the camera's metadata is still in a file (nothing, for a photo we keep)."""
    found = [
        word
        for word in ("Pixel-Secret-Model", "SERIAL-0042", "PhoneMaker", "creator-secret-xmp")
        if word.encode() in data
    ]
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        if exif:
            found.append(f"EXIF {dict(exif)}")
        if exif.get_ifd(IFD.GPSInfo):
            found.append("GPS")
        found += [k for k in ("xmp", "exif", "comment") if k in image.info]
    return found


def red_corner(data: bytes) -> str:
    """Where the red mark is in the kept photo: which corner (the camera held sideways turns it)."""
    with Image.open(io.BytesIO(data)) as image:
        rgb = image.convert("RGB")
        w, h = rgb.size
        corners = {
            "top-left": (5, 5),
            "top-right": (w - 6, 5),
            "bottom-left": (5, h - 6),
            "bottom-right": (w - 6, h - 6),
        }
        red = [name for name, xy in corners.items() if rgb.getpixel(xy)[0] > 200 and rgb.getpixel(xy)[1] < 80]
    assert len(red) == 1, red
    return red[0]


def photos_json(runner, key: str | None = None) -> list[dict]:
    result = runner.invoke(args=["photo", "list", SLUG, *([key] if key else []), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def upload(client, key: str, *files: tuple[bytes, str], api: bool = False, **fields):
    data = {"photo": [(io.BytesIO(body), name) for body, name in files], **fields}
    url = f"/api{C}/photos/{key}" if api else f"{C}/photos/{key}"
    headers = {"Accept": "application/json"} if api else {}
    return client.post(url, data=data, content_type="multipart/form-data", headers=headers)


# --- what a photo becomes ------------------------------------------------------------------------


def test_a_phone_photo_is_turned_upright_shrunk_and_stripped_of_gps_and_every_other_exif():
    original = slide(PHONE)
    assert private_bits(original)  # the camera's file carries all of it
    prepared = media.prepare(original)
    assert private_bits(prepared.data) == []
    assert private_bits(prepared.thumb) == []
    # Orientation 6: the camera was turned 90° clockwise; the kept photo stands as the scene did.
    assert (prepared.width, prepared.height) == (1920, 2560)
    assert red_corner(prepared.data) == "top-right"
    assert max(prepared.thumb_width, prepared.thumb_height) == media.THUMB_EDGE
    assert red_corner(prepared.thumb) == "top-right"
    assert prepared.mimetype == "image/jpeg" and prepared.data[:2] == b"\xff\xd8"
    assert prepared.exif_time == datetime(2026, 7, 25, 13, 5, 12)
    assert prepared.source_sha256 == hashlib.sha256(original).hexdigest()


@pytest.mark.parametrize(
    ("orientation", "corner", "size"),
    [(1, "top-left", (2560, 1920)), (3, "bottom-right", (2560, 1920)), (8, "bottom-left", (1920, 2560))],
)
def test_each_orientation_is_applied(orientation, corner, size):
    prepared = media.prepare(slide(PHONE, orientation=orientation, gps=False))
    assert (prepared.width, prepared.height) == size
    assert red_corner(prepared.data) == corner


def test_a_small_photo_keeps_its_size_and_a_transparent_picture_stays_png():
    small = media.prepare(slide((800, 600), orientation=None))
    assert (small.width, small.height) == (800, 600)
    png = media.prepare(slide((1200, 900), orientation=None, fmt="PNG", mode="RGBA", colour=(0, 0, 0, 0)))
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")
    assert private_bits(png.data) == []
    with Image.open(io.BytesIO(png.data)) as kept:
        assert kept.mode == "RGBA" and kept.getpixel((1000, 800))[3] == 0
    assert png.thumb[:2] == b"\xff\xd8"  # thumbnails are JPEG, on white
    for fmt in ("WEBP", "GIF"):
        assert media.prepare(slide((640, 480), orientation=None, fmt=fmt, gps=False)).mimetype == "image/jpeg"


def test_the_time_taken_comes_from_exif_then_the_file_then_now():
    exif_naive = media.prepare(slide(gps=False)).exif_time
    assert media.taken_at(exif_naive, TOKYO) == datetime(2026, 7, 25, 13, 5, 12, tzinfo=TOKYO)
    with_offset = media.prepare(slide(gps=False, offset="+01:00")).exif_time
    assert media.taken_at(with_offset, TOKYO) == datetime(2026, 7, 25, 21, 5, 12, tzinfo=TOKYO)  # a Berlin camera
    file_time = datetime(2026, 7, 25, 4, 30, tzinfo=UTC)
    assert media.taken_at(None, TOKYO, file_time) == datetime(2026, 7, 25, 13, 30, tzinfo=TOKYO)
    now = datetime(2026, 7, 25, 5, 0, tzinfo=UTC)
    assert media.taken_at(None, TOKYO, None, now) == datetime(2026, 7, 25, 14, 0, tzinfo=TOKYO)
    assert media.taken_at(None, TOKYO, datetime(1980, 1, 1, tzinfo=UTC), now) == now  # a file time nobody believes
    assert media.prepare(slide(taken="0000:00:00 00:00:00", gps=False)).exif_time is None


def _bomb(size) -> bytes:
    out = io.BytesIO()
    Image.new("1", size).save(out, "PNG")  # a few kilobytes that would unpack to hundreds of megabytes
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "reason", "cls"),
    [
        (b"%PDF-1.7 not a photo", "not_image", media.PhotoRefused),
        (b"", "empty", media.PhotoRefused),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "heic", media.PhotoRefused),
        (slide((640, 480))[:2000], "damaged", media.PhotoRefused),
        (b"\xff\xd8" + b"\x00" * (media.MAX_BYTES + 1), "too_large", media.PhotoTooLarge),
    ],
    ids=["pdf", "empty", "heic", "truncated", "over-20-MB"],
)
def test_what_is_not_a_usable_photo_is_refused_with_its_reason(data, reason, cls):
    with pytest.raises(cls) as refused:
        media.prepare(data, source="upload.jpg")
    assert refused.value.reason == reason
    assert "upload.jpg" in str(refused.value)


@pytest.mark.parametrize("side", [10_000, 14_000])
def test_decompression_bombs_are_refused_at_pillows_limit(side):
    bomb = _bomb((side, side))
    assert len(bomb) < 1_000_000 and side * side > Image.MAX_IMAGE_PIXELS
    with warnings.catch_warnings():  # Pillow warns between its limit and twice it; we refuse both
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with pytest.raises(media.PhotoRefused) as refused:
            media.prepare(bomb)
    assert refused.value.reason == "bomb"


# --- stored with the attendee's data ----------------------------------------------------------------


def test_photos_are_written_once_and_the_same_upload_is_one_photo(app, db_path):
    db = store.connect(db_path)
    conf = store.conference(db, SLUG)
    prepared = media.prepare(slide())
    taken = media.taken_at(prepared.exif_time, conf.tz)
    first = store.add_photos(db, conf, "A10", [(prepared, taken)], caption="  Architecture  ", upload_id="u-1")[0]
    assert first.caption == "Architecture" and first.taken == datetime(2026, 7, 25, 13, 5, 12, tzinfo=TOKYO)
    # A retry of the same upload, and the same file sent again, add nothing.
    assert store.add_photos(db, conf, "A10", [(prepared, taken)], upload_id="u-1")[0].id == first.id
    assert store.add_photos(db, conf, "A10", [(prepared, taken)])[0].id == first.id
    assert [p.id for p in store.photos(db, conf)] == [first.id]
    body, mimetype = store.photo_file(db, conf, first.id)
    assert body == prepared.data and mimetype == "image/jpeg" and hashlib.sha256(body).hexdigest() == first.sha256
    with pytest.raises(sqlite3.IntegrityError, match="written once"):
        db.execute("update photo_files set data = x'00' where photo_id = ?", [first.id])
    with pytest.raises(NotFound):
        store.add_photos(db, conf, "NOPE", [(prepared, taken)])
    store.delete_photo(db, conf, first.id)
    assert store.photos(db, conf) == []
    assert db.execute("select count(*) from photo_files").fetchone()[0] == 0
    db.close()


def test_a_photo_keeps_its_talk_when_the_organisers_drop_it(runner, tmp_path):
    fixtures = Path(__file__).parent / "fixtures"
    assert runner.invoke(args=["import", str(fixtures / "mini.xml"), "--slug", "mini"]).exit_code == 0
    photo = tmp_path / "a.jpg"
    photo.write_bytes(slide((800, 600)))
    b10 = "11111111-0000-4000-8000-000000000002"  # frab's guid is the key
    assert runner.invoke(args=["photo", "add", "mini", b10, str(photo)]).exit_code == 0
    dropped = (fixtures / "mini.xml").read_text(encoding="utf-8")
    start = dropped.index(f'<event guid="{b10}"')
    dropped = dropped[:start] + dropped[dropped.index("</event>", start) + len("</event>") :]
    (tmp_path / "dropped.xml").write_text(dropped, encoding="utf-8")
    result = runner.invoke(args=["import", str(tmp_path / "dropped.xml"), "--slug", "mini"])
    assert f"cancelled  {b10}" in result.output
    assert [p["key"] for p in json.loads(runner.invoke(args=["photo", "list", "mini", "--json"]).stdout)] == [b10]


# --- the web: forms, API, images, who may see them -------------------------------------------------


def test_the_plain_form_keeps_several_photos_and_the_note_page_shows_them(client, runner):
    response = upload(
        client,
        "A10",
        (slide(PHONE), "IMG_1.jpg"),
        (slide((1600, 1200), orientation=None), "IMG_2.jpg"),
        caption="Slides",
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/note/A10?added=2#photos")
    kept = photos_json(runner, "A10")
    assert [(p["caption"], p["width"], p["height"]) for p in kept] == [("Slides", 1920, 2560), ("Slides", 1600, 1200)]
    page = client.get(f"{C}/note/A10?added=2").get_data(as_text=True)
    for p in kept:
        assert f'href="{C}/photo/{p["id"]}"' in page and f'src="{C}/photo/{p["id"]}/thumb?v=' in page
    assert 'capture="environment"' in page and 'accept="image/*"' in page and "multiple" in page
    assert 'alt="Slides"' in page
    # Adding a photo says the attendee was there: A10 (unmarked) stays unmarked, a going talk is attended.
    runner.invoke(args=["mark", SLUG, "B10", "--status", "going"])
    upload(client, "B10", (slide((640, 480)), "b.jpg"))
    statuses = {s["key"]: s["status"] for s in json.loads(runner.invoke(args=["sessions", SLUG, "--json"]).stdout)}
    assert statuses["A10"] is None and statuses["B10"] == "attended"


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_one_bad_file_among_good_ones_keeps_nothing_and_says_why(client, runner):
    response = upload(client, "A10", (slide(), "good.jpg"), (b"PK\x03\x04 a zip", "notes.zip"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "notes.zip: This is not a photo (JPEG, PNG, WebP or GIF): nothing was added." in page
    assert photos_json(runner) == []
    assert upload(client, "A10").status_code == 400  # nothing chosen
    client.set_cookie("lang", "ja")
    ja = upload(client, "A10", (_bomb((10_000, 10_000)), "bomb.png"))
    assert ja.status_code == 400 and "画素数が多すぎます" in ja.get_data(as_text=True)
    assert photos_json(runner) == []


def test_the_api_takes_one_photo_with_its_upload_id_and_answers_json(client, runner):
    file_time = int(datetime(2026, 7, 26, 13, 30, tzinfo=TOKYO).timestamp() * 1000)  # File.lastModified
    first = upload(
        client,
        "A10",
        (slide(taken=None, gps=False), "IMG.jpg"),
        api=True,
        upload_id="abc-1",
        file_time=str(file_time),
        caption="Q&A",
    )
    assert first.status_code == 201
    photo = first.get_json()
    assert photo["taken"] == "2026-07-26T13:30:00+09:00"  # no EXIF time: the file's own time
    assert photo["thumb"].startswith(f"{C}/photo/{photo['id']}/thumb?v=") and photo["alt"] == "Q&A"
    again = upload(client, "A10", (slide(taken=None, gps=False), "IMG.jpg"), api=True, upload_id="abc-1")
    assert again.get_json()["id"] == photo["id"] and len(photos_json(runner)) == 1
    refused = upload(
        client, "A10", (b"\xff\xd8" + b"\x00" * (media.MAX_BYTES + 10), "huge.jpg"), api=True, upload_id="abc-2"
    )
    assert refused.status_code == 413 and refused.get_json()["final"] is True
    assert "larger than 20 MB" in refused.get_json()["error"]
    assert upload(client, "NOPE", (slide(), "x.jpg"), api=True).status_code == 404
    assert len(photos_json(runner)) == 1


def test_photos_are_served_only_to_the_attendee_and_on_the_share_link_only_when_asked(db_path, runner, tmp_path):
    app = create_app({"TESTING": True, "DATABASE": str(db_path), "PASSWORD": "pw", "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    (tmp_path / "s.jpg").write_bytes(slide())
    cli = app.test_cli_runner()
    photo_id = int(cli.invoke(args=["photo", "add", SLUG, "A10", str(tmp_path / "s.jpg")]).stdout)
    cli.invoke(args=["mark", SLUG, "A10", "--status", "going"])
    for path in (f"{C}/photo/{photo_id}/full", f"{C}/photo/{photo_id}/thumb", f"{C}/photo/{photo_id}"):
        assert client.get(path).status_code == 302  # to the login page
    client.post("/login", data={"password": "pw"})
    image = client.get(f"{C}/photo/{photo_id}/full")
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    assert image.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert private_bits(image.data) == []
    client.post(f"{C}/share", data={"action": "new"})
    share_page = client.get(f"{C}/share").get_data(as_text=True)
    token = re.search(r"/p/([A-Za-z0-9_-]+)/", share_page).group(1)
    stranger = app.test_client()
    assert stranger.get(f"/p/{token}/").status_code == 200
    assert "photo-strip" not in stranger.get(f"/p/{token}/").get_data(as_text=True)
    assert stranger.get(f"/p/{token}/photo/{photo_id}/thumb").status_code == 404  # not shown unless asked
    client.post(f"{C}/share/photos", data={"photos": "1"})
    shared = stranger.get(f"/p/{token}/").get_data(as_text=True)
    assert f'src="/p/{token}/photo/{photo_id}/thumb?v=' in shared
    assert stranger.get(f"/p/{token}/photo/{photo_id}/full").data == image.data
    assert stranger.get(f"{C}/photo/{photo_id}/full").status_code == 302  # the private address stays private
    client.post(f"{C}/share/photos", data={"photos": "0"})
    assert stranger.get(f"/p/{token}/photo/{photo_id}/thumb").status_code == 404
    client.post(f"{C}/share/photos", data={"photos": "1"})
    client.post(f"{C}/share", data={"action": "new"})  # a new link starts without photos; the old one is gone
    assert stranger.get(f"/p/{token}/photo/{photo_id}/thumb").status_code == 404


def test_an_id_sqlite_gives_again_after_a_deletion_gets_another_image_address(client):
    first = upload(client, "A10", (slide(colour="white"), "1.jpg"), api=True).get_json()
    client.post(f"{C}/photo/{first['id']}", data={"action": "delete", "confirm": "1"})
    second = upload(client, "A10", (slide(colour="navy"), "2.jpg"), api=True).get_json()
    assert second["id"] == first["id"]  # the same id again: browsers keep image addresses for a year
    assert second["thumb"] != first["thumb"] and second["full"] != first["full"]
    assert client.get(second["full"]).status_code == 200
    assert client.get(first["full"]).status_code == 404  # an old tab's address never shows the new photo


def test_the_viewer_changes_the_caption_and_deletes_only_after_confirming(client, runner):
    upload(client, "A10", (slide(), "1.jpg"), (slide(orientation=None, taken="2026:07:25 13:20:00"), "2.jpg"))
    first, second = photos_json(runner, "A10")
    page = client.get(f"{C}/photo/{first['id']}").get_data(as_text=True)
    assert (
        "Photo 1 of 2" in page and f'href="{C}/photo/{second["id"]}"' in page and 'width="1200" height="1600"' in page
    )
    assert "Taken Sat, Jul 25 13:05" in page
    assert client.post(f"{C}/photo/{first['id']}", data={"caption": "The <b>architecture</b>"}).status_code == 303
    assert "The &lt;b&gt;architecture&lt;/b&gt;" in client.get(f"{C}/photo/{first['id']}").get_data(as_text=True)
    assert client.post(f"{C}/photo/{first['id']}", data={"action": "delete"}).status_code == 400  # not confirmed
    assert len(photos_json(runner)) == 2
    gone = client.post(f"{C}/photo/{first['id']}", data={"action": "delete", "confirm": "1"})
    assert gone.headers["Location"].endswith("/note/A10?deleted=1#photos")
    assert [p["id"] for p in photos_json(runner)] == [second["id"]]
    assert client.get(f"{C}/photo/{first['id']}/full").status_code == 404
    assert client.get(f"{C}/photo/{first['id']}").status_code == 404


def test_now_offers_the_camera_for_the_talk_on_now(client, runner):
    runner.invoke(args=["mark", SLUG, "A10", "--status", "going"])
    page = client.get(f"{C}/now?at=2026-07-25T11:20").get_data(as_text=True)
    assert f'action="{C}/photos/A10"' in page and 'capture="environment"' in page
    assert "photos.js" in page


# --- the command line ------------------------------------------------------------------------------


def test_cli_add_list_and_rm(runner, tmp_path):
    (tmp_path / "slide.jpg").write_bytes(slide())
    added = runner.invoke(args=["photo", "add", SLUG, "A10", str(tmp_path / "slide.jpg"), "--caption", "Architecture"])
    assert added.exit_code == 0 and added.stdout.strip().isdigit()
    photo_id = int(added.stdout)
    assert photos_json(runner) == [
        {
            "id": photo_id,
            "key": "A10",
            "caption": "Architecture",
            "taken": "2026-07-25T13:05:12+09:00",
            "width": 1200,
            "height": 1600,
        }
    ]
    assert photos_json(runner, "B10") == []
    assert runner.invoke(args=["photo", "list", SLUG]).stdout.startswith(
        f"{photo_id}\tA10\t2026-07-25 13:05\t1200x1600"
    )
    (tmp_path / "notes.txt").write_text("not a photo")
    bad = runner.invoke(args=["photo", "add", SLUG, "A10", str(tmp_path / "notes.txt")])
    assert bad.exit_code == 1 and "notes.txt: not a photo" in bad.output and len(bad.output.strip().splitlines()) == 1
    unknown = runner.invoke(args=["photo", "add", SLUG, "NOPE", str(tmp_path / "slide.jpg")])
    assert unknown.exit_code == 1 and "No session 'NOPE'" in unknown.output
    assert runner.invoke(args=["photo", "rm", SLUG, str(photo_id)]).exit_code == 0
    assert photos_json(runner) == []
    assert runner.invoke(args=["photo", "rm", SLUG, str(photo_id)]).exit_code == 1


# --- the writeup: markers, the Hugo page bundle, the zips -------------------------------------------


@pytest.fixture
def photographed(runner, tmp_path):
    """A10 attended with two photos (one captioned), B10 attended with one; F40 (unmarked) one: not in a draft."""
    runner.invoke(args=["mark", SLUG, "A10", "B10", "--status", "attended"])
    runner.invoke(args=["mark", SLUG, "F50", "--status", "interested"])
    runner.invoke(args=["note", SLUG, "A10", "--append", "Great war stories"])
    ids = {}
    for name, key, data, caption in [
        ("a1.jpg", "A10", slide(taken="2026:07:25 11:10:00"), "The [cluster] map"),
        ("a2.jpg", "A10", slide(orientation=None, taken="2026:07:25 11:30:00"), ""),
        ("b1.png", "B10", slide((1200, 900), fmt="PNG", mode="RGBA", orientation=None), "Modules"),
        ("f1.jpg", "F40", slide((640, 480)), "elsewhere"),
    ]:
        (tmp_path / name).write_bytes(data)
        ids[name] = int(
            runner.invoke(args=["photo", "add", SLUG, key, str(tmp_path / name), "--caption", caption]).stdout
        )
    return ids


def stored_bytes(db_path, photo_id: int) -> bytes:
    db = store.connect(db_path)
    try:
        return store.photo_file(db, store.conference(db, SLUG), photo_id)[0]
    finally:
        db.close()


@pytest.mark.slow  # hugo / jekyll / the Node tools in another process
def test_hugo_bundle_from_the_cli_is_read_back_and_built_by_hugo(runner, photographed, db_path, tmp_path):
    target = tmp_path / "bundle"
    result = runner.invoke(args=["report", SLUG, "--preset", "hugo", "--lang", "en", "--bundle", str(target)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in target.iterdir()) == ["a10-1.jpg", "a10-2.jpg", "b10-1.png", "index.md"]
    for name, photo in (("a10-1.jpg", "a1.jpg"), ("a10-2.jpg", "a2.jpg"), ("b10-1.png", "b1.png")):
        assert (target / name).read_bytes() == stored_bytes(db_path, photographed[photo])
    index = (target / "index.md").read_text(encoding="utf-8")
    assert "![The [cluster] map](a10-1.jpg)" in index
    assert (
        "![A10: Kubernetes 運用の 5 年間: 失敗から学んだこと / Five years of running Kubernetes: lessons from failure](a10-2.jpg)"
        in index
    )
    assert (
        index.index("Great war stories")
        < index.index("(a10-1.jpg)")
        < index.index("(a10-2.jpg)")
        < index.index("#### B10")
    )
    assert "f40" not in index and "photo:" not in index
    built = hugo_build_bundle(target, "jtf-report")
    assert '<img src="a10-1.jpg" alt="The [cluster] map">' in built.html
    assert '<img src="b10-1.png" alt="Modules">' in built.html
    assert built.files == {name: (target / name).read_bytes() for name in ("a10-1.jpg", "a10-2.jpg", "b10-1.png")}
    again = runner.invoke(args=["report", SLUG, "--preset", "hugo", "--bundle", str(target)])
    assert again.exit_code == 1 and "is not empty" in again.output  # never over the user's edits


@pytest.mark.parametrize("preset", ["jekyll", "hatena", "zenn", "qiita", "markdown"])
def test_other_platforms_get_a_marker_where_each_photo_goes_and_the_photos_in_the_zip(
    client, photographed, db_path, preset
):
    text = client.get(f"{C}/report?preset={preset}&download=1").get_data(as_text=True)
    markers = [line for line in text.splitlines() if "photo:" in line]
    assert markers == ["<!-- photo: a10-1.jpg -->", "<!-- photo: a10-2.jpg -->", "<!-- photo: b10-1.png -->"]
    assert "](a10-1.jpg)" not in text  # an image only in a Hugo page bundle
    response = client.get(f"{C}/report?preset={preset}&bundle=1")
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    folder = "demo-tech-festa-2026-report"
    names = sorted(archive.namelist())
    draft = next(n for n in names if n.endswith(".md"))
    assert draft.startswith(folder + "/") and draft != f"{folder}/index.md"
    assert sorted(n for n in names if not n.endswith(".md")) == [
        f"{folder}/a10-1.jpg",
        f"{folder}/a10-2.jpg",
        f"{folder}/b10-1.png",
    ]
    assert archive.read(f"{folder}/a10-1.jpg") == stored_bytes(db_path, photographed["a1.jpg"])
    assert "<!-- photo: a10-1.jpg -->" in archive.read(draft).decode()


def test_the_report_page_offers_the_hugo_bundle_as_a_zip(client, photographed, db_path):
    page = client.get(f"{C}/report?preset=hugo").get_data(as_text=True)
    assert "Hugo page bundle: index.md and the photos (.zip)" in page and "3 photos" in page
    response = client.get(f"{C}/report?preset=hugo&bundle=1")
    assert "demo-tech-festa-2026-report.zip" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    index = archive.read("demo-tech-festa-2026-report/index.md").decode()
    assert "(a10-1.jpg)" in index and "(b10-1.png)" in index
    assert archive.read("demo-tech-festa-2026-report/b10-1.png") == stored_bytes(db_path, photographed["b1.png"])


@pytest.mark.slow  # hugo / jekyll / the Node tools in another process
def test_zenn_shows_the_photo_markers_as_comments_not_text(runner, photographed):
    text = runner.invoke(args=["report", SLUG, "--preset", "zenn", "--article-slug", "demo-photos-report"]).stdout
    assert "<!-- photo: a10-1.jpg -->" in text
    assert zenn_check(text, "demo-photos-report") == []


def test_the_notes_zip_carries_the_photos(client, photographed, db_path):
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{C}/notes.zip").data))
    names = archive.namelist()
    assert "photos/a10-1.jpg" in names and "photos/f40-1.jpg" in names
    assert archive.read("photos/f40-1.jpg") == stored_bytes(db_path, photographed["f1.jpg"])
    note = archive.read(next(n for n in names if n.startswith("a10-"))).decode()
    assert "Great war stories" in note and "![The [cluster] map](photos/a10-1.jpg)" in note
    assert any(n.startswith("f40-") and n.endswith(".md") for n in names)  # photos without a note: a file too


# --- backup and restore --------------------------------------------------------------------------------


def _all_photo_bytes(path) -> dict[tuple[str, str], tuple]:
    db = store.connect(path)
    try:
        conf = store.conference(db, SLUG)
        return {
            (p.key, p.sha256): (
                p.caption,
                p.taken.isoformat(),
                p.width,
                p.height,
                store.photo_file(db, conf, p.id, "full"),
                store.photo_file(db, conf, p.id, "thumb"),
            )
            for p in store.photos(db, conf)
        }
    finally:
        db.close()


def test_backup_then_restore_into_a_fresh_database_gives_the_same_bytes(runner, db_path, tmp_path):
    for name, key, data, caption in [
        ("a.jpg", "A10", slide(), "キャプション"),
        ("b.png", "B10", slide((900, 700), fmt="PNG", mode="RGBA", orientation=None), ""),
    ]:
        (tmp_path / name).write_bytes(data)
        assert (
            runner.invoke(args=["photo", "add", SLUG, key, str(tmp_path / name), "--caption", caption]).exit_code == 0
        )
    backup = tmp_path / "backup.json"
    assert runner.invoke(args=["backup", "-o", str(backup)]).exit_code == 0
    fresh_db = tmp_path / "fresh.db"
    fresh = create_app({"TESTING": True, "DATABASE": str(fresh_db), "LOAD_DEMO": False}).test_cli_runner()
    restored = fresh.invoke(args=["restore", str(backup)])
    assert restored.exit_code == 0 and "2 photos" in restored.output
    before, after = _all_photo_bytes(db_path), _all_photo_bytes(fresh_db)
    assert len(before) == 2 and after == before  # the same bytes, captions and times back
    again = fresh.invoke(args=["restore", str(backup)])
    assert "photos" not in again.output and _all_photo_bytes(fresh_db) == before  # twice: nothing added


def test_the_share_links_choice_to_show_photos_comes_back_with_its_token(client, tmp_path):
    client.post(f"{C}/share", data={"action": "new"})
    client.post(f"{C}/share/photos", data={"photos": "1"})
    app = client.application
    backup = tmp_path / "backup.json"
    assert app.test_cli_runner().invoke(args=["backup", "-o", str(backup)]).exit_code == 0
    assert json.loads(backup.read_text())["conferences"][0]["shares"][0]["photos"] == 1
    fresh_db = tmp_path / "fresh.db"
    fresh = create_app({"TESTING": True, "DATABASE": str(fresh_db), "LOAD_DEMO": False})
    assert fresh.test_cli_runner().invoke(args=["restore", "--with-tokens", str(backup)]).exit_code == 0
    db = store.connect(fresh_db)
    assert store.share_shows_photos(db, store.conference(db, SLUG))
    db.close()


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda p: p.update(data=p["thumb"]), "data: the photo's bytes do not match its sha256"),
        (
            lambda p: p.update(
                data=__import__("base64").b64encode(b"<html><script>alert(1)</script>").decode(),
                sha256=hashlib.sha256(b"<html><script>alert(1)</script>").hexdigest(),
            ),
            "data: not a JPEG picture",
        ),
        (lambda p: p.update(mimetype="text/html"), "mimetype: 'text/html' is not image/jpeg or image/png"),
        (lambda p: p.update(key="NOPE"), 'key: no session "NOPE" in this conference'),
        (lambda p: p.update(width=10), "data: the picture is not of the stated width and height"),
        (
            lambda p: p.update(taken="2026-07-25 13:05"),
            'taken: "2026-07-25 13:05" is not a date and time with its UTC offset',
        ),
        (lambda p: p.update(where="Tokyo"), "where: is not a field of a photo"),
        (lambda p: p.update(thumb=""), "photos[0] (A10): thumb: is missing (base64 of the picture)"),
    ],
    ids=["sha256", "html-as-jpeg", "mimetype", "key", "size", "taken", "unknown-field", "no-thumbnail"],
)
def test_a_backup_with_a_bad_photo_is_refused_whole(runner, tmp_path, change, why):
    (tmp_path / "a.jpg").write_bytes(slide())
    runner.invoke(args=["photo", "add", SLUG, "A10", str(tmp_path / "a.jpg")])
    data = json.loads(runner.invoke(args=["backup"]).stdout)
    photo = data["conferences"][0]["photos"][0]
    change(photo)
    (tmp_path / "bad.json").write_text(json.dumps(data), encoding="utf-8")
    fresh_db = tmp_path / "fresh.db"
    fresh = create_app({"TESTING": True, "DATABASE": str(fresh_db), "LOAD_DEMO": False}).test_cli_runner()
    result = fresh.invoke(args=["restore", str(tmp_path / "bad.json")])
    assert result.exit_code == 1 and why in result.output
    assert "conferences[0] (demo-tech-festa-2026) photos[0]" in result.output
    db = store.connect(fresh_db)
    assert store.conferences(db) == []  # nothing at all was restored
    db.close()
