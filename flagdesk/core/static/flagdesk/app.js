// SPDX-License-Identifier: EUPL-1.2
// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) event.detail.headers["X-CSRFToken"] = token.value;
});

// After a failed submit, move keyboard and screen-reader focus to the error summary
// (WCAG 3.3.1), so the first thing read is what to correct.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
});

// Parts of a form that apply to one answer only (data-show-when="outcome=deploy") are hidden
// until that answer is chosen. Without JavaScript they stay visible; the server ignores what
// does not apply.
function showWhenChosen(form) {
  form.querySelectorAll("[data-show-when]").forEach((part) => {
    const [name, value] = part.dataset.showWhen.split("=");
    const chosen = form.querySelector(`input[name="${name}"]:checked`);
    part.hidden = !(chosen && chosen.value === value);
  });
}
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form").forEach((form) => {
    if (!form.querySelector("[data-show-when]")) return;
    showWhenChosen(form);
    form.addEventListener("change", () => showWhenChosen(form));
  });
});

// A live page (live.js) swapped a region in: set up its forms as on page load.
document.addEventListener("flagdesk:replaced", (event) => {
  event.detail.region.querySelectorAll("form").forEach((form) => {
    if (form.querySelector("[data-show-when]")) showWhenChosen(form);
  });
});
