// Slide photos from the phone: every photo taken (or picked) first goes into a queue in IndexedDB,
// then is sent, one at a time, to the server. Without network a photo waits on the phone and goes
// when the connection returns (the `online` event, the next page that loads this file, or a retry
// every half minute); the page says how many are waiting. Each photo carries an id of its own, so a
// send whose answer was lost is recognised by the server, never added twice. The plain form still
// works without this file (it sends several photos at once and shows the note again).
"use strict";

const PhotoQueue = (() => {
  const NAME = "conference-photos";
  const STORE = "queue";
  let opening = null;

  function open() {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
        const request = indexedDB.open(NAME, 1);
        request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "id" });
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      opening.catch(() => { opening = null; });
    }
    return opening;
  }

  async function run(mode, work) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const result = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  return {
    put: (item) => run("readwrite", (store) => store.put(item)),
    remove: (id) => run("readwrite", (store) => store.delete(id)),
    all: () => run("readonly", (store) => store.getAll()),
  };
})();

document.addEventListener("DOMContentLoaded", () => {
  const forms = [...document.querySelectorAll("form.photo-form")];
  const labels = forms[0] ? forms[0].querySelector(".photo-queue").dataset : null;
  let sending = false;
  let retry = null;

  const newId = () => (window.crypto && crypto.randomUUID ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`);

  /** Every status line on the page says the same: how many photos wait, or what went wrong. */
  function say(state, text) {
    forms.forEach((form) => {
      const line = form.querySelector(".photo-queue");
      line.dataset.state = state;
      line.textContent = text;
    });
  }

  async function showWaiting(extra) {
    if (!labels) return;
    let waiting = 0;
    try { waiting = (await PhotoQueue.all()).length; } catch (error) { waiting = 0; }
    if (waiting) say("waiting", labels.waiting.replace("{n}", waiting));
    else if (extra) say(extra.state, extra.text);
    else say("", "");
  }

  /** A sent photo joins the strip of its talk, when this page shows that strip. */
  function addToStrip(key, photo) {
    const form = forms.find((f) => f.dataset.photoKey === key);
    const strip = form && form.closest(".photos") && form.closest(".photos").querySelector(".photo-strip");
    if (!strip) return;
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = photo.url;
    const img = document.createElement("img");
    img.src = photo.thumb;
    img.alt = photo.alt;
    img.width = photo.thumb_width;
    img.height = photo.thumb_height;
    link.append(img);
    item.append(link);
    strip.append(item);
  }

  async function sendOne(item) {
    const body = new FormData();
    body.set("photo", item.blob, item.name || "photo.jpg");
    body.set("caption", item.caption || "");
    body.set("upload_id", item.id);
    if (item.fileTime) body.set("file_time", String(item.fileTime));
    const response = await Conference.post(item.api, body); // a network failure throws: the photo waits
    const data = await response.json().catch(() => ({}));
    if (response.ok) return { ok: true, photo: data };
    if (data.final) return { ok: false, final: true, error: data.error || `HTTP ${response.status}` };
    throw new Error(`HTTP ${response.status}`); // the server could not take it now: try again later
  }

  /** Send what waits, oldest first, one at a time. */
  async function flush() {
    if (sending) return;
    sending = true;
    clearTimeout(retry);
    let problem = null;
    try {
      const items = (await PhotoQueue.all()).sort((a, b) => a.queuedAt - b.queuedAt);
      for (const item of items) {
        if (labels) say("sending", labels.sending.replace("{n}", items.length));
        let result;
        try {
          result = await sendOne(item);
        } catch (error) {
          retry = setTimeout(flush, 30000);
          break;
        }
        await PhotoQueue.remove(item.id);
        if (result.ok) {
          addToStrip(item.key, result.photo);
          problem = problem || (labels ? { state: "sent", text: labels.sent } : null);
        } else {
          problem = { state: "error", text: `${item.name ? `${item.name}: ` : ""}${result.error}` };
        }
      }
    } catch (error) {
      // IndexedDB unavailable: nothing was queued by this page (see queue()).
    } finally {
      sending = false;
    }
    await showWaiting(problem);
  }

  /** The files just taken or picked go into the queue, then out to the server. */
  async function queue(form, input) {
    const caption = form.elements.caption ? form.elements.caption.value : "";
    const files = [...input.files];
    if (!files.length) return;
    let kept = 0;
    for (const file of files) {
      const item = {
        id: newId(),
        api: form.dataset.api,
        key: form.dataset.photoKey,
        caption,
        name: file.name,
        fileTime: file.lastModified || null,
        queuedAt: Date.now() + kept,
        blob: file,
      };
      try {
        await PhotoQueue.put(item);
        kept += 1;
      } catch (error) {
        // No IndexedDB (a private window, an old browser): send this photo now, or say it cannot wait.
        try {
          const result = await sendOne(item);
          if (result.ok) addToStrip(item.key, result.photo);
          else say("error", result.error);
        } catch (sendError) {
          say("error", labels.nostore);
        }
      }
    }
    input.value = "";
    if (form.elements.caption) form.elements.caption.value = "";
    if (kept) {
      await showWaiting();
      flush();
    }
  }

  forms.forEach((form) => {
    form.querySelectorAll('input[type="file"]').forEach((input) => {
      input.addEventListener("change", () => queue(form, input));
    });
    form.addEventListener("submit", (event) => {
      // Enter in the caption field: the photos chosen so far are already queued; nothing to post.
      event.preventDefault();
      form.querySelectorAll('input[type="file"]').forEach((input) => queue(form, input));
    });
  });
  window.addEventListener("online", flush);
  showWaiting().then(flush);
});
