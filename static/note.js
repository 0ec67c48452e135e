// The note page: autosave that never loses a keystroke. Every change is first written to
// localStorage (the draft), then sent; a draft stays "dirty" until the server has confirmed it,
// across reloads, lost wifi and closed tabs. The plain form still works without this file.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.note-form");
  if (!form) return;
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
  }

  conflictBox.addEventListener("click", (event) => {
    const choice = event.target.dataset.resolve;
    if (!choice || !conflict) return;
    const theirs = conflict;
    conflict = null;
    conflictBox.hidden = true;
    setBase(theirs.version);
    if (choice === "both") area.value = `${area.value}\n\n---\n\n${theirs.text}`;
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
  const insert = (before, after = "") => {
    const start = area.selectionStart;
    const end = area.selectionEnd;
    area.value = area.value.slice(0, start) + before + after + area.value.slice(end);
    const caret = start + before.length;
    area.setSelectionRange(caret, caret);
    area.focus();
    edited();
  };
  const clock = () => new Intl.DateTimeFormat("en-GB", {
    hour: "2-digit", minute: "2-digit", hour12: false, timeZone: form.dataset.timezone || undefined,
  }).format(new Date());
  const lineStart = () => (area.selectionStart === 0 || area.value[area.selectionStart - 1] === "\n" ? "" : "\n");
  quick.addEventListener("click", async (event) => {
    const kind = event.target.dataset.insert;
    if (kind === "time") insert(`[${clock()}] `);
    if (kind === "qa") insert(`${lineStart()}Q: `, "\nA: ");
    if (kind === "todo") insert(`${lineStart()}- [ ] `);
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
