"""Why a URL import failed, in the words the user reads: refused, no such host, certificate, no answer in
time, the connection closed, a system error, or a download that broke off.

Each failure is a real one on this machine (a closed port, a name under .invalid, a server with a
self-signed certificate, servers that reset, hang up, stall or do not speak HTTP, a process out of file
descriptors) and each message is checked whole, host included, as the CLI prints it or the import page
shows it. The last tests build exception chains by hand to show where in a chain the cause is looked for.
"""

from __future__ import annotations

import contextlib
import os
import resource
import socket
import ssl
import struct
import subprocess
import threading
from collections.abc import Callable, Iterator

import pytest
import requests
import urllib3.exceptions

from conference import fetch as fetch_module
from conference.errors import FetchError
from conference.fetch import broke_off, fetch

TIMETABLE = "/timetable.json"


@contextlib.contextmanager
def tcp_server(answer: Callable[[socket.socket], None], tls: ssl.SSLContext | None = None) -> Iterator[str]:
    """A server on 127.0.0.1 that hands each connection (TLS-wrapped if `tls`) to `answer`; yields its
    host:port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)

    def handle(conn: socket.socket) -> None:
        with contextlib.suppress(OSError):  # a client that gives up (or rejects our certificate)
            try:
                if tls is not None:
                    conn = tls.wrap_socket(conn, server_side=True)
                answer(conn)
            finally:
                conn.close()

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then let go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def read_request(conn: socket.socket) -> None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return
        data += chunk


def resets(conn: socket.socket) -> None:
    """Reads the request, then aborts the connection (SO_LINGER 0: a TCP reset, not a goodbye)."""
    read_request(conn)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def hangs_up(conn: socket.socket) -> None:
    """Reads the request and closes the connection without a word (http.client's RemoteDisconnected)."""
    read_request(conn)


def speaks_ssh(conn: socket.socket) -> None:
    """Not a web server: an SSH server's greeting where the status line should be."""
    read_request(conn)
    conn.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")


def waits(release: threading.Event) -> Callable[[socket.socket], None]:
    def answer(conn: socket.socket) -> None:
        read_request(conn)
        release.wait(30)

    return answer


def stalls_in_the_body(release: threading.Event) -> Callable[[socket.socket], None]:
    def answer(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{"sche')
        release.wait(30)

    return answer


def cli_error(runner, url: str) -> str:
    """The line `flask import URL` ends with when the import fails (and it must fail: exit 1)."""
    result = runner.invoke(args=["import", url])
    assert result.exit_code == 1, result.output
    return result.output.strip().splitlines()[-1]


# --- what the CLI says, for each way a download fails ------------------------------------------------


def test_a_closed_port_is_a_refused_connection(runner):
    port = closed_port()
    assert cli_error(runner, f"http://127.0.0.1:{port}{TIMETABLE}") == (
        "Error: 127.0.0.1 refused the connection (is the server running, and the address right?)"
    )


def test_a_host_that_does_not_exist_is_named(runner):
    """RFC 6761: names under .invalid never resolve. The lookup goes to the system's resolver (the tests'
    audit hook stops connections, not name lookups); whether it answers "no such name" or cannot be
    reached, the message is the same."""
    assert cli_error(runner, f"http://timetable.jtf.invalid{TIMETABLE}") == (
        "Error: cannot resolve timetable.jtf.invalid: no such host, or no network"
    )


@pytest.mark.parametrize(
    ("answer", "why"),
    [(resets, "reset"), (hangs_up, "closed without an answer")],
    ids=["reset", "hang-up"],
)
def test_a_server_that_drops_the_connection_is_named(runner, answer, why):
    with tcp_server(answer) as address:
        assert cli_error(runner, f"http://{address}{TIMETABLE}") == (
            "Error: 127.0.0.1 closed the connection during the download"
        ), why


def test_a_server_that_does_not_speak_http_broke_off(runner):
    """An SSH port given by mistake: no OS error, so the message names what broke (requests' error)."""
    with tcp_server(speaks_ssh) as address:
        assert cli_error(runner, f"http://{address}{TIMETABLE}") == (
            "Error: the download from 127.0.0.1 broke off: ConnectionError"
        )


def test_a_port_out_of_range_broke_off(runner):
    assert cli_error(runner, f"http://127.0.0.1:99999{TIMETABLE}") == (
        "Error: the download from 127.0.0.1 broke off: InvalidURL"
    )


def test_a_server_that_stops_answering_did_not_answer_in_time(runner, monkeypatch):
    """READ_TIMEOUT (10 s) is the longest silence allowed; shortened here so the test does not wait it out.
    Silent before the headers (requests' ReadTimeout) and silent in the middle of the body (a socket
    timeout inside requests' ConnectionError) read the same to the user."""
    monkeypatch.setattr(fetch_module, "READ_TIMEOUT", 0.5)
    release = threading.Event()
    try:
        for answer in (waits(release), stalls_in_the_body(release)):
            with tcp_server(answer) as address:
                assert cli_error(runner, f"http://{address}{TIMETABLE}") == "Error: 127.0.0.1 did not answer in time"
    finally:
        release.set()


@pytest.fixture
def self_signed(tmp_path) -> ssl.SSLContext:
    """A TLS server context with a certificate for 127.0.0.1 that no authority signed (openssl makes it)."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"),
            *("-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def test_a_certificate_that_cannot_be_checked_is_named(runner, self_signed):
    release = threading.Event()
    try:
        with tcp_server(waits(release), tls=self_signed) as address:
            assert cli_error(runner, f"https://{address}{TIMETABLE}") == (
                "Error: the secure connection to 127.0.0.1 failed (its certificate could not be checked)"
            )
    finally:
        release.set()


@contextlib.contextmanager
def no_file_descriptors_left() -> Iterator[None]:
    """This process out of file descriptors (as a busy server can be): the soft limit lowered to the
    descriptors already open and every free one below it taken, then all given back."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    held: list[int] = []
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(int(fd) for fd in os.listdir("/proc/self/fd")) + 1, hard))
    try:
        with contextlib.suppress(OSError):
            while True:
                held.append(os.open(os.devnull, os.O_RDONLY))
        yield
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_a_system_error_is_named_in_the_systems_words():
    """No socket can be made: the OS error (EMFILE) is told with its own words, not its number."""
    url = f"http://127.0.0.1:{closed_port()}{TIMETABLE}"
    with no_file_descriptors_left(), pytest.raises(FetchError) as failed:
        fetch(url, allow_private=True)
    assert str(failed.value) == "the download from 127.0.0.1 failed: Too many open files"


def test_the_import_page_says_why_in_the_readers_language(client):
    with tcp_server(resets) as address:
        url = f"http://{address}{TIMETABLE}"
        english = client.post("/import", data={"url": url}, headers={"Accept-Language": "en"})
        japanese = client.post("/import", data={"url": url}, headers={"Accept-Language": "ja"})
    assert english.status_code == japanese.status_code == 400
    assert "127.0.0.1 closed the connection during the download" in english.get_data(as_text=True)
    assert "ダウンロードの途中で 127.0.0.1 が接続を切りました" in japanese.get_data(as_text=True)


# --- a download over its overall deadline -----------------------------------------------------------


def test_a_download_over_its_deadline_is_named_by_url_and_seconds():
    """The deadline is shown as a person writes it: 1.0 s is "1 s"."""
    release = threading.Event()
    try:
        with tcp_server(waits(release)) as address:
            url = f"http://{address}{TIMETABLE}"
            with pytest.raises(FetchError) as failed:
                fetch(url, allow_private=True, deadline=1.0)
    finally:
        release.set()
    assert str(failed.value) == f"{url} took longer than 1 s; download stopped"


# --- where in an exception chain the cause is looked for ---------------------------------------------
# requests wraps urllib3's errors, which wrap the socket's OSError; depending on the library and version
# the inner error is the outer one's __cause__, __context__, an argument, or urllib3's `.reason`. Real
# failures (above) carry it in several places at once; these chains, built by hand, carry it in one.

HOST = "timetable.example.org"
REFUSED = f"{HOST} refused the connection (is the server running, and the address right?)"


def refused() -> ConnectionRefusedError:
    return ConnectionRefusedError(111, "Connection refused")


def raised_while_handling(inner: BaseException, outer: BaseException, cause: BaseException | None = None):
    """`outer` as Python chains it when raised inside `except` of `inner` (optionally `from cause`)."""
    try:
        try:
            raise inner
        except BaseException:
            if cause is None:
                raise outer  # noqa: B904 (the implicit chain is the point)
            raise outer from cause
    except BaseException as exc:
        return exc


def wrapped(times: int, inner: BaseException) -> BaseException:
    """`inner` under `times` RuntimeErrors, each the next one's __cause__."""
    exc = inner
    for n in range(times):
        outer = RuntimeError(f"wrapper {n}")
        outer.__cause__ = exc
        exc = outer
    return exc


def in_reason_only() -> BaseException:
    """urllib3's MaxRetryError naming the refused connection only in `.reason` (urllib3 2 also raises it
    `from` the reason, which this copy lacks)."""
    return urllib3.exceptions.MaxRetryError(None, TIMETABLE, reason=refused())


def in_args_only() -> BaseException:
    """requests' ConnectionError made around the error (requests does `ConnectionError(err)`), not raised
    inside the `except`, so only its arguments hold it."""
    return requests.ConnectionError(refused())


def beside_another_cause() -> BaseException:
    """`raise RuntimeError(...) from ValueError(...)` inside `except ConnectionRefusedError`: the refused
    connection is the __context__, next to an unrelated __cause__ that is looked at first."""
    return raised_while_handling(refused(), RuntimeError("gave up"), cause=ValueError("retry budget spent"))


@pytest.mark.parametrize(
    "chain",
    [
        in_reason_only,
        in_args_only,
        lambda: raised_while_handling(refused(), RuntimeError("gave up")),
        beside_another_cause,
    ],
    ids=["reason", "args", "context", "context-beside-cause"],
)
def test_a_refused_connection_is_found_wherever_the_chain_keeps_it(chain):
    assert broke_off(HOST, chain()) == REFUSED


def test_the_chain_is_followed_a_dozen_exceptions_deep_and_no_further():
    """A bounded walk: the thirteenth exception of a chain is not looked at."""
    assert broke_off(HOST, wrapped(11, refused())) == REFUSED
    assert broke_off(HOST, wrapped(12, refused())) == f"the download from {HOST} broke off: RuntimeError"


def test_a_chain_that_loops_is_walked_once():
    first, second = RuntimeError("first"), ValueError("second")
    first.__context__, second.__context__ = second, first
    second.__cause__ = second
    assert broke_off(HOST, first) == f"the download from {HOST} broke off: RuntimeError"
    first.args = (refused(),)
    assert broke_off(HOST, second) == REFUSED


def test_a_reason_that_is_only_text_is_not_followed():
    """ssl.SSLError has a `.reason` too, but it is a word ("CERTIFICATE_VERIFY_FAILED"), not an exception."""
    error = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    error.reason = "CERTIFICATE_VERIFY_FAILED"
    outer = urllib3.exceptions.MaxRetryError(None, TIMETABLE, reason=urllib3.exceptions.SSLError(error))
    assert broke_off(HOST, requests.exceptions.SSLError(outer)) == (
        f"the secure connection to {HOST} failed (its certificate could not be checked)"
    )
