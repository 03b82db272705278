/* SPDX-License-Identifier: EUPL-1.2 */
// Live pages (flagdesk/core/live.py, docs/architecture.md "Live updates"): the page asks for
// itself again with If-None-Match; the server answers 304 from a version check when nothing
// changed. When something did, each region of <main> (its top-level elements) whose HTML
// changed is swapped in place, briefly highlighted and announced politely. A region where
// the user is editing a form is never replaced: a notice offers a reload instead. Focus is
// never moved away. Polling stops while the tab is hidden and backs off on errors.
(() => {
  const main = document.getElementById("main");
  if (!main || !main.dataset.liveEtag) return;
  const every = Math.max(Number(main.dataset.liveMs) || 1500, 500);
  const slowest = 60000;
  let etag = main.dataset.liveEtag;
  let wait = every;
  let timer = null;
  let stopped = false;
  let busy = false;

  const status = document.createElement("div");
  status.id = "live-status";
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  document.body.appendChild(status);

  // Flash messages and our own notice belong to this page view, not to the server's state.
  const isRegion = (el) => !el.matches(".messages, .live-notice, script, template");
  const regionsOf = (root) => Array.from(root.children).filter(isRegion);
  const keyOf = (el, index) =>
    el.id ? `#${el.id}` : `${el.tagName}:${el.getAttribute("aria-labelledby") || index}`;

  // The CSRF token is masked anew on every render: no change. What only ticks with the
  // clock (data-live-volatile: "waiting 3 min") is updated quietly, never flagged.
  function serverHtml(el, quiet = false) {
    const copy = el.cloneNode(true);
    copy.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach((i) => i.removeAttribute("value"));
    if (!quiet) copy.querySelectorAll("[data-live-volatile]").forEach((v) => v.replaceChildren());
    return copy.outerHTML;
  }
  const rawHtml = (el) => serverHtml(el, true);
  function snapshot(root, of = serverHtml) {
    return new Map(regionsOf(root).map((el, i) => [keyOf(el, i), of(el)]));
  }
  let known = snapshot(main);
  let knownRaw = snapshot(main, rawHtml);

  function isField(el) {
    return el && el.matches && el.matches("input, textarea, select, [contenteditable]");
  }
  function isEditing(region) {
    if (isField(document.activeElement) && region.contains(document.activeElement)) return true;
    for (const field of region.querySelectorAll("input, textarea, select")) {
      if (field.type === "hidden") continue;
      if (field.type === "checkbox" || field.type === "radio") {
        if (field.checked !== field.defaultChecked) return true;
      } else if (field.tagName === "SELECT") {
        for (const option of field.options) if (option.selected !== option.defaultSelected) return true;
      } else if (field.value !== field.defaultValue) return true;
    }
    return false;
  }

  function showNotice(text, withReload) {
    let notice = main.querySelector(".live-notice");
    if (!notice) {
      notice = document.createElement("div");
      notice.className = "live-notice";
      notice.setAttribute("role", "status");
      main.prepend(notice);
    }
    notice.textContent = text + " ";
    if (withReload) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "live-reload";
      button.textContent = main.dataset.liveReload;
      button.addEventListener("click", () => window.location.reload());
      notice.appendChild(button);
    }
  }

  function focusableIndex(region) {
    const active = document.activeElement;
    if (!active || active === document.body || !region.contains(active)) return -1;
    return Array.from(region.querySelectorAll("a, button, [tabindex]")).indexOf(active);
  }

  function swap(region, fresh, quietly = false) {
    const focusAt = focusableIndex(region);
    const incoming = document.importNode(fresh, true);
    region.replaceWith(incoming);
    if (focusAt >= 0) {
      const again = incoming.querySelectorAll("a, button, [tabindex]")[focusAt];
      if (again) again.focus({ preventScroll: true });
    }
    if (window.htmx) window.htmx.process(incoming);
    document.dispatchEvent(new CustomEvent("flagdesk:replaced", { detail: { region: incoming } }));
    if (quietly) return incoming;
    incoming.classList.add("live-changed");
    setTimeout(() => incoming.classList.remove("live-changed"), 2500);
    return incoming;
  }

  function headingOf(region) {
    const heading = region.matches("h1, h2, h3") ? region : region.querySelector("h1, h2, h3");
    return heading ? heading.textContent.trim() : "";
  }

  function announce(regions) {
    const names = regions.map(headingOf).filter(Boolean);
    status.textContent = "";
    // A fresh text node after clearing makes screen readers announce it again.
    setTimeout(() => {
      status.textContent = [main.dataset.liveUpdated, names.join(", ")].filter(Boolean).join(": ");
    }, 50);
  }

  // The notification bell sits in the header, outside <main>: follow its count too.
  function refreshBell(page) {
    const bell = document.getElementById("notification-bell");
    const freshBell = page.getElementById("notification-bell");
    if (!bell || !freshBell || bell.outerHTML === freshBell.outerHTML) return;
    bell.replaceWith(document.importNode(freshBell, true));
  }

  function apply(html) {
    const page = new DOMParser().parseFromString(html, "text/html");
    refreshBell(page);
    const freshMain = page.getElementById("main");
    if (!freshMain) return;
    const fresh = regionsOf(freshMain);
    const current = regionsOf(main);
    const freshKeys = fresh.map(keyOf);
    const sameShape =
      freshKeys.length === current.length && current.every((el, i) => keyOf(el, i) === freshKeys[i]);
    const changed = [];
    let held = false;
    if (sameShape) {
      fresh.forEach((el, i) => {
        if (serverHtml(el) === known.get(freshKeys[i])) {
          // Only the clock moved: refresh it without a cue, unless someone is typing there.
          if (rawHtml(el) !== knownRaw.get(freshKeys[i]) && !isEditing(current[i])) swap(current[i], el, true);
          return;
        }
        if (isEditing(current[i])) held = true;
        else changed.push(swap(current[i], el));
      });
    } else if (current.some(isEditing)) {
      held = true;
    } else {
      // Regions came or went (a panel appears): the whole content is replaced in order.
      current.forEach((el) => el.remove());
      fresh.forEach((el, i) => {
        const incoming = document.importNode(el, true);
        main.appendChild(incoming);
        if (window.htmx) window.htmx.process(incoming);
        document.dispatchEvent(new CustomEvent("flagdesk:replaced", { detail: { region: incoming } }));
        if (known.get(keyOf(el, i)) !== serverHtml(el)) {
          incoming.classList.add("live-changed");
          setTimeout(() => incoming.classList.remove("live-changed"), 2500);
          changed.push(incoming);
        }
      });
    }
    knownRaw = snapshot(freshMain, rawHtml);
    if (!held) known = snapshot(freshMain);
    else {
      // Keep what was shown as "known" for the held regions, so they count as changed later.
      const next = snapshot(freshMain);
      regionsOf(main).forEach((el, i) => {
        if (!changed.includes(el) && isEditing(el)) next.set(keyOf(el, i), known.get(keyOf(el, i)));
      });
      known = next;
      showNotice(main.dataset.liveChanged, true);
    }
    if (changed.length) announce(changed);
  }

  function stop(text) {
    stopped = true;
    clearTimeout(timer);
    showNotice(text, true);
  }

  function schedule(ms) {
    clearTimeout(timer);
    if (!stopped && !document.hidden) timer = setTimeout(poll, ms);
  }

  async function poll() {
    if (busy) return;
    busy = true;
    try {
      const response = await fetch(window.location.pathname + window.location.search, {
        headers: { "X-FlagDesk-Live": "1", "If-None-Match": etag },
        cache: "no-store",
        credentials: "same-origin",
        redirect: "manual",
      });
      if (response.status === 304) {
        wait = every;
      } else if (response.status === 200) {
        etag = response.headers.get("ETag") || etag;
        apply(await response.text());
        wait = every;
      } else if (response.status === 401 || response.status === 409 || response.type === "opaqueredirect") {
        stop(main.dataset.liveEnded);
      } else {
        wait = Math.min(wait * 2, slowest);
      }
    } catch (error) {
      wait = Math.min(wait * 2, slowest); // offline or the server restarts: back off
    } finally {
      busy = false;
    }
    schedule(wait);
  }

  document.addEventListener("visibilitychange", () => {
    if (document.hidden) clearTimeout(timer);
    else schedule(0);
  });
  schedule(every);
})();
