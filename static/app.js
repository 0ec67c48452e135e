// conference: progressive enhancement. Every form works without this file; with it, marking a
// session updates the page in place instead of reloading it.
"use strict";

const Conference = (() => {
  const meta = () => document.querySelector('meta[name="csrf-token"]');

  /** POST a form's fields as the server expects them; retries once with a fresh CSRF token. */
  async function post(url, body) {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await fetch(url, {
        method: "POST",
        body,
        headers: { Accept: "application/json", "X-CSRFToken": meta().content },
        credentials: "same-origin",
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

  /** Reflect a session's new status everywhere it is shown on this page. */
  function applyStatus(key, status) {
    document.querySelectorAll("[data-key]").forEach((el) => {
      if (el.dataset.key !== key) return;
      el.dataset.status = status || "";
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

  function enhanceMarks() {
    document.addEventListener("submit", async (event) => {
      const form = event.target;
      if (!form.matches("form.mark, form.status-form")) return;
      event.preventDefault();
      const body = new FormData(form);
      if (event.submitter && event.submitter.name) body.set(event.submitter.name, event.submitter.value);
      form.classList.add("busy");
      try {
        const response = await post(form.action, body);
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const data = await response.json();
        Object.entries(data.statuses).forEach(([key, status]) => applyStatus(key, status));
        applyClashes(data.clashes);
      } catch (error) {
        // The plain form post still works; it must carry the pressed button's value.
        if (event.submitter && event.submitter.name) {
          const field = document.createElement("input");
          field.type = "hidden";
          field.name = event.submitter.name;
          field.value = event.submitter.value;
          form.append(field);
        }
        form.submit();
      } finally {
        form.classList.remove("busy");
      }
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

  return { post, enhanceMarks, enhanceRoomChips, defaultView };
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
      // Keep this page, its own scripts and styles, and the pages it names (timetable, now) for later.
      const assets = [...document.querySelectorAll('script[src], link[rel="stylesheet"]')].map((el) => el.src || el.href);
      const urls = [window.location.href, ...assets, ...(document.body.dataset.offline || "").split(" ").filter(Boolean)];
      registration.active.postMessage({ cache: urls });
    }).catch(() => {});
  }
});
