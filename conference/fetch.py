"""The only module that talks to the network: bounded, time-limited GETs of URLs a user gave.

Policy, set once: loopback, private, link-local and reserved addresses are refused (NonPublicAddress)
unless the caller passes allow_private=True, which only the app's configuration decides
(FETCH_ALLOW_PRIVATE: true only for a loopback-only server without a password, see create_app).
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import socket
import threading
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from .errors import FetchError, NonPublicAddress
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
                raise BlockedAddress(f"{self.host} is at {peer}, a non-public address; refused")
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
        raise FetchError(f"cannot resolve {host}: {exc.strerror}") from exc
    for info in infos:
        if not _is_public(info[4][0]):
            raise NonPublicAddress(f"{host} resolves to {info[4][0]}, a non-public address; refused")


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
                raise FetchError(f"{url} took longer than {deadline:g} s; download stopped") from exc
            raise FetchError(f"the download from {urlsplit(url).hostname} broke off: {type(exc).__name__}") from exc
        finally:
            if watch.expired:  # cut off, though what arrived looked whole: never half a file
                raise FetchError(f"{url} took longer than {deadline:g} s; download stopped")


def _fetch(url: str, http: requests.Session, *, max_bytes: int, allow_private: bool) -> Fetched:
    seen = []
    for _hop in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"only http and https URLs can be fetched, not {url!r}")
        if not allow_private:
            public_only(parts.hostname)
        if url in seen:
            raise FetchError(f"redirect loop at {url}")
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
            raise NonPublicAddress(str(exc)) from exc
        except requests.Timeout as exc:
            raise FetchError(f"{parts.hostname} did not answer in time") from exc
        with response:
            if response.is_redirect:
                location = response.headers.get("Location", "")
                if not location:
                    raise FetchError(f"{url} redirects nowhere")
                url = urljoin(url, location)
                continue
            if response.status_code >= 400:
                hint = (
                    " (fortee refuses scripted downloads: save the JSON in your browser and upload it)"
                    if response.status_code == 403 and "fortee" in (parts.hostname or "")
                    else ""
                )
                raise FetchError(f"{url} answered HTTP {response.status_code} {response.reason}{hint}")
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"{url} is {int(declared) / 1e6:.1f} MB; the limit is {max_bytes // (1024 * 1024)} MB")
            chunks, size = [], 0
            for chunk in response.iter_content(8192):  # decompressed bytes: the cap is on what we hold
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(
                        f"{url} is larger than the {max_bytes // (1024 * 1024)} MB limit; download stopped"
                    )
                chunks.append(chunk)
            return Fetched(url=url, content=b"".join(chunks), content_type=response.headers.get("Content-Type", ""))
    raise FetchError(f"more than {MAX_REDIRECTS} redirects, starting at {seen[0]}")


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
        parser.feed(page.content.decode("utf-8", errors="replace"))
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
