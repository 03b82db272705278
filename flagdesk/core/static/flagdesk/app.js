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
