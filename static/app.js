// conference: progressive enhancement. Every form works without this file; with it, marking a
// session updates the page in place instead of reloading it, and a mark made without network waits on
// the phone (localStorage) until the connection returns.
"use strict";

const Conference = (() => {
  const meta = () => document.querySelector('meta[name="csrf-token"]');

  /** POST a form's fields as the server expects them; retries once with a fresh CSRF token. */
  async function post(url, body, options = {}) {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await fetch(url, {
        method: "POST",
        body,
        headers: { Accept: "application/json", "X-CSRFToken": meta().content },
        credentials: "same-origin",
        signal: options.signal,
      });
      if (response.status === 400) {
        const data = await response.clone().json().catch(() => null);
        if (data && data.error === "csrf" && data.csrf_token) {
          meta().content = data.csrf_token;
          continue;
        }
      }
      return response;
    }
    throw new Error("CSRF token refused twice");
  }

  const labels = () => JSON.parse(document.body.dataset.labels || "{}");

  function statusLabel(status) {
    const button = document.querySelector(`.status-form button[value="${status || "none"}"]`);
    return button ? button.textContent : (labels()[status] || status);
  }

  /** The status in words on a card (never colour alone): added, changed or removed. */
  function showStateLabel(el, status) {
    let label = el.querySelector(".state-label");
    if (!status || el.classList.contains("my-status")) {
      if (label && !el.classList.contains("my-status")) label.remove();
      return;
    }
    if (!label) {
      label = document.createElement("span");
      label.className = "state-label";
      const link = el.querySelector(".c-link");
      if (link) link.append(" ", label); // a space: screen readers read the words apart
      else {
        const host = el.querySelector(".block-foot") || el;
        host.insertBefore(label, host.querySelector(":scope > form.mark"));
      }
    }
    label.textContent = statusLabel(status);
  }

  // ✓ on a talk the attendee speaks at or attended shows that status and opens the talk's status choice:
  // one tap never turns it into "going" (the blog draft would lose 登壇).
  const HELD = ["attended", "speaking"];

  /** The ✓ of a card for `status`: a link to the status choice when held, else the one-tap button. */
  function placeGoing(el, key, status) {
    const current = el.querySelector(".m-going");
    if (!current) return;
    const held = HELD.includes(status);
    const label = labels()[`held_${status}`];
    if (held) {
      let link = current;
      if (current.tagName !== "A") {
        const page = el.querySelector("a.c-link, a.block-link, a.what");
        link = document.createElement("a");
        link.className = "m-going m-held";
        link.href = `${page ? page.getAttribute("href") : ""}#status`;
        link.textContent = "✓";
        current.replaceWith(link);
      }
      link.setAttribute("aria-label", label);
      link.title = label;
      link.dataset.held = status;
      return;
    }
    if (current.tagName !== "A") return;
    const button = document.createElement("button");
    button.className = "m-going";
    button.textContent = "✓";
    if (current.closest("form.mark")) {
      button.type = "submit";
      button.name = "status";
      button.title = labels().going;
      button.innerHTML = `<span aria-hidden="true">✓</span><span class="sr"></span>`;
      button.querySelector(".sr").textContent = labels().going;
    } else {
      button.setAttribute("form", "marks");
      button.name = "set";
      button.setAttribute("aria-label", labels().going);
    }
    current.replaceWith(button);
  }

  /** Reflect a session's new status everywhere it is shown on this page. */
  function applyStatus(key, status) {
    document.querySelectorAll("[data-key]").forEach((el) => {
      if (el.dataset.key !== key) return;
      el.dataset.status = status || "";
      placeGoing(el, key, status);
      el.querySelectorAll("form.mark button, .status-form button, button[name=set]").forEach((button) => {
        const kind = button.classList.contains("m-interested") ? "interested"
          : button.classList.contains("m-going") ? "going" : null;
        if (kind) {
          const on = status === kind;
          button.setAttribute("aria-pressed", on ? "true" : "false");
          const value = on ? "none" : kind;
          button.value = button.name === "set" ? `${value}:${key}` : value;
        } else {
          button.setAttribute("aria-pressed", button.value === (status || "none") ? "true" : "false");
        }
      });
      const now = el.querySelector(".status-now");
      if (now) now.textContent = statusLabel(status);
      showStateLabel(el, status);
    });
  }

  /** "Not sent yet" on every element of a talk whose mark waits for the connection. */
  function showPending(key, waiting) {
    document.querySelectorAll("[data-key]").forEach((el) => {
      if (el.dataset.key !== key) return;
      let flag = el.querySelector(".pending-flag");
      if (!waiting) {
        delete el.dataset.pending;
        if (flag) flag.remove();
        return;
      }
      el.dataset.pending = "1";
      if (flag) return;
      flag = document.createElement("span");
      flag.className = "pending-flag";
      flag.textContent = labels().pending || "…";
      const now = el.querySelector(".status-now");
      const host = el.querySelector(".c-link") || el.querySelector(".block-foot") || (now && now.parentElement) || el;
      const before = host.querySelector(":scope > form.mark");
      host.insertBefore(document.createTextNode(" "), before);
      host.insertBefore(flag, before);
    });
  }

  function applyClashes(clashes) {
    document.querySelectorAll("[data-key]").forEach((el) => {
      const on = Boolean(clashes[el.dataset.key] && clashes[el.dataset.key].length);
      if (on) el.dataset.clash = "1";
      else delete el.dataset.clash;
      // Agenda cards carry the flag only while they clash (it sits beside the title, in words).
      const title = el.querySelector(".c-title");
      if (!title) return;
      const flag = el.querySelector(".clash-flag");
      if (on && !flag) {
        const made = document.createElement("span");
        made.className = "clash-flag";
        made.textContent = labels().clash || "Clash";
        title.after(" ", made);
      } else if (!on && flag) {
        flag.remove();
      }
    });
  }

  /** The conference of an address ("/c/<slug>/…"), as the address writes it; null elsewhere. */
  function conferenceOf(address) {
    const match = /^\/c\/([^/]+)\//.exec(new URL(address, window.location.href).pathname);
    return match ? match[1] : null;
  }

  // Marks waiting to be sent, oldest first, one per talk (the latest tap wins): [{id, conf, key, status, at}].
  // Setting a status twice is harmless, so a send whose answer was lost may simply be sent again.
  const QUEUE = "conference-marks";
  const queued = () => {
    try { return JSON.parse(localStorage.getItem(QUEUE)) || []; } catch (error) { return []; }
  };
  const keepQueue = (items) => {
    try { localStorage.setItem(QUEUE, JSON.stringify(items)); return true; } catch (error) { return false; }
  };
  const newId = () => (window.crypto && crypto.randomUUID ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`);
  const outcome = new Map(); // id -> resolve(result) for the tap waiting on it
  let flushing = false;
  let retry = null;

  /** Send one waiting mark. "sent" (with the server's answer), "refused" (4xx) or "offline" (try later). */
  async function sendMark(item) {
    const body = new FormData();
    body.set("key", item.key);
    body.set("status", item.status);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 15000); // a hanging wifi is no connection
    try {
      const response = await post(`/c/${item.conf}/mark`, body, { signal: abort.signal });
      if (response.ok) return { state: "sent", data: await response.json() };
      // Logged out meanwhile: the mark waits for the next login; a server that cannot answer now, for later.
      if (response.status === 401) return { state: "login" };
      return { state: response.status >= 500 ? "offline" : "refused", status: response.status };
    } catch (error) {
      return { state: "offline" };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Send what waits, oldest first; stop at the first that cannot go (and try again later). */
  async function flushMarks() {
    if (flushing) return;
    flushing = true;
    clearTimeout(retry);
    const here = conferenceOf(window.location.href);
    try {
      for (;;) {
        const item = queued().sort((a, b) => a.at - b.at)[0];
        if (!item) break;
        const result = await sendMark(item);
        if (result.state === "offline" || result.state === "login") {
          queued().forEach((waiting) => {
            if (waiting.conf !== here) return;
            applyStatus(waiting.key, waiting.status === "none" ? null : waiting.status);
            showPending(waiting.key, true);
          });
          queued().forEach((waiting) => { if (outcome.has(waiting.id)) outcome.get(waiting.id)(result); });
          if (result.state === "offline") retry = setTimeout(flushMarks, 30000);
          break;
        }
        keepQueue(queued().filter((waiting) => waiting.id !== item.id));
        const still = queued().some((waiting) => waiting.conf === item.conf && waiting.key === item.key);
        if (item.conf === here && !still) {
          showPending(item.key, false);
          if (result.state === "sent") {
            Object.entries(result.data.statuses).forEach(([key, status]) => applyStatus(key, status));
            applyClashes(result.data.clashes);
          }
        }
        if (outcome.has(item.id)) outcome.get(item.id)(result);
      }
    } finally {
      flushing = false;
    }
  }

  /** A tap's mark: into the queue, then out; resolves with what became of it. */
  function queueMark(item) {
    const done = new Promise((resolve) => outcome.set(item.id, resolve));
    const items = queued().filter((waiting) => {
      const replaced = waiting.conf === item.conf && waiting.key === item.key;
      if (replaced && outcome.has(waiting.id)) outcome.get(waiting.id)({ state: "replaced" });
      return !replaced;
    });
    if (!keepQueue([...items, item])) return null; // no storage here: the caller posts directly
    flushMarks();
    return done.finally(() => outcome.delete(item.id));
  }

  /** The plain form post (the server's own answer, as without this file); it carries the pressed button. */
  function plainPost(form, submitter) {
    if (submitter && submitter.name) {
      const field = document.createElement("input");
      field.type = "hidden";
      field.name = submitter.name;
      field.value = submitter.value;
      form.append(field);
    }
    form.submit();
  }

  function enhanceMarks() {
    document.addEventListener("submit", async (event) => {
      const form = event.target;
      if (!form.matches("form.mark, form.status-form")) return;
      event.preventDefault();
      const submitter = event.submitter;
      let key = form.elements.key ? form.elements.key.value : "";
      let status = submitter && submitter.name === "status" ? submitter.value : "";
      if (submitter && submitter.name === "set") {
        const at = submitter.value.indexOf(":");
        status = submitter.value.slice(0, at);
        key = submitter.value.slice(at + 1);
      }
      const conf = conferenceOf(form.action);
      const item = { id: newId(), conf, key, status, at: Date.now() };
      const waiting = conf && key && status ? queueMark(item) : null;
      if (!waiting) {
        plainPost(form, submitter);
        return;
      }
      form.classList.add("busy");
      try {
        const result = await waiting;
        if (result.state === "refused") plainPost(form, submitter); // the server says why, as without JS
        if (result.state === "login") {
          window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
        }
      } finally {
        form.classList.remove("busy");
      }
    });
    // Marks made earlier without network: shown as this device has them, then sent.
    const here = conferenceOf(window.location.href);
    queued().forEach((item) => {
      if (item.conf !== here) return;
      applyStatus(item.key, item.status === "none" ? null : item.status);
      showPending(item.key, true);
    });
    window.addEventListener("online", flushMarks);
    flushMarks();
  }

  /** The conference menu on a phone scrolls sideways: its ends fade while there is more that way, and
   * the current page's item is scrolled into view. */
  function enhanceConferenceMenu() {
    document.querySelectorAll("nav.conf-nav").forEach((nav) => {
      const current = nav.querySelector("[aria-current]");
      if (current && nav.scrollWidth > nav.clientWidth) {
        const box = nav.getBoundingClientRect();
        const item = current.getBoundingClientRect();
        nav.scrollLeft += item.left - box.left - (box.width - item.width) / 2;
      }
      const update = () => {
        nav.classList.toggle("more-left", nav.scrollLeft > 1);
        nav.classList.toggle("more-right", nav.scrollLeft + nav.clientWidth < nav.scrollWidth - 1);
      };
      update();
      nav.addEventListener("scroll", update, { passive: true });
      window.addEventListener("resize", update);
    });
  }

  /** Times written in the server's zone (`<time data-local datetime>`), shown in this browser's zone. */
  function localTimes() {
    const lang = document.documentElement.lang || undefined;
    document.querySelectorAll("time[data-local]").forEach((el) => {
      const moment = new Date(el.getAttribute("datetime"));
      if (Number.isNaN(moment.getTime())) return;
      el.textContent = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(moment);
    });
  }

  /** Room chips on the agenda: show only the chosen rooms at once (no reload); the URL keeps the choice. */
  function enhanceRoomChips() {
    const form = document.querySelector("form[data-filter-rooms]");
    if (!form) return;
    form.addEventListener("change", () => {
      const chosen = [...form.querySelectorAll("input[name=room]:checked")].map((box) => box.value);
      if (!("complete" in form.dataset)) {
        form.submit(); // this page holds only some rooms: ask the server for the others
        return;
      }
      document.querySelectorAll(".card[data-room]").forEach((card) => {
        card.classList.toggle("hidden-room", chosen.length > 0 && card.dataset.room !== "" && !chosen.includes(card.dataset.room));
      });
      document.querySelectorAll(".slot").forEach((slot) => {
        slot.classList.toggle("hidden-room", !slot.querySelector(".card:not(.hidden-room)"));
      });
      const url = new URL(window.location.href);
      url.searchParams.delete("room");
      chosen.forEach((room) => url.searchParams.append("room", room));
      window.history.replaceState(null, "", url);
      document.querySelectorAll(".agenda-bar a[href]").forEach((link) => {
        const target = new URL(link.href, window.location.href);
        if (target.hash) return;
        target.searchParams.delete("room");
        chosen.forEach((room) => target.searchParams.append("room", room));
        link.href = target.pathname + target.search;
      });
    });
  }

  /** No remembered choice yet: 600 px or less shows the agenda, wider screens the grid. */
  function defaultView() {
    const view = document.cookie.split("; ").find((c) => c.startsWith("view="));
    if (view) return;
    const url = new URL(window.location.href);
    if (url.searchParams.has("view")) return;
    const narrow = window.matchMedia("(max-width: 600px)").matches;
    const here = document.querySelector("[data-auto-view]");
    if (!here || !/\/c\/[^/]+\/$/.test(url.pathname)) return; // only the timetable's own address
    if ((here.dataset.autoView === "grid" && narrow) || (here.dataset.autoView === "agenda" && !narrow)) {
      window.location.replace(here.dataset.other + url.hash);
    }
  }

  return { post, enhanceMarks, enhanceRoomChips, enhanceConferenceMenu, localTimes, defaultView };
})();

document.documentElement.classList.add("js");
// On a phone the bottom bar steps aside while the keyboard is up (typing in any field).
const typingField = (el) => el && el.matches && el.matches("textarea, select, input:not([type=checkbox]):not([type=radio]):not([type=submit])");
document.addEventListener("focusin", (event) => { if (typingField(event.target)) document.body.classList.add("typing"); });
document.addEventListener("focusout", (event) => { if (typingField(event.target)) document.body.classList.remove("typing"); });
document.addEventListener("DOMContentLoaded", () => {
  if (typingField(document.activeElement)) document.body.classList.add("typing"); // autofocus came first
  Conference.defaultView();
  Conference.enhanceMarks();
  Conference.enhanceRoomChips();
  Conference.enhanceConferenceMenu();
  Conference.localTimes();
  // The offline page shown for a talk's page never opened here: its note can still be written.
  const noteLink = document.querySelector("[data-note-link]");
  const talk = /^\/c\/([^/]+)\/s\/([^/]+)$/.exec(window.location.pathname);
  if (noteLink && talk) {
    noteLink.href = `/c/${talk[1]}/note/${talk[2]}`;
    noteLink.parentElement.hidden = false;
  }
  document.querySelectorAll("button[data-copy]").forEach((button) => {
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", () => {
      const field = document.querySelector(button.dataset.copy);
      navigator.clipboard.writeText(field.value).then(() => { button.dataset.done = "1"; }, () => field.select());
    });
  });
  // Offline at the venue: a service worker keeps visited pages (timetable, now, notes) readable.
  // It needs a secure context (HTTPS or localhost); elsewhere localStorage drafts still protect notes.
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/sw.js").then(() => navigator.serviceWorker.ready).then((registration) => {
      // Keep this page, its own scripts and styles, the pages it names (timetable, my day, now, notes) and
      // the two answers for pages never opened here (the offline page and the note shell).
      const assets = [...document.querySelectorAll('script[src], link[rel="stylesheet"]')].map((el) => el.src || el.href);
      const named = (list) => (list || "").split(" ").filter(Boolean);
      const urls = [window.location.href, ...assets, ...named(document.body.dataset.offline)];
      registration.active.postMessage({ cache: urls, replace: named(document.body.dataset.offlineReplace) });
    }).catch(() => {});
  }
});
