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

// issue 15 — owners: a button with data-confirm asks before its form is sent (withdrawing a
// proposed decision). Without JavaScript the form is sent at once.
document.addEventListener("submit", (event) => {
  const message = event.submitter && event.submitter.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});

// Keyboard shortcuts (docs/ui.md, "Keyboard"). A key, or a two-key sequence such as "g d",
// triggers the element marked data-shortcut="<keys>": a field gets focus, a link or button is
// clicked. Pages only mark their elements; "?" opens the help dialog, j/k walk the list marked
// data-shortcut-list (and, on a case page, the list it was opened from), and past either end of
// it to the page behind the list's rel="next" / rel="prev" link. Never while typing.
const SEQUENCE_MS = 1500;
const CASE_LIST_KEY = "flagdesk.shortcut-list";
// Which row to focus once the page turned by j/k has loaded, and on which address.
const TURN_KEY = "flagdesk.shortcut-turn";
let pendingPrefix = null;
let pendingSince = 0;

function isTyping(target) {
  if (!(target instanceof Element)) return false;
  return target.closest("input, textarea, select, [contenteditable]:not([contenteditable=false])") !== null;
}

function isShown(element) {
  return element.getClientRects().length > 0 && !element.closest("[hidden], [inert]");
}

function shortcutTarget(keys) {
  const marked = Array.from(document.querySelectorAll("[data-shortcut]"));
  return marked.find((element) => element.dataset.shortcut === keys && !element.closest("dialog")
    && isShown(element)) || marked.find((element) => element.dataset.shortcut === keys
    && element.closest("dialog"));
}

function trigger(element) {
  if (element.matches("input, textarea, select")) {
    element.focus();
    if (element.select) element.select();
  } else {
    element.click();
  }
}

function listLinks(root) {
  const list = root.querySelector("[data-shortcut-list]");
  if (!list) return [];
  const items = list.querySelectorAll("tbody tr, li");
  return Array.from(items).map((item) => item.querySelector("a[href]")).filter(Boolean);
}

function rememberList(links) {
  const cases = links.map((link) => new URL(link.href, location.href).pathname);
  sessionStorage.setItem(CASE_LIST_KEY, JSON.stringify(cases));
}

function moveInList(links, step) {
  const current = links.findIndex((link) => link === document.activeElement
    || link.closest("tr, li").contains(document.activeElement));
  const next = current === -1 ? (step > 0 ? 0 : links.length - 1) : current + step;
  if (next < 0 || next >= links.length) {
    turnPage(step);
    return;
  }
  focusRow(links[next]);
}

function focusRow(link) {
  link.focus();
  link.closest("tr, li").scrollIntoView({ block: "nearest" });
}

// Past the last row, j goes on to the next page and focuses its first row; past the first, k
// goes back and focuses the last: the list reads as one. No such page: stay where we are.
function turnPage(step) {
  const pager = Array.from(document.querySelectorAll(step > 0 ? 'a[rel="next"]' : 'a[rel="prev"]'))
    .find(isShown);
  if (!pager) return;
  const to = new URL(pager.href, location.href).href;
  sessionStorage.setItem(TURN_KEY, JSON.stringify({ to, row: step > 0 ? "first" : "last" }));
  location.assign(to);
}

// Only on the page the turn went to: a stale note (the user went elsewhere) is dropped.
function focusAfterTurn() {
  const note = JSON.parse(sessionStorage.getItem(TURN_KEY) || "null");
  sessionStorage.removeItem(TURN_KEY);
  if (!note || note.to !== location.href) return;
  const links = listLinks(document);
  if (links.length) focusRow(note.row === "last" ? links[links.length - 1] : links[0]);
}

async function defaultList() {
  const listLink = document.querySelector('[data-shortcut="g c"]');
  if (!listLink) return [];
  const response = await fetch(listLink.href, { headers: { Accept: "text/html" } });
  if (!response.ok) return [];
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const links = listLinks(page);
  return links.map((link) => new URL(link.getAttribute("href"), listLink.href).pathname);
}

// On a case page: the neighbour in the list the case was opened from, else in the default
// list (fetched once, then remembered like a list the user opened).
async function moveFromCase(step) {
  let cases = JSON.parse(sessionStorage.getItem(CASE_LIST_KEY) || "[]");
  if (!cases.includes(location.pathname)) {
    cases = await defaultList();
    sessionStorage.setItem(CASE_LIST_KEY, JSON.stringify(cases));
  }
  const here = cases.indexOf(location.pathname);
  const next = here === -1 ? (step > 0 ? 0 : cases.length - 1) : here + step;
  if (next >= 0 && next < cases.length) location.assign(cases[next]);
}

function walk(step) {
  const links = listLinks(document);
  if (links.length) {
    rememberList(links);
    moveInList(links, step);
  } else if (document.querySelector("[data-shortcut-case]")) {
    moveFromCase(step);
  }
}

function openHelp(dialog) {
  if (dialog.open) return;
  dialog.returnFocusTo = document.activeElement;
  // showModal makes the rest of the page inert: Tab stays inside, Escape closes.
  dialog.showModal();
}

// Tab and Shift+Tab cycle inside the open dialog instead of leaving for the browser's bar.
function keepFocusInside(dialog, event) {
  if (event.key !== "Tab") return;
  const focusable = Array.from(dialog.querySelectorAll("a[href], button, input, select, textarea"));
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (event.shiftKey && document.activeElement === first) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault();
    first.focus();
  }
}

function keysFor(event) {
  const key = event.key;
  if (pendingPrefix && Date.now() - pendingSince < SEQUENCE_MS) {
    pendingPrefix = null;
    return `g ${key}`;
  }
  pendingPrefix = key === "g" ? key : null;
  pendingSince = Date.now();
  return key;
}

function onShortcutKey(event, dialog) {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
  if (isTyping(event.target) || (dialog && dialog.open)) return;
  const keys = keysFor(event);
  if (keys === "g") return;
  if (keys === "?" && dialog) {
    event.preventDefault();
    openHelp(dialog);
  } else if (keys === "j" || keys === "k") {
    event.preventDefault();
    walk(keys === "j" ? 1 : -1);
  } else {
    const target = shortcutTarget(keys);
    if (!target) return;
    event.preventDefault();
    trigger(target);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const dialog = document.getElementById("shortcut-help");
  document.addEventListener("keydown", (event) => onShortcutKey(event, dialog));
  // Remember the list as it is shown, so j/k on a case page follow it (also after htmx swaps).
  const remember = () => { const links = listLinks(document); if (links.length) rememberList(links); };
  remember();
  focusAfterTurn();
  document.body.addEventListener("htmx:afterSettle", remember);
  document.addEventListener("flagdesk:replaced", remember);  // a live region swapped in
  if (!dialog) return;
  document.querySelectorAll("[data-shortcut-help]").forEach((opener) => {
    opener.addEventListener("click", (event) => { event.preventDefault(); openHelp(dialog); });
  });
  dialog.addEventListener("keydown", (event) => keepFocusInside(dialog, event));
  dialog.addEventListener("close", () => {
    const back = dialog.returnFocusTo;
    if (back && document.contains(back) && back !== document.body) back.focus();
  });
});

// A live page (live.js) swapped a region in: set up its forms as on page load.
document.addEventListener("flagdesk:replaced", (event) => {
  event.detail.region.querySelectorAll("form").forEach((form) => {
    if (form.querySelector("[data-show-when]")) showWhenChosen(form);
  });
});
