// Import form: show that a slow download is still going (the form works without this).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-progress]");
  if (!form) return;
  form.addEventListener("submit", () => {
    const out = form.querySelector(".progress");
    const button = form.querySelector("button[type=submit]");
    const started = Date.now();
    out.hidden = false;
    button.disabled = true;
    const tick = () => {
      const seconds = Math.round((Date.now() - started) / 1000);
      out.textContent = `${out.dataset.label || "Importing…"} ${seconds} s`;
    };
    tick();
    setInterval(tick, 1000);
  });
});
