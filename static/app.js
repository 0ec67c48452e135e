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

  function statusLabel(status) {
    const button = document.querySelector(`.status-form button[value="${status || "none"}"]`);
    return button ? button.textContent : status;
  }

  /** Reflect a session's new status everywhere it is shown on this page. */
  function applyStatus(key, status) {
    document.querySelectorAll("[data-key]").forEach((el) => {
      if (el.dataset.key !== key) return;
      el.dataset.status = status || "";
      el.querySelectorAll("form.mark button, .status-form button").forEach((button) => {
        const kind = button.classList.contains("m-interested") ? "interested"
          : button.classList.contains("m-going") ? "going" : null;
        if (kind) {
          const on = status === kind;
          button.setAttribute("aria-pressed", on ? "true" : "false");
          button.value = on ? "none" : kind;
        } else {
          button.setAttribute("aria-pressed", button.value === (status || "none") ? "true" : "false");
        }
      });
      const now = el.querySelector(".status-now");
      if (now) now.textContent = statusLabel(status);
    });
  }

  function applyClashes(clashes) {
    document.querySelectorAll("[data-key]").forEach((el) => {
      if (clashes[el.dataset.key] && clashes[el.dataset.key].length) el.dataset.clash = "1";
      else delete el.dataset.clash;
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
        form.submit(); // the plain form post still works
      } finally {
        form.classList.remove("busy");
      }
    });
  }

  return { post, enhanceMarks };
})();

document.addEventListener("DOMContentLoaded", () => {
  Conference.enhanceMarks();
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
