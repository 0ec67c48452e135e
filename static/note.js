// The note page: autosave that never loses a keystroke. Every change is first written to
// localStorage (the draft), then sent; a draft stays "dirty" until the server has confirmed it,
// across reloads, lost wifi and closed tabs. The plain form still works without this file.
"use strict";

/** Keep both: the two texts line by line, in order, the lines they share only once. The same merge as
 * conference/notes.py merge_both() (the plain form's "Keep both"): common first and last lines once,
 * between them the longest common subsequence once and every other line where it stood (on a tie, this
 * device's line first); over a million line pairs, this device's lines then those of theirs it lacks. */
function mergeBoth(mine, theirs) {
  if (mine === theirs) return mine;
  const a = mine.split("\n");
  const b = theirs.split("\n");
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head += 1;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail += 1;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const n = x.length;
  const m = y.length;
  let middle = [];
  if (n * m > 1000000) {
    const left = new Map();
    x.forEach((line) => left.set(line, (left.get(line) || 0) + 1));
    middle = [...x];
    y.forEach((line) => {
      if (left.get(line)) left.set(line, left.get(line) - 1);
      else middle.push(line);
    });
  } else {
    const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i -= 1) {
      for (let j = m - 1; j >= 0; j -= 1) {
        lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (x[i] === y[j]) { middle.push(x[i]); i += 1; j += 1; }
      else if (lcs[i + 1][j] >= lcs[i][j + 1]) { middle.push(x[i]); i += 1; }
      else { middle.push(y[j]); j += 1; }
    }
    middle = middle.concat(x.slice(i), y.slice(j));
  }
  return [...a.slice(0, head), ...middle, ...a.slice(a.length - tail)].join("\n");
}

/** The note shell (served offline for a talk never opened here): its addresses take the talk's key
 * from the address it answers, `/c/<slug>/note/<key>`. Returns that key, or null. */
function fillShell(form) {
  const placeholder = form.dataset.shell;
  const match = /^\/c\/[^/]+\/note\/([^/]+)$/.exec(window.location.pathname);
  if (!match) return null;
  const segment = match[1];
  const key = decodeURIComponent(segment);
  document.querySelectorAll("form, a, [data-api], [data-store], [data-photo-key]").forEach((el) => {
    ["action", "href", "data-api"].forEach((name) => {
      const value = el.getAttribute(name);
      if (value && value.includes(placeholder)) el.setAttribute(name, value.split(placeholder).join(segment));
    });
    ["data-store", "data-photo-key"].forEach((name) => {
      const value = el.getAttribute(name);
      if (value && value.includes(placeholder)) el.setAttribute(name, value.split(placeholder).join(key));
    });
  });
  return key;
}

/** The talk's title and time from a page of the conference this phone keeps (agenda, grid, list…). */
async function talkFromKeptPages(key) {
  if (!window.caches) return null;
  const prefix = window.location.pathname.replace(/note\/[^/]+$/, "");
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const path = new URL(request.url).pathname;
      if (!path.startsWith(prefix) || path.includes("/note/") || path.includes("offline")) continue;
      const response = await cache.match(request, { ignoreVary: true });
      const text = response ? await response.text() : "";
      if (!text.includes("data-key=")) continue;
      // (Without its <style>: this page's CSP would refuse it, and only the words matter here.)
      const doc = new DOMParser().parseFromString(text.replace(/<style[\s\S]*?<\/style>/g, ""), "text/html");
      const el = [...doc.querySelectorAll("[data-key]")].find((e) => e.dataset.key === key);
      const title = el && el.querySelector(".c-title, .title, .what");
      if (title) {
        const meta = el.querySelector(".c-meta, .when");
        return { title: title.textContent.trim(), meta: meta ? meta.textContent.trim() : "" };
      }
    }
  }
  return null;
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.note-form");
  if (!form) return;
  const shellKey = form.dataset.shell ? fillShell(form) : null;
  if (form.dataset.shell && shellKey === null) return; // the shell at its own address: no talk to write about
  const area = form.querySelector("textarea");
  const state = form.querySelector(".save-state");
  const conflictBox = document.querySelector(".js-conflict");
  const storeKey = form.dataset.store;
  let base = Number(form.dataset.version);
  let inflight = false;
  let conflict = null;
  let timer = null;
  let retryDelay = 2000;

  const newId = () => (window.crypto && crypto.randomUUID ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`);
  const load = () => { try { return JSON.parse(localStorage.getItem(storeKey)); } catch (e) { return null; } };
  const keep = (d) => { try { localStorage.setItem(storeKey, JSON.stringify(d)); } catch (e) { /* storage full: the send still runs */ } };
  const show = (name, extra) => {
    state.dataset.state = name;
    state.textContent = state.dataset[name] + (extra ? ` ${extra}` : "");
  };
  const setBase = (v) => { base = v; form.dataset.version = v; form.elements.base_version.value = v; };

  let draft = load();
  if (shellKey !== null) {
    talkFromKeptPages(shellKey).then((talk) => {
      document.querySelector("[data-shell-title]").textContent = talk ? talk.title : shellKey;
      if (talk) document.querySelector("[data-shell-meta]").textContent = talk.meta;
    }).catch(() => {});
    if (draft && !draft.dirty) {
      area.value = draft.text; // the note as this device last saw it saved
      setBase(draft.base);
    }
  }
  if (draft && draft.dirty) {
    // Unsent words from an earlier visit (offline, a closed tab, a lost answer): they come first.
    if (draft.text !== area.value) area.value = draft.text;
    if (draft.base > base) setBase(draft.base);
    show("unsaved");
    setTimeout(send, 0);
  }

  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(send, ms);
  }

  function edited() {
    draft = { text: area.value, base, saveId: newId(), dirty: true };
    keep(draft);
    if (!conflict) show("unsaved");
    schedule(800);
  }

  async function send() {
    if (inflight || conflict || !draft || !draft.dirty) return;
    inflight = true;
    const sent = draft;
    show("saving");
    try {
      const body = new FormData();
      body.set("text", sent.text);
      body.set("base_version", String(sent.base));
      body.set("save_id", sent.saveId);
      const response = await Conference.post(form.dataset.api, body);
      if (response.status === 409) {
        const data = await response.json();
        conflict = data;
        showConflict(data);
        return;
      }
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const data = await response.json();
      retryDelay = 2000;
      setBase(data.version);
      if (draft === sent) {
        draft = { ...sent, base: data.version, dirty: false };
        keep(draft);
        show("saved", `(v${data.version})`);
      } else {
        draft.base = data.version; // typed more meanwhile: that text goes next, on top of this version
        keep(draft);
        schedule(0);
      }
    } catch (error) {
      show(navigator.onLine === false || error instanceof TypeError ? "offline" : "error");
      retryDelay = Math.min(retryDelay * 2, 30000);
      schedule(retryDelay);
    } finally {
      inflight = false;
    }
  }

  function showConflict(data) {
    show("conflict");
    conflictBox.querySelector(".theirs").textContent = data.text;
    conflictBox.hidden = false;
    // The choices sit above the text area: bring them into view (the keyboard may hide the rest).
    conflictBox.scrollIntoView({ block: "start" });
  }

  conflictBox.addEventListener("click", (event) => {
    const choice = event.target.dataset.resolve;
    if (!choice || !conflict) return;
    const theirs = conflict;
    conflict = null;
    conflictBox.hidden = true;
    setBase(theirs.version);
    if (choice === "both") area.value = mergeBoth(area.value, theirs.text);
    if (choice === "theirs") area.value = theirs.text;
    draft = { text: area.value, base: theirs.version, saveId: newId(), dirty: choice !== "theirs" };
    keep(draft);
    if (draft.dirty) send(); else show("saved", `(v${theirs.version})`);
  });

  // Writing continues where the note ends, not before its first word.
  area.setSelectionRange(area.value.length, area.value.length);
  area.scrollTop = area.scrollHeight;
  area.addEventListener("input", edited);
  window.addEventListener("online", () => { retryDelay = 2000; send(); });
  form.addEventListener("submit", (event) => { event.preventDefault(); edited(); send(); });

  // Leaving the page: hand the last words to the browser to deliver (sendBeacon cannot set
  // headers, so the CSRF token travels in the body). The draft stays dirty until a later visit
  // hears back; the save id makes that second delivery harmless.
  const flush = () => {
    if (!draft || !draft.dirty || conflict || !navigator.sendBeacon) return;
    const body = new FormData();
    body.set("text", draft.text);
    body.set("base_version", String(draft.base));
    body.set("save_id", draft.saveId);
    body.set("csrf_token", document.querySelector('meta[name="csrf-token"]').content);
    navigator.sendBeacon(form.dataset.api, body);
  };
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") flush(); });

  // Quick inserts: what a talk needs at one tap.
  const quick = form.querySelector(".quick");
  quick.hidden = false;
  // On a phone the quick inserts ride just above the keyboard, within reach of the thumb; a tap on
  // them keeps the keyboard open (the text area keeps the focus).
  document.body.classList.add("has-quick");
  quick.addEventListener("pointerdown", (event) => { if (event.target.closest("button")) event.preventDefault(); });
  if (window.visualViewport) {
    // Browsers that lay the keyboard over the page (iOS Safari) shrink only the visual viewport.
    const place = () => {
      const view = window.visualViewport;
      const covered = Math.max(0, window.innerHeight - view.height - view.offsetTop);
      document.documentElement.style.setProperty("--keyboard", `${covered}px`);
    };
    window.visualViewport.addEventListener("resize", place);
    window.visualViewport.addEventListener("scroll", place);
  }
  /** Put `text` at `pos` and the caret right after it; the keyboard stays. */
  const put = (pos, text) => {
    area.value = area.value.slice(0, pos) + text + area.value.slice(pos);
    area.setSelectionRange(pos + text.length, pos + text.length);
    area.focus();
    edited();
  };
  /** The line around `pos`: [start, end) in the text, without its line break. */
  const lineAt = (pos) => {
    const value = area.value;
    const start = value.lastIndexOf("\n", pos - 1) + 1;
    const end = value.indexOf("\n", pos);
    return { start, end: end < 0 ? value.length : end, text: value.slice(start, end < 0 ? value.length : end) };
  };
  const nextLine = (line) => (line.end < area.value.length ? lineAt(line.end + 1) : null);
  // The same Q:/A: forms as conference/notes.py reads (Q: Ｑ： **Q**: - Q:).
  const QUESTION = /^\s*(?:[-*+]\s+)?(?:\*\*)?[QＱ](?:\*\*)?\s*[:：.]/;
  const ANSWER = /^\s*(?:[-*+]\s+)?(?:\*\*)?[AＡ](?:\*\*)?\s*[:：.]/;
  /** Q / A: on a question without an answer, "A: " on the next line (the caret where the answer goes);
   * anywhere else a new "Q: " after the current line (after its answer, on a question answered). */
  const questionOrAnswer = () => {
    let line = lineAt(area.selectionStart);
    let next = nextLine(line);
    if (QUESTION.test(line.text) && !(next && ANSWER.test(next.text))) {
      put(line.end, "\nA: ");
      return;
    }
    if (!line.text.trim()) {
      put(area.selectionStart, "Q: ");
      return;
    }
    while (next && ANSWER.test(next.text)) {
      line = next;
      next = nextLine(line);
    }
    put(line.end, "\nQ: ");
  };
  /** TODO: at the end of the current block (its line and those right after it, up to a blank line), so a
   * TODO never lands between a question and its answer, nor in the middle of a sentence. */
  const todo = () => {
    let line = lineAt(area.selectionStart);
    if (!line.text.trim()) {
      put(area.selectionStart, "- [ ] ");
      return;
    }
    for (let next = nextLine(line); next && next.text.trim(); next = nextLine(next)) line = next;
    put(line.end, "\n- [ ] ");
  };
  const clock = () => new Intl.DateTimeFormat("en-GB", {
    hour: "2-digit", minute: "2-digit", hour12: false, timeZone: form.dataset.timezone || undefined,
  }).format(new Date());
  quick.addEventListener("click", async (event) => {
    const kind = event.target.dataset.insert;
    if (kind === "time") put(area.selectionStart, `[${clock()}] `);
    if (kind === "qa") questionOrAnswer();
    if (kind === "todo") todo();
    if (event.target.hasAttribute("data-photo")) {
      // The camera of the photo form under the note (photos.js queues and sends what it takes).
      const camera = document.querySelector(".photo-form input[capture]");
      if (camera) camera.click();
    }
    if (event.target.hasAttribute("data-preview-toggle")) {
      const box = form.querySelector(".preview");
      box.hidden = !box.hidden;
      if (box.hidden) return;
      const body = new FormData();
      body.set("text", area.value);
      try {
        const response = await Conference.post(form.dataset.preview, body);
        box.innerHTML = await response.text(); // sanitized by the server (nh3)
      } catch (error) {
        box.textContent = state.dataset.offline;
      }
    }
  });
});
