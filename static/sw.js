// Service worker: the app shell and the pages an attendee has opened stay readable offline.
// Pages: network first (fresh when the wifi works), the last copy when it does not.
// Static files: cache first (their names are stable per release). Writes are never cached.
//
// Our pages answer `Vary: Cookie` (and the timetable `Vary: Cookie, User-Agent, Sec-CH-UA-Mobile`, for
// shared HTTP caches). On this phone there is one attendee and one browser: the last copy of a page is the
// right one, whatever headers the request that stored it carried. So every lookup ignores Vary (a copy
// stored by `cache.add` carries no User-Agent, a navigation does: with Vary honoured they never matched).
//
// Offline, a page never opened before is answered by the conference's offline page (in the attendee's
// language, kept beforehand), and a talk's note page by the note shell: a note page for any talk that
// keeps what is typed on the phone and sends it when the connection returns (note.js).
"use strict";

const CACHE = "conference-v3";
const ANY = { ignoreVary: true };
const ANY_QUERY = { ignoreVary: true, ignoreSearch: true };
const KEEP_FOR = 10 * 60 * 1000; // a page kept for later is fetched again after ten minutes, not on every view

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

const fresh = (response) => {
  const date = Date.parse(response.headers.get("Date") || "");
  return Number.isFinite(date) && Date.now() - date < KEEP_FOR;
};

/** Keep `url` unless a recent copy is kept already (static files: any copy; their names change). */
async function keep(cache, url, replace) {
  const hit = await cache.match(url, ANY);
  if (hit && (new URL(url, self.location.href).pathname.startsWith("/static/") || fresh(hit))) return;
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok || response.redirected) return; // never keep a login page under another page's name
  if (replace) {
    // The offline page and the note shell carry the language in their query: one copy per page.
    const old = await cache.keys(url, ANY_QUERY);
    await Promise.all(old.map((request) => cache.delete(request, ANY)));
  }
  if ((response.headers.get("Content-Type") || "").startsWith("text/html")) {
    // Its scripts and styles too: the note shell is no note page without note.js.
    const text = await response.clone().text();
    const assets = [...text.matchAll(/(?:src|href)="(\/static\/[^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, "&"));
    await Promise.all(assets.map((asset) => keep(cache, asset, false).catch(() => null)));
  }
  await cache.put(url, response);
}

// A page asks to keep itself, its files and the pages it names (timetable, my day, now, the offline page).
self.addEventListener("message", (event) => {
  const data = event.data || {};
  const urls = data.cache || [];
  const replace = data.replace || [];
  event.waitUntil(caches.open(CACHE).then((cache) => Promise.all([
    ...urls.map((u) => keep(cache, u, false).catch(() => null)),
    ...replace.map((u) => keep(cache, u, true).catch(() => null)),
  ])));
});

/** The conference a path belongs to ("/c/<slug>/…"), as written in the path. */
const conferenceOf = (path) => {
  const match = /^\/c\/([^/]+)\//.exec(path);
  return match ? match[1] : null;
};

/** The kept answer for a page the network could not give. */
async function offline(request) {
  const cache = await caches.open(CACHE);
  const url = new URL(request.url);
  const hit = (await cache.match(request, ANY)) || (await cache.match(request, ANY_QUERY));
  if (hit) return hit;
  const slug = conferenceOf(url.pathname);
  if (slug) {
    // The timetable is the same page under both names: the agenda is what `/c/<slug>/` shows on a phone.
    const base = `/c/${slug}/`;
    const twin = url.pathname === base ? `${base}agenda` : url.pathname === `${base}agenda` ? base : null;
    const other = twin && (await cache.match(twin + url.search, ANY) || await cache.match(twin, ANY_QUERY));
    if (other) return other;
    if (request.mode === "navigate" && /^\/c\/[^/]+\/note\/[^/]+$/.test(url.pathname)) {
      const shell = await cache.match(`${base}offline-note`, ANY_QUERY);
      if (shell) return shell;
    }
  }
  if (request.mode === "navigate") {
    const own = slug && (await cache.match(`/c/${slug}/offline`, ANY_QUERY));
    if (own) return own;
    // Outside a conference (or one whose pages were never kept): any conference's offline page.
    const pages = (await cache.keys()).filter((r) => /^\/c\/[^/]+\/offline$/.test(new URL(r.url).pathname));
    if (pages.length) return cache.match(pages[0], ANY);
  }
  return new Response("Offline / オフライン", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request, ANY).then((hit) => hit || fetch(request).then((response) => {
      if (response.ok) {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(request, copy));
      }
      return response;
    })));
    return;
  }
  event.respondWith(
    fetch(request).then((response) => {
      if (response.ok && !response.redirected) {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(request, copy));
      }
      return response;
    }).catch(() => offline(request)),
  );
});
