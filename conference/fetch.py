"""The only module that talks to the network: bounded, time-limited GETs of URLs a user gave.

Policy, set once: loopback, private, link-local and reserved addresses are refused (NonPublicAddress)
unless the caller passes allow_private=True, which only the app's configuration decides
(FETCH_ALLOW_PRIVATE: true only for a loopback-only server without a password, see create_app).
"""

from __future__ import annotations

import codecs
import contextlib
import http.client
import ipaddress
import json
import re
import socket
import ssl
import threading
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from .errors import FetchError, NonPublicAddress
from .messages import M
from .model import MAX_BYTES

USER_AGENT = "conference-tracker/0.1 (+timetable import)"
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 10
DEADLINE = 30  # seconds for the whole download, redirects included: a slow drip is cut off
MAX_REDIRECTS = 5


@dataclass
class Fetched:
    url: str  # after redirects
    content: bytes
    content_type: str


class BlockedAddress(Exception):
    """The socket reached a loopback/private/link-local address while only public ones are allowed."""


# NAT64 prefixes carry an IPv4 address inside an IPv6 one: 64:ff9b::7f00:1 is 127.0.0.1 through the
# translator. The standard library counts the well-known prefix as global; here it is not public.
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.version == 6 and any(ip in net for net in NAT64):
        return False
    return ip.is_global and not ip.is_multicast


class _Deadline:
    """The sockets of one download, shut down together when its deadline passes.

    A read timeout restarts with every byte, so a server that drips one byte a second (in the headers
    or the body) never trips it: this watchdog cuts the whole exchange, from connect to the last byte.
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, seconds), self.expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._timer.cancel()

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    """Break a blocked read or write on this socket (TLS included: it is the same file descriptor)."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class _Watched:
    """A connection whose socket joins the download's deadline, and (public only) whose peer is checked
    on the address the socket actually connected to (after DNS, so rebinding cannot slip by)."""

    deadline: _Deadline | None = None
    public_only = True

    def _new_conn(self):
        sock = super()._new_conn()
        if self.public_only:
            peer = sock.getpeername()[0]
            if not _is_public(peer):
                sock.close()
                raise BlockedAddress(
                    M("%(host)s is at %(address)s, a non-public address; refused", host=self.host, address=peer)
                )
        if self.deadline is not None:
            self.deadline.add(sock)
        return sock


class _Adapter(HTTPAdapter):
    """A requests adapter whose connections are _Watched (made per download: they carry its deadline)."""

    def __init__(self, *, public_only: bool, deadline: _Deadline | None):
        attrs = {"public_only": public_only, "deadline": deadline}
        self._pools = {
            "http": type(
                "Pool", (HTTPConnectionPool,), {"ConnectionCls": type("Conn", (_Watched, HTTPConnection), attrs)}
            ),
            "https": type(
                "TLSPool",
                (HTTPSConnectionPool,),
                {"ConnectionCls": type("TLSConn", (_Watched, HTTPSConnection), attrs)},
            ),
        }
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(self._pools)


def _session(*, public_only: bool, deadline: _Deadline | None = None) -> requests.Session:
    session = requests.Session()
    # No proxy from the environment may route around the public-only check (nor the deadline).
    session.trust_env = False
    adapter = _Adapter(public_only=public_only, deadline=deadline)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def public_session() -> requests.Session:
    """A requests session whose connections refuse non-public peers."""
    return _session(public_only=True)


def public_only(host: str) -> None:
    """Refuse hosts that resolve to loopback, private, link-local or reserved addresses."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise FetchError(M("cannot resolve %(host)s: %(error)s", host=host, error=exc.strerror)) from exc
    for info in infos:
        if not _is_public(info[4][0]):
            raise NonPublicAddress(
                M("%(host)s resolves to %(address)s, a non-public address; refused", host=host, address=info[4][0])
            )


def fetch(
    url: str,
    *,
    max_bytes: int = MAX_BYTES,
    allow_private: bool = False,
    deadline: float = DEADLINE,
    session: requests.Session | None = None,
) -> Fetched:
    """GET `url`: http(s) only, redirects followed by hand (each re-checked), a byte cap while streaming,
    and one deadline for the whole exchange (connect, headers, body, every redirect).

    Non-public addresses are refused (NonPublicAddress) unless `allow_private`; every other failure is
    a FetchError saying why. `session` (tests) replaces the watched connections, deadline included.
    """
    with _Deadline(deadline) as watch:
        http = session or _session(public_only=not allow_private, deadline=watch)
        try:
            return _fetch(url, http, max_bytes=max_bytes, allow_private=allow_private)
        except FetchError:
            raise
        except (requests.RequestException, OSError, AttributeError, ValueError) as exc:
            if watch.expired:
                raise FetchError(_too_slow(url, deadline)) from exc
            raise FetchError(broke_off(urlsplit(url).hostname or url, exc)) from exc
        finally:
            if watch.expired:  # cut off, though what arrived looked whole: never half a file
                raise FetchError(_too_slow(url, deadline))


def _too_slow(url: str, deadline: float) -> M:
    return M("%(url)s took longer than %(seconds)s s; download stopped", url=url, seconds=format(deadline, "g"))


def _causes(exc: BaseException):
    """The exception and what it wraps (requests -> urllib3 -> the socket's OSError), innermost last."""
    seen: list[BaseException] = []
    todo = [exc]
    while todo and len(seen) < 12:
        current = todo.pop(0)
        if current is None or any(current is s for s in seen):
            continue
        seen.append(current)
        reason = getattr(current, "reason", None)
        todo += [reason if isinstance(reason, BaseException) else None, current.__cause__, current.__context__]
        todo += [a for a in getattr(current, "args", ()) if isinstance(a, BaseException)]
    return seen


def broke_off(host: str, exc: BaseException) -> M:
    """Why a download failed, in words a person knows: refused, reset, no such host, certificate, timeout."""
    causes = _causes(exc)
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return M("%(host)s refused the connection (is the server running, and the address right?)", host=host)
    if any(isinstance(c, socket.gaierror) for c in causes):
        return M("cannot resolve %(host)s: no such host, or no network", host=host)
    if any(isinstance(c, ssl.SSLError | ssl.CertificateError) for c in causes):
        return M("the secure connection to %(host)s failed (its certificate could not be checked)", host=host)
    if any(isinstance(c, TimeoutError | requests.Timeout) for c in causes):
        return M("%(host)s did not answer in time", host=host)
    if any(
        isinstance(c, ConnectionResetError | ConnectionAbortedError | http.client.RemoteDisconnected) for c in causes
    ):
        return M("%(host)s closed the connection during the download", host=host)
    if any(isinstance(c, OSError) and c.errno is not None for c in causes):
        error = next(c for c in causes if isinstance(c, OSError) and c.errno is not None)
        return M("the download from %(host)s failed: %(error)s", host=host, error=error.strerror or str(error))
    return M("the download from %(host)s broke off: %(error)s", host=host, error=type(exc).__name__)


def _fetch(url: str, http: requests.Session, *, max_bytes: int, allow_private: bool) -> Fetched:
    seen = []
    for _hop in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(M("only http and https URLs can be fetched, not '%(url)s'", url=url))
        if not allow_private:
            public_only(parts.hostname)
        if url in seen:
            raise FetchError(M("redirect loop at %(url)s", url=url))
        seen.append(url)
        try:
            response = http.get(
                url,
                stream=True,
                allow_redirects=False,
                timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
                headers={"User-Agent": USER_AGENT, "Accept": "*/*"},
            )
        except BlockedAddress as exc:
            raise NonPublicAddress(exc.args[0]) from exc
        except requests.Timeout as exc:
            raise FetchError(M("%(host)s did not answer in time", host=parts.hostname)) from exc
        with response:
            if response.is_redirect:
                location = response.headers.get("Location", "")
                if not location:
                    raise FetchError(M("%(url)s redirects nowhere", url=url))
                url = urljoin(url, location)
                continue
            if response.status_code >= 400:
                hint = (
                    M(" (fortee refuses scripted downloads: save the JSON in your browser and upload it)")
                    if response.status_code == 403 and "fortee" in (parts.hostname or "")
                    else ""
                )
                raise FetchError(
                    M(
                        "%(url)s answered HTTP %(status)d %(reason)s%(hint)s",
                        url=url,
                        status=response.status_code,
                        reason=response.reason or "",
                        hint=hint,
                    )
                )
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(
                    M(
                        "%(url)s is %(size)s MB; the limit is %(limit)d MB",
                        url=url,
                        size=format(int(declared) / 1e6, ".1f"),
                        limit=max_bytes // (1024 * 1024),
                    )
                )
            chunks, size = [], 0
            for chunk in response.iter_content(8192):  # decompressed bytes: the cap is on what we hold
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(
                        M(
                            "%(url)s is larger than the %(limit)d MB limit; download stopped",
                            url=url,
                            limit=max_bytes // (1024 * 1024),
                        )
                    )
                chunks.append(chunk)
            return Fetched(url=url, content=b"".join(chunks), content_type=response.headers.get("Content-Type", ""))
    raise FetchError(M("more than %(n)d redirects, starting at %(url)s", n=MAX_REDIRECTS, url=seen[0]))


# --- a web page's text in the encoding it declares (the WHATWG "encoding sniffing" order) ------------

# Labels pages use, and the Python codecs that read them, best first. Browsers read Shift_JIS as
# Windows-31J (NEC and IBM characters such as ① and 髙 included) and EUC-JP and ISO-2022-JP with the
# same extended table; Python splits those over several codecs, so each family lists the ones that
# together read what a browser reads. latin-1 and us-ascii mean windows-1252; a page that says UTF-16 in
# a <meta> is read as UTF-8 (it could not have been read far enough to find the <meta> otherwise).
_SHIFT_JIS = ("cp932", "shift_jis_2004")
_EUC_JP = ("euc_jp", "euc_jis_2004")
_ISO_2022_JP = ("iso2022_jp_ext", "iso2022_jp_2004")
_FAMILIES = {
    **dict.fromkeys(
        ("shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "ms932", "windows-31j", "csshiftjis", "cp932"),
        _SHIFT_JIS,
    ),
    **dict.fromkeys(("euc-jp", "euc_jp", "x-euc-jp", "cseucpkdfmtjapanese"), _EUC_JP),
    **dict.fromkeys(("iso-2022-jp", "iso2022_jp", "csiso2022jp"), _ISO_2022_JP),
    **dict.fromkeys(("iso-8859-1", "latin1", "us-ascii", "ascii", "x-user-defined"), ("cp1252",)),
}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_HEAD = 4096  # where a page's <meta charset> is looked for (browsers look in 1024 bytes; some pages are later)
_META = re.compile(rb"<meta\b[^>]*>", re.I)
_META_CHARSET = re.compile(rb"""\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:+-]+)""", re.I)
_XML_DECL = re.compile(rb"""^<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._:+-]+)["']""")
_COMMENT = re.compile(rb"<!--.*?-->", re.S)
_ISO_2022_JP_ESCAPE = re.compile(rb"\x1b(?:\$[@B]|\$\(D|\(J)")


def _codecs(label: str | bytes | None) -> tuple[str, ...]:
    """The Python codecs for an encoding label a page or server gave, best first; () for an unknown one."""
    if isinstance(label, bytes):
        label = label.decode("ascii", "replace")
    label = (label or "").strip().strip("\"'").lower()
    if not label:
        return ()
    if label in _FAMILIES:
        return _FAMILIES[label]
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return ()
    return ("utf-8",) if name.startswith(("utf-16", "utf-32")) else (name,)


def declared_encodings(content: bytes, content_type: str = "") -> list[str]:
    """The codecs a page declares, strongest first: its byte-order mark, the HTTP Content-Type's charset,
    then (in its first bytes, comments skipped) `<?xml … encoding>`, `<meta charset>` or
    `<meta http-equiv="Content-Type" content="…; charset=…">`."""
    found: list[str] = []
    for bom, name in _BOMS:
        if content.startswith(bom):
            found.append(name)
    header = re.search(r"charset\s*=\s*[\"']?([^\s;\"']+)", content_type or "", re.I)
    if header:
        found += _codecs(header.group(1))
    head = _COMMENT.sub(b"", content[:_HEAD])
    xml = _XML_DECL.match(head)
    if xml:
        found += _codecs(xml.group(1))
    for tag in _META.findall(head):
        charset = _META_CHARSET.search(tag)
        if charset and (b"http-equiv" not in tag.lower() or b"content-type" in tag.lower()):
            found += _codecs(charset.group(1))
            break
    return list(dict.fromkeys(found))


def _strict(content: bytes, encoding: str) -> str | None:
    """`content` decoded, or None when it is not in `encoding`. A character cut at the very end is no
    error (a page may stop anywhere)."""
    try:
        return codecs.getincrementaldecoder(encoding)("strict").decode(content, final=False)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(content: bytes, content_type: str = "") -> str:
    """A web page's text, as a browser reads it.

    The codecs the page declares (declared_encodings) are tried in order. Without a declaration, a page
    with ISO-2022-JP's escapes is read as that, else as UTF-8. When the bytes contradict every
    declaration, a Japanese declaration still wins (one odd character becomes U+FFFD, never the whole
    title mojibake); otherwise the bytes are tried as UTF-8, EUC-JP, then Shift_JIS (Shift_JIS text is
    almost never valid EUC-JP, while EUC-JP bytes often read as Shift_JIS), and windows-1252 is the
    last resort, as in browsers."""
    declared = declared_encodings(content, content_type)
    iso2022 = _ISO_2022_JP if not declared and _ISO_2022_JP_ESCAPE.search(content) else ()
    for encoding in [*declared, *iso2022, "utf-8"]:
        text = _strict(content, encoding)
        if text is not None:
            return text
    if declared and declared[0] in (*_SHIFT_JIS, *_EUC_JP, *_ISO_2022_JP):
        return content.decode(declared[0], errors="replace")
    for encoding in (*_EUC_JP, *_SHIFT_JIS):
        text = _strict(content, encoding)
        if text is not None:
            return text
    return content.decode(declared[0] if declared else "cp1252", errors="replace")


TITLE_MAX_BYTES = 512 * 1024
TITLE_DEADLINE = 5


class _TitleParser(HTMLParser):
    """Collects <title>, og:title and an oEmbed discovery link from the start of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.title, self.og_title, self.oembed = "", "", ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "title":
            self._in_title = True
        elif (
            tag == "meta"
            and (a.get("property") or a.get("name")) in ("og:title", "twitter:title")
            and not self.og_title
        ):
            self.og_title = a.get("content") or ""
        elif tag == "link" and (a.get("type") or "").lower() == "application/json+oembed" and not self.oembed:
            self.oembed = a.get("href") or ""

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def page_title(url: str, *, allow_private: bool = False, deadline: float | None = None) -> str | None:
    """A link's title: the page's oEmbed title, else og:title, else <title>. None when anything fails.

    Each download has `deadline` seconds (TITLE_DEADLINE), headers included."""
    deadline = TITLE_DEADLINE if deadline is None else deadline
    try:
        page = fetch(url, max_bytes=TITLE_MAX_BYTES, allow_private=allow_private, deadline=deadline)
        parser = _TitleParser()
        parser.feed(decode_html(page.content, page.content_type))
        if parser.oembed:
            try:
                data = json.loads(
                    fetch(
                        urljoin(page.url, parser.oembed),
                        max_bytes=64 * 1024,
                        allow_private=allow_private,
                        deadline=deadline,
                    ).content
                )
                if isinstance(data, dict) and str(data.get("title") or "").strip():
                    return " ".join(str(data["title"]).split())[:300]
            except (FetchError, ValueError):
                pass
        title = parser.og_title or parser.title
        return " ".join(title.split())[:300] or None
    except FetchError:
        return None
