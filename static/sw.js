// Service worker: the app shell and the pages an attendee has opened stay readable offline.
// Pages: network first (fresh when the wifi works), the last copy when it does not.
// Static files: cache first (their names are stable per release). Writes are never cached.
"use strict";

const CACHE = "conference-v2";

// Pages tell the worker what to keep (themselves, their versioned /static/ files, the timetable).
self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// A page asks to keep more pages (its conference's timetable and "now" page) for later.
self.addEventListener("message", (event) => {
  const urls = (event.data && event.data.cache) || [];
  event.waitUntil(caches.open(CACHE).then((cache) => Promise.all(urls.map((u) => cache.add(u).catch(() => null)))));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request).then((response) => {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(request, copy));
      return response;
    })));
    return;
  }
  event.respondWith(
    fetch(request).then((response) => {
      if (response.ok) {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(request, copy));
      }
      return response;
    }).catch(() => caches.match(request).then((hit) => hit || caches.match(request, { ignoreSearch: true }))
      .then((hit) => hit || new Response("Offline, and this page was not opened before.", {
        status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" },
      }))),
  );
});
