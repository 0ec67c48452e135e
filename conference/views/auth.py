"""Who may use the app, and how: loopback or a password, the Host check, trusted proxies, login with
its limiter, logins ended on the server (log out, log out everywhere), and CSRF on every write.

Modes (decided by the configuration, never by what a client sends):
- no password: only this computer is answered (the socket and every forwarded hop are loopback), and
  only under its own names (Host: localhost, 127.0.0.1, [::1] or CONFERENCE_HOSTS), so a web page
  whose name was rebound to 127.0.0.1 cannot read it;
- a password: everything but the login, static files and secret-token links needs an open login;
- behind a proxy (CONFERENCE_BEHIND_PROXY=1): a password is required, and X-Forwarded-* headers are
  believed only from CONFERENCE_TRUSTED_PROXIES (default: loopback); from anyone else they are dropped.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
from datetime import timedelta

from flask import (
    Blueprint,
    Flask,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from markupsafe import Markup
from werkzeug.middleware.proxy_fix import ProxyFix

from .. import store
from ..model import from_iso, zone
from .db import get_db
from .helpers import day_label, local_path, wants_json, zone_label
from .pagecache import csrf_token

csrf = CSRFProtect()

# Reachable without logging in: the login itself, static files, and what a secret token opens.
OPEN_ENDPOINTS = {
    "static",
    "auth.login",
    "auth.login_post",
    "exports.feed",
    "planning.shared",
    "media.shared_image",  # a photo on the share link, when the attendee chose to show them there
    "notes.service_worker",
    "agenda.favicon",
    "timetable.set_language",  # the language switch of a shared read-only page: a cookie and a local redirect
}
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
DEVICE_COOKIE = "conference_device"
DEVICE_LIFETIME = timedelta(days=365)
# Failures allowed before each further one waits twice as long (store.login_attempt): per network
# (an IPv4 address, an IPv6 /64), for all unknown devices together (the one account), per known device.
NET_FREE, ACCOUNT_FREE, DEVICE_FREE = 5, 20, 5

bp = Blueprint("auth", __name__)


def _secret_key(app: Flask) -> str:
    """CONFERENCE_SECRET_KEY, else one generated once and kept in the database (survives restarts)."""
    if os.environ.get("CONFERENCE_SECRET_KEY"):
        return os.environ["CONFERENCE_SECRET_KEY"]
    db = store.connect(app.config["DATABASE"])
    try:
        return store.secret_key(db)
    finally:
        db.close()


def _ip(address: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        ip = ipaddress.ip_address((address or "").split("%")[0].strip("[]"))
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip


def is_loopback(address: str | None) -> bool:
    ip = _ip(address)
    return bool(ip and ip.is_loopback)


def network_of(address: str | None) -> str:
    """What the login limiter counts failures against: an IPv4 address, or the /64 of an IPv6 one.

    An IPv6 user gets a whole /64 (2^64 addresses) from their provider: per address, one person
    would have endless tries.
    """
    ip = _ip(address)
    if ip is None:
        return address or "?"
    prefix = 64 if ip.version == 6 else 32
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def trusted_networks(text: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """CONFERENCE_TRUSTED_PROXIES: addresses or networks, separated by commas or spaces."""
    networks = []
    for part in text.replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError as exc:
            raise ValueError(f"CONFERENCE_TRUSTED_PROXIES: {part!r} is not an address or network") from exc
    return networks


_FORWARDED = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PREFIX",
    "HTTP_FORWARDED",
)


class TrustedProxies:
    """ProxyFix for requests whose socket peer is a trusted proxy; the forwarded headers of anyone
    else are removed before the app sees them (a client that reaches the port directly cannot claim
    to be 127.0.0.1 or rotate its address)."""

    def __init__(self, app, networks):
        self.app, self.networks = app, list(networks)
        self.fixed = ProxyFix(app, x_for=1, x_proto=1, x_host=1)

    def __call__(self, environ, start_response):
        peer = _ip(environ.get("REMOTE_ADDR"))
        if peer is not None and any(peer in net for net in self.networks if net.version == peer.version):
            return self.fixed(environ, start_response)
        for name in _FORWARDED:
            environ.pop(name, None)
        return self.app(environ, start_response)


def client_is_local() -> bool:
    """The request comes from this computer: its socket and every proxy hop it names are loopback."""
    hops = [request.remote_addr]
    hops += [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",") if h.strip()]
    if request.headers.get("Forwarded"):
        hops.append("forwarded")  # a proxy says there is a client behind it: not local
    return all(is_loopback(h) for h in hops)


def host_name(host: str) -> str:
    """The name of a Host header without its port: "[::1]:5000" -> "::1", "LocalHost." -> "localhost"."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def host_is_local(app: Flask, host: str | None) -> bool:
    """In loopback mode: is this Host one of this computer's own names (or a configured one)?"""
    if not host:  # HTTP/1.0 tools send none; browsers always do (DNS rebinding needs a browser)
        return True
    return host_name(host) in (*LOCAL_HOSTS, *app.config["HOSTS"])


def _marker(app: Flask) -> str:
    """Stored in the signed session cookie; changing the password logs every device out."""
    key = app.config["SECRET_KEY"].encode()
    return hmac.new(key, app.config["PASSWORD"].encode(), hashlib.sha256).hexdigest()[:32]


def logged_in() -> bool:
    """This request carries an open login: the password's marker and a login the server has not ended."""
    if "logged_in" not in g:
        app = current_app
        g.logged_in = bool(app.config["PASSWORD"]) and (
            session.get("auth") == _marker(app) and store.login_is_open(get_db(), session.get("login"))
        )
    return g.logged_in


def _guard():
    config = current_app.config
    host = request.environ.get("HTTP_HOST")
    if not config["PASSWORD"] and not config["BEHIND_PROXY"] and not host_is_local(current_app, host):
        message = _(
            "This app answers only to this computer's own names (localhost, 127.0.0.1, [::1]), not to %(host)s."
            " Add a name with CONFERENCE_HOSTS.",
            host=host,
        )
        return render_template("error.html", message=message, code=400), 400
    if request.endpoint == "static":
        return None
    if config["BEHIND_PROXY"] and not config["PASSWORD"]:
        return render_template("forbidden.html", proxy=True), 403
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    if not config["PASSWORD"]:
        if client_is_local():
            return None
        return render_template("forbidden.html", proxy=False), 403
    if logged_in():
        return None
    if request.path.startswith("/api/") or wants_json():
        return jsonify(error="login required"), 401
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


@bp.get("/login")
def login():
    if not current_app.config["PASSWORD"] and request.args.get("next"):
        return redirect(url_for("timetable.index"))
    return render_template("login.html", error=None)


def _same(given: str, password: str) -> bool:
    """Constant time, whatever the lengths (compare_digest alone leaks the length)."""
    digest = lambda text: hashlib.sha256(text.encode()).digest()  # noqa: E731
    return hmac.compare_digest(digest(given), digest(password))


@bp.post("/login")
def login_post():
    app = current_app
    if not app.config["PASSWORD"]:
        return redirect(url_for("timetable.index"))
    db = get_db()
    right = _same(request.form.get("password", ""), app.config["PASSWORD"])
    device = request.cookies.get(DEVICE_COOKIE)
    if store.is_known_device(db, device):
        # A browser that logged in before is not locked out by failures of its network's other users.
        limits = [(f"device:{store.login_id(device)}", DEVICE_FREE)]
    else:
        device = None
        limits = [(f"net:{network_of(request.remote_addr)}", NET_FREE), ("account", ACCOUNT_FREE)]
    wait = store.login_attempt(db, limits, failed=not right)
    if wait:
        message = _("Too many attempts: try again in %(wait)s.", wait=format_timedelta(timedelta(seconds=wait)))
        return render_template("login.html", error=message), 429, {"Retry-After": str(wait)}
    if not right:
        return render_template("login.html", error=_("Wrong password.")), 401
    token = store.new_login(
        db,
        lifetime=app.permanent_session_lifetime,
        address=request.remote_addr or "",
        agent=request.headers.get("User-Agent", ""),
    )
    session.permanent = True  # a phone stays logged in for the conference (PERMANENT_SESSION_LIFETIME)
    session["auth"] = _marker(app)
    session["login"] = token
    response = redirect(local_path(request.args.get("next")), code=303)
    response.set_cookie(
        DEVICE_COOKIE,
        store.remember_device(db, device),
        max_age=int(DEVICE_LIFETIME.total_seconds()),
        secure=app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


@bp.post("/logout")
def logout():
    """This device: its login ends on the server, so a copy of the cookie opens nothing either."""
    store.end_login(get_db(), session.get("login"))
    session.clear()
    return redirect(url_for("auth.login"), code=303)


# (pattern in the User-Agent, name): the first that matches names the browser, then the system. Order
# matters: Edge, Opera and Samsung Internet say "Chrome" too, and Chrome says "Safari".
BROWSERS = (
    ("EdgA/", "Edge"),
    ("EdgiOS/", "Edge"),
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("FxiOS/", "Firefox"),
    ("Firefox/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Version/", "Safari"),
    ("curl/", "curl"),
)
SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("CrOS", "ChromeOS"),
    ("Macintosh", "macOS"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def device_name(agent: str) -> str:
    """A logged-in device as a person names it, from its User-Agent: "Chrome on Android", "Safari on iPhone"."""
    browser = next((name for mark, name in BROWSERS if mark in (agent or "")), "")
    system = next((name for mark, name in SYSTEMS if mark in (agent or "")), "")
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or _("Unknown browser")


def local_moment(value: str) -> Markup:
    """A stored UTC time as `<time>` in the app's zone (CONFERENCE_TIMEZONE), "7月25日(土) 13:05 (Asia/Tokyo)";
    app.js shows it in the browser's own zone."""
    tz_name = current_app.config["DEFAULT_TIMEZONE"]
    try:
        moment = from_iso(value, zone(tz_name))
    except ValueError:
        return Markup("{}").format(value)
    text = f"{day_label(moment.date())} {moment:%H:%M} ({zone_label(tz_name)})"
    return Markup('<time datetime="{}" data-local>{}</time>').format(moment.isoformat(), text)


@bp.get("/devices")
def devices():
    db = get_db()
    token = session.get("login")
    here = store.login_id(token) if token else None
    logins = [
        {**login, "name": device_name(login["agent"]), "since": local_moment(login["created_at"])}
        for login in store.open_logins(db)
    ]
    return render_template("devices.html", logins=logins, here=here, ended=request.args.get("ended") == "1")


@bp.post("/devices/<login>/logout")
def logout_device(login: str):
    """One device (a lost phone, a shared computer): its login ends; this one's too when it is this one."""
    db = get_db()
    ended = store.end_login_id(db, login)
    token = session.get("login")
    if token and store.login_id(token) == login:
        session.clear()
        return redirect(url_for("auth.login"), code=303)
    return redirect(url_for("auth.devices", ended=1) if ended else url_for("auth.devices"), code=303)


@bp.post("/logout/everywhere")
def logout_everywhere():
    """Every device: all logins end and no browser counts as known (a lost phone opens nothing)."""
    store.end_all_logins(get_db())
    session.clear()
    response = redirect(url_for("auth.login"), code=303)
    response.delete_cookie(DEVICE_COOKIE)
    return response


def configure(app: Flask) -> None:
    """The access settings (before anything reads them): secret key, proxies, host names, CSRF limits.

    The cookie settings (Secure, SameSite, lifetime) are set in create_app's defaults, where a test
    or deployment config can still override them (Flask defines those keys, so setdefault would not).
    """
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app)
    # A note typed at 16:00 must still save at 18:00: tokens never expire on their own (FIELD-NOTES).
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    app.config.setdefault("WTF_CSRF_SSL_STRICT", False)
    hosts = app.config.get("HOSTS", ())
    app.config["HOSTS"] = tuple(
        host_name(h) for h in (hosts.replace(",", " ").split() if isinstance(hosts, str) else hosts)
    )
    if app.config["BEHIND_PROXY"]:
        app.wsgi_app = TrustedProxies(app.wsgi_app, trusted_networks(app.config["TRUSTED_PROXIES"]))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.before_request(_guard)
    app.jinja_env.globals["logged_in"] = logged_in
    csrf.init_app(app)
    # Flask-WTF offers csrf_token to templates through a context processor; ours comes later and
    # wins, so that a kept page carries a slot for each response's own token, never someone's token.
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(lambda: {"csrf_token": csrf_token})

    @app.errorhandler(CSRFError)
    def csrf_failed(exc: CSRFError):
        if wants_json():
            # The page's token went stale (server restarted with a new key, cookie lost): hand a fresh one.
            return jsonify(error="csrf", message=exc.description, csrf_token=generate_csrf()), 400
        return render_template("error.html", message=exc.description, code=400), 400
