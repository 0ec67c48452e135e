"""Slide photos: what an uploaded picture becomes before it is kept (pure: bytes in, bytes out).

`prepare(data)` reads one upload with Pillow and returns what the store keeps: the photo turned the way
the camera held it (EXIF orientation applied), re-encoded without any metadata (no GPS, no camera
serial, no EXIF or XMP at all; only the colour profile stays), its long edge at most `LONG_EDGE`
pixels, plus a thumbnail. The time the photo was taken comes from its EXIF (`DateTimeOriginal`), and
`taken_at` falls back to the file's own time or the present.

Refused with a clear message (and nothing kept): more than `MAX_BYTES` (TooLarge), anything that is
not a JPEG, PNG, WebP or GIF picture, a damaged file, and decompression bombs (more pixels than
Pillow's `Image.MAX_IMAGE_PIXELS`, about 89 million: a small file that would unpack to gigabytes).
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from PIL import Image, ImageOps, UnidentifiedImageError
from PIL.ExifTags import IFD, Base

from .errors import BadInput, TooLarge

MAX_BYTES = 20 * 1024 * 1024  # one photo, as uploaded
LONG_EDGE = 2560  # pixels: a slide stays readable, a phone's 12-50 MP photo shrinks to ~1 MB
THUMB_EDGE = 480  # pixels: sharp in the note's strip on a 3x phone screen
QUALITY, THUMB_QUALITY = 85, 80
CAPTION_MAX = 300  # characters
# What phones and screenshots are; HEIC (iPhone's own format) is not among Pillow's readers. Safari
# hands a web page a JPEG when the page asks for image/*, so this is only met with files copied by hand.
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")  # JPEG includes MPO (a JPEG with a depth map: its first picture)
MIMETYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png"}
_EXIF_TIME = re.compile(r"^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})$")


@dataclass(frozen=True, slots=True)
class Prepared:
    """An upload made ready to keep: the photo and its thumbnail as encoded files, and what was read."""

    data: bytes  # the photo: JPEG (PNG when it has transparency), no metadata but the colour profile
    mimetype: str
    width: int
    height: int
    thumb: bytes  # always JPEG
    thumb_width: int
    thumb_height: int
    source_sha256: str  # of the bytes as uploaded: the same file sent twice is one photo
    exif_time: datetime | None = None  # DateTimeOriginal: naive (the camera's clock) or with its offset

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


class PhotoRefused(BadInput):
    """An upload that cannot be kept as a photo; `reason` names the case for a translated message:
    "empty", "not_image", "heic", "damaged" or "bomb"."""

    def __init__(self, why: str, reason: str, *, source: str = ""):
        super().__init__(why, source=source, field="photo")
        self.reason = reason


class PhotoTooLarge(TooLarge):
    """More than MAX_BYTES in one photo (HTTP 413)."""

    reason = "too_large"

    def __init__(self, size: int, *, source: str = ""):
        self.source, self.size = source, size
        super().__init__(
            f"{source + ': ' if source else ''}the photo is {size / 1024 / 1024:.1f} MB;"
            f" at most {MAX_BYTES // (1024 * 1024)} MB each"
        )


def exif_time(exif: Image.Exif) -> datetime | None:
    """When the photo was taken, by the camera's clock: DateTimeOriginal (else DateTime), with its
    OffsetTimeOriginal when the camera wrote one (then an aware datetime), else naive. None when absent
    or unreadable ("0000:00:00 00:00:00")."""
    sub = exif.get_ifd(IFD.Exif)
    for value, offset in (
        (sub.get(Base.DateTimeOriginal), sub.get(Base.OffsetTimeOriginal)),
        (sub.get(Base.DateTimeDigitized), sub.get(Base.OffsetTimeDigitized)),
        (exif.get(Base.DateTime), sub.get(Base.OffsetTime)),
    ):
        found = _EXIF_TIME.match(str(value or "").strip().strip("\x00"))
        if not found:
            continue
        try:
            moment = datetime(*(int(x) for x in found.groups()))
        except ValueError:
            continue
        sign = _OFFSET.match(str(offset or "").strip().strip("\x00"))
        if sign:
            minutes = int(sign.group(2)) * 60 + int(sign.group(3))
            delta = timedelta(minutes=minutes if sign.group(1) == "+" else -minutes)
            moment = moment.replace(tzinfo=timezone(delta))
        return moment
    return None


def taken_at(exif: datetime | None, tz: ZoneInfo, file_time: datetime | None = None, now: datetime | None = None):
    """The moment a photo was taken, in the conference's zone: the EXIF time (a camera without an offset
    keeps the local clock of where it is: the conference's zone), else the file's own time (a phone
    stamps the file when the camera writes it) when it is plausible, else `now`."""
    now = (now or datetime.now(UTC)).astimezone(tz).replace(microsecond=0)
    if exif is not None:
        moment = exif if exif.tzinfo else exif.replace(tzinfo=tz)
        return moment.astimezone(tz)
    if file_time is not None and datetime(2000, 1, 1, tzinfo=UTC) <= file_time <= now + timedelta(days=1):
        return file_time.astimezone(tz).replace(microsecond=0)
    return now


def _encode(image: Image.Image, fmt: str, quality: int, icc: bytes | None) -> bytes:
    out = io.BytesIO()
    options: dict = {"optimize": True}
    if fmt == "JPEG":
        options.update(quality=quality, progressive=True)
    if icc:
        options["icc_profile"] = icc
    image.save(out, fmt, **options)
    return out.getvalue()


def _flatten(image: Image.Image) -> tuple[Image.Image, str]:
    """The pixels without metadata, in a mode the output format takes: RGB (JPEG), or RGBA (PNG) when the
    picture has transparency."""
    transparent = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    if transparent:
        return image.convert("RGBA"), "PNG"
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    return image, "JPEG"


def prepare(data: bytes, *, source: str = "") -> Prepared:
    """One uploaded photo made ready to keep (see the module's docstring); BadInput/TooLarge say why not.

    `source` names the file in the message ("IMG_0042.HEIC: …").
    """
    if len(data) > MAX_BYTES:
        raise PhotoTooLarge(len(data), source=source)
    if not data:
        raise PhotoRefused("the file is empty", "empty", source=source)
    Image.init()  # every format plugin registered (WebP is not among Pillow's preloaded ones)
    try:
        image = Image.open(io.BytesIO(data), formats=FORMATS)
    except Image.DecompressionBombError as exc:
        raise PhotoRefused(f"refused: a decompression bomb ({exc})", "bomb", source=source) from exc
    except UnidentifiedImageError as exc:
        head = data[:32]
        if b"ftypheic" in head or b"ftypheix" in head or b"ftypmif1" in head:
            raise PhotoRefused(
                "a HEIC photo: send it as JPEG (on an iPhone: Settings > Camera > Formats > Most Compatible)",
                "heic",
                source=source,
            ) from exc
        raise PhotoRefused(
            "not a photo: only JPEG, PNG, WebP and GIF pictures can be added", "not_image", source=source
        ) from exc
    with image:
        width, height = image.size
        if width * height > Image.MAX_IMAGE_PIXELS:
            raise PhotoRefused(
                f"refused: {width} x {height} pixels is more than {Image.MAX_IMAGE_PIXELS:,} (a decompression bomb)",
                "bomb",
                source=source,
            )
        try:
            exif = image.getexif()
            when = exif_time(exif)
            icc = image.info.get("icc_profile") or None
            if image.format in ("JPEG", "MPO"):
                # Decode at 1/2, 1/4 or 1/8 of the size when that is still larger than what is kept.
                scale = min(1.0, LONG_EDGE / max(width, height))
                image.draft("RGB", (int(width * scale) + 1, int(height * scale) + 1))
            image.seek(0)  # an animation: its first frame
            image.load()
            upright = ImageOps.exif_transpose(image)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
            raise PhotoRefused(f"a damaged picture ({exc})", "damaged", source=source) from exc
    pixels, fmt = _flatten(upright)
    pixels.thumbnail((LONG_EDGE, LONG_EDGE), Image.Resampling.LANCZOS)
    pixels.info = {}  # nothing of the original's metadata travels on (exif, xmp, comments, dpi)
    full = _encode(pixels, fmt, QUALITY, icc)
    small = pixels.convert("RGB") if fmt == "PNG" else pixels.copy()
    if fmt == "PNG":  # a transparent picture on white in the thumbnail
        backdrop = Image.new("RGB", pixels.size, "white")
        backdrop.paste(pixels, mask=pixels.getchannel("A"))
        small = backdrop
    small.thumbnail((THUMB_EDGE, THUMB_EDGE), Image.Resampling.LANCZOS)
    thumb = _encode(small, "JPEG", THUMB_QUALITY, icc)
    return Prepared(
        data=full,
        mimetype=MIMETYPES[fmt],
        width=pixels.width,
        height=pixels.height,
        thumb=thumb,
        thumb_width=small.width,
        thumb_height=small.height,
        source_sha256=hashlib.sha256(data).hexdigest(),
        exif_time=when,
    )


def verify(data: bytes, mimetype: str) -> tuple[int, int]:
    """The size of a kept photo's bytes (from a backup) when they are the picture they claim to be:
    a JPEG or PNG that Pillow reads, within its pixel limit; PhotoRefused otherwise."""
    fmt = {v: k for k, v in MIMETYPES.items()}.get(mimetype)
    if fmt is None:
        raise PhotoRefused(f"{mimetype!r} is not image/jpeg or image/png", "not_image")
    Image.init()
    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as image:
            size = image.size
            if size[0] * size[1] > Image.MAX_IMAGE_PIXELS:
                raise PhotoRefused(f"{size[0]} x {size[1]} pixels is more than Pillow's limit", "bomb")
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError) as exc:
        raise PhotoRefused(f"not a {fmt} picture ({exc})", "damaged") from exc
    return size
