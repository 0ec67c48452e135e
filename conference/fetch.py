"""The only module that talks to the network: bounded, time-limited GETs of URLs a user gave.

Policy, set once: loopback, private, link-local and reserved addresses are refused (NonPublicAddress)
unless the caller passes allow_private=True, which only the app's configuration decides
(FETCH_ALLOW_PRIVATE: true only for a loopback-only server without a password, see create_app).
"""

from __future__ import annotations

import ipaddress
import json
import socket
import threading
import time
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


def _shut(response: requests.Response) -> None:
    """Break a blocked read: shut the socket down under the response."""
    try:
        sock = response.raw._connection.sock if response.raw._connection else None  # urllib3 2.x
        if sock is not None:
            sock.shutdown(socket.SHUT_RDWR)
    except (AttributeError, OSError):
        pass
    response.close()


class BlockedAddress(Exception):
    """The socket reached a loopback/private/link-local address while only public ones are allowed."""


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class _PeerChecked:
    """Check the address the socket actually connected to (after DNS, so rebinding cannot slip by)."""

    def _new_conn(self):
        sock = super()._new_conn()
        peer = sock.getpeername()[0]
        if not _is_public(peer):
            sock.close()
            raise BlockedAddress(f"{self.host} is at {peer}, a non-public address; refused")
        return sock


class _CheckedHTTPConnection(_PeerChecked, HTTPConnection):
    pass


class _CheckedHTTPSConnection(_PeerChecked, HTTPSConnection):
    pass


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class PublicOnlyAdapter(HTTPAdapter):
    """A requests adapter whose connections refuse non-public peers."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _CheckedHTTPPool, "https": _CheckedHTTPSPool}


def public_session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment may route around the check
    adapter = PublicOnlyAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


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
    """GET `url`: http(s) only, redirects followed by hand (each re-checked), a byte cap while streaming.

    Non-public addresses are refused (NonPublicAddress) unless `allow_private`; every other failure is
    a FetchError saying why.
    """
    http = session or (requests.Session() if allow_private else public_session())
    started = time.monotonic()
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
        except requests.RequestException as exc:
            raise FetchError(f"cannot connect to {parts.hostname}: {type(exc).__name__}") from exc
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
            # A read timeout restarts with every byte, so a slow drip never trips it: a watchdog
            # closes the connection when the whole download's deadline passes.
            watchdog = threading.Timer(max(0.0, deadline - (time.monotonic() - started)), _shut, [response])
            watchdog.start()
            try:
                for chunk in response.iter_content(8192):  # decompressed bytes: the cap is on what we hold
                    size += len(chunk)
                    if size > max_bytes:
                        raise FetchError(
                            f"{url} is larger than the {max_bytes // (1024 * 1024)} MB limit; download stopped"
                        )
                    chunks.append(chunk)
            except (requests.RequestException, OSError, AttributeError, ValueError) as exc:
                if time.monotonic() - started >= deadline:
                    raise FetchError(f"{url} took longer than {deadline:.0f} s; download stopped") from exc
                raise FetchError(f"the download from {parts.hostname} broke off: {type(exc).__name__}") from exc
            finally:
                watchdog.cancel()
            if time.monotonic() - started >= deadline:
                raise FetchError(f"{url} took longer than {deadline:.0f} s; download stopped")
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


def page_title(url: str, *, allow_private: bool = False) -> str | None:
    """A link's title: the page's oEmbed title, else og:title, else <title>. None when anything fails."""
    try:
        page = fetch(url, max_bytes=TITLE_MAX_BYTES, allow_private=allow_private, deadline=TITLE_DEADLINE)
        parser = _TitleParser()
        parser.feed(page.content.decode("utf-8", errors="replace"))
        if parser.oembed:
            try:
                data = json.loads(
                    fetch(
                        urljoin(page.url, parser.oembed),
                        max_bytes=64 * 1024,
                        allow_private=allow_private,
                        deadline=TITLE_DEADLINE,
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
