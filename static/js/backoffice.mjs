// The back office's safety nets, on every admin page (templates/admin/base_site.html):
//
// 1. Drafts of long texts. What is typed in a text area (the rich-text editors write to theirs) is kept in
//    this browser's localStorage, per person and page, while typing. When the page is opened again and the
//    text on it differs, the draft is offered back; when it is the same (it was saved), the draft is dropped.
// 2. A form sent after the session ended. The form's fields are kept in this browser when it is sent; if the
//    server answers with the sign-in page for that form's address, the sign-in page says the work is kept,
//    and once the same person is signed in again the form is filled in as they left it. Files cannot be
//    kept (a browser never lets a page choose a file for someone): the page names the fields to choose again.
// 3. A warning before the idle timeout (SESSION_IDLE_SECONDS), with a button that renews the session. Typing
//    on a page renews it quietly too; tabs share the time of the last renewal.
//
// Nothing is sent anywhere: it all stays in this browser, for a week at most, and signing out clears it.

const config = readConfig();
const PREFIX = "lscb-backoffice:";
const PENDING_KEY = `${PREFIX}pending`;
const ACTIVITY_KEY = `${PREFIX}renewed-at`;
const DRAFT_PREFIX = `${PREFIX}draft:`;
const DRAFTS_KEPT_MS = 7 * 24 * 3600 * 1000;
const PENDING_KEPT_MS = 24 * 3600 * 1000;
const SAVE_DELAY_MS = 800;
const SKIPPED_NAMES = new Set(["csrfmiddlewaretoken"]);
const MANAGEMENT = /-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$/;

function readConfig() {
  const element = document.getElementById("lscb-backoffice");
  try {
    return element ? JSON.parse(element.textContent) : null;
  } catch {
    return null;
  }
}

// --- Storage (private browsing or a full quota must never break a page) --------------------------------

function load(key) {
  try {
    const raw = window.localStorage.getItem(key);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

function store(key, value) {
  try {
    window.localStorage.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

function forget(key) {
  try {
    window.localStorage.removeItem(key);
  } catch {
    /* nothing kept */
  }
}

function storedKeys() {
  try {
    return Object.keys(window.localStorage).filter((key) => key.startsWith(PREFIX));
  } catch {
    return [];
  }
}

function draftKey(user, path) {
  return `${DRAFT_PREFIX}${user}:${path}`;
}

function dropOldDrafts(now) {
  for (const key of storedKeys()) {
    if (!key.startsWith(DRAFT_PREFIX)) continue;
    const draft = load(key);
    if (!draft || now - (draft.savedAt || 0) > DRAFTS_KEPT_MS) forget(key);
  }
}

// --- Forms ---------------------------------------------------------------------------------------------

const isSignInPage = () => document.body.classList.contains("login");

function workForms() {
  return [...document.querySelectorAll("#content form[method=post], #content form[method=POST]")].filter(
    (form) =>
      form.id !== "logout-form" &&
      form.dataset.keepWork !== "off" &&
      !form.querySelector("input[type=password]"),
  );
}

function formPath(form) {
  return new URL(form.getAttribute("action") || window.location.href, window.location.href).pathname;
}

function fieldLabel(field) {
  const element = field instanceof RadioNodeList ? field[0] : field;
  const label = element?.id ? document.querySelector(`label[for="${CSS.escape(element.id)}"]`) : null;
  const text = (label?.textContent || element?.name || "").replace(/:\s*$/, "").trim();
  const row = element?.closest(".inline-related");
  const rowTitle = row?.querySelector(".inline_label")?.textContent.trim();
  return rowTitle ? `${rowTitle}: ${text}` : text;
}

// Everything the form would send, with what a value looks like to a person (for choices) and the
// checkboxes left unticked (a form does not send those).
function capture(form) {
  const fields = [];
  const unticked = [];
  const files = [];
  for (const element of form.elements) {
    const { name, type } = element;
    if (!name || element.disabled || SKIPPED_NAMES.has(name) || type === "password") continue;
    if (type === "file") {
      if (element.files && element.files.length) files.push(name);
    } else if (type === "checkbox" || type === "radio") {
      if (element.checked) fields.push([name, element.value]);
      else if (type === "checkbox") unticked.push(name);
    } else if (element.tagName === "SELECT") {
      for (const option of element.selectedOptions) fields.push([name, option.value, option.textContent.trim()]);
    } else if (type !== "submit" && type !== "button" && type !== "reset") {
      fields.push([name, element.value]);
    }
  }
  return { fields, unticked, files };
}

// The editor (TipTap) an editable area belongs to; the editor's menus reuse the ProseMirror class.
function editorOf(textarea) {
  const areas = textarea.closest(".prose-editor")?.querySelectorAll(".ProseMirror") || [];
  return [...areas].find((area) => area.editor)?.editor || null;
}

const wanted = new WeakMap(); // text areas whose editor may start after their text was put back

document.addEventListener("prose-editor:ready", (event) => {
  const { editor, textarea } = event.detail || {};
  if (editor && textarea && wanted.has(textarea)) editor.commands.setContent(wanted.get(textarea));
});

function setText(element, value) {
  element.value = value;
  if (element.tagName === "TEXTAREA") {
    wanted.set(element, value);
    editorOf(element)?.commands.setContent(value);
  }
}

function announce(element) {
  element.dispatchEvent(new Event("input", { bubbles: true }));
  element.dispatchEvent(new Event("change", { bubbles: true }));
  window.django?.jQuery?.(element).trigger("change");
}

// Put ``values`` (all the values sent under one name) back into the form's field(s) of that name.
function putBack(form, name, values) {
  const field = form.elements.namedItem(name);
  if (!field) return false;
  const elements = field instanceof RadioNodeList ? [...field] : [field];
  const first = elements[0];
  if (first.type === "hidden" || first.type === "file") return true;
  if (first.type === "checkbox" || first.type === "radio") {
    for (const element of elements) element.checked = values.some(([value]) => value === element.value);
    announce(first);
    return true;
  }
  if (first.tagName === "SELECT") {
    for (const [value, text] of values) {
      if (![...first.options].some((option) => option.value === value)) first.add(new Option(text || value, value));
    }
    for (const option of first.options) option.selected = values.some(([value]) => value === option.value);
    announce(first);
    return true;
  }
  if (first.value !== values[0][0]) reveal(first);
  setText(first, values[0][0]);
  announce(first);
  return true;
}

// Open the folded rows (<details>) around a field whose text is put back, so the change can be seen.
function reveal(field) {
  for (let fold = field.closest("details"); fold; fold = fold.parentElement.closest("details")) fold.open = true;
}

// Add inline rows (articles, amendments…) until each formset has as many as were sent. A group's own "add"
// link is the one whose nearest group it is (django-nested-admin puts groups inside rows).
function growFormsets(form, fields) {
  for (const [name, value] of fields) {
    if (!name.endsWith("-TOTAL_FORMS")) continue;
    const prefix = name.slice(0, -"-TOTAL_FORMS".length);
    const total = form.elements.namedItem(name);
    const group = document.getElementById(`${prefix}-group`);
    const links = group ? group.querySelectorAll(".add-row a, a.djn-add-handler") : [];
    const add = [...links].find((link) => link.closest('[id$="-group"]') === group);
    let missing = Number(value) - Number(total?.value || 0);
    while (add && missing > 0) {
      add.click();
      missing -= 1;
    }
  }
}

function restore(form, kept) {
  growFormsets(form, kept.fields);
  const byName = new Map();
  for (const [name, value, text] of kept.fields) {
    if (MANAGEMENT.test(name)) continue;
    if (!byName.has(name)) byName.set(name, []);
    byName.get(name).push([value, text]);
  }
  const missing = [];
  for (const [name, values] of byName) if (!putBack(form, name, values)) missing.push(name);
  for (const name of kept.unticked || []) {
    const box = form.elements.namedItem(name);
    if (box && box.type === "checkbox") box.checked = false;
  }
  return missing;
}

// --- Notices -------------------------------------------------------------------------------------------

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

function showNotice(...children) {
  const notice = element("div", { class: "lscb-keep", role: "status", tabindex: "-1" }, ...children);
  const content = document.getElementById("content") || document.body;
  const heading = content.querySelector(":scope > h1");
  if (heading) heading.after(notice);
  else content.prepend(notice);
  return notice;
}

function when(timestamp) {
  return new Date(timestamp).toLocaleString("en-GB", {
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  });
}

function filesNote(form, names) {
  if (!names.length) return [];
  const labels = names.map((name) => {
    const field = form?.elements.namedItem(name);
    if (field && !(field instanceof RadioNodeList)) {
      field.after(element("span", { class: "lscb-keep-file", text: "Choose this file again: it was not kept." }));
    }
    return field ? fieldLabel(field) : name;
  });
  return [element("p", { text: `Files cannot be kept: choose them again (${labels.join("; ")}).` })];
}

// --- 2. A form sent after the session ended -------------------------------------------------------------

function nextPath() {
  const next = new URLSearchParams(window.location.search).get("next");
  if (!next) return null;
  try {
    return new URL(next, window.location.origin).pathname;
  } catch {
    return null;
  }
}

function onSignInPage(pending) {
  if (!pending || pending.path !== nextPath()) return;
  if (!pending.interrupted) {
    pending.interrupted = true;
    store(PENDING_KEY, pending);
  }
  showNotice(
    element("p", {
      text:
        "You were signed out before your changes were saved. They are kept in this browser: " +
        "sign in again and you will find the page as you left it.",
    }),
    ...(pending.files.length ? [element("p", { text: "Files you chose cannot be kept: choose them again." })] : []),
  );
}

// Returns the form that was filled in again, if any.
function onWorkPage(pending, forms) {
  if (!pending) return null;
  const here = window.location.pathname;
  if (pending.interrupted) {
    // Kept for its owner and its page, until the form is sent again (or a day has passed).
    if (pending.user !== config.user || pending.path !== here) return null;
    const form = forms.find((candidate) => formPath(candidate) === here) || forms[0];
    if (!form) return null;
    const missing = restore(form, pending);
    const notice = showNotice(
      element("p", {
        text:
          `You were signed out at ${when(pending.at)} before this page was saved. ` +
          "What you had typed has been put back: check it, then save.",
      }),
      ...filesNote(form, pending.files),
      ...(missing.length
        ? [element("p", { text: `Some fields could not be filled in again (${missing.join(", ")}).` })]
        : []),
    );
    notice.focus();
    return form;
  }
  // The form reached the server. Another page now, or the same page without errors ("Save and continue
  // editing"), means it was saved: its draft is done with.
  const saved = pending.path !== here || !document.querySelector(".errornote, .errorlist, .messagelist .error");
  if (saved && pending.user === config.user) forget(draftKey(pending.user, pending.path));
  forget(PENDING_KEY);
  return null;
}

// --- 1. Drafts of long texts ---------------------------------------------------------------------------

function watchDrafts(form, restored) {
  const key = draftKey(config.user, formPath(form));
  let timer = null;
  const save = () => {
    timer = null;
    const fields = {};
    for (const area of form.querySelectorAll("textarea[name]")) {
      if (!area.name.includes("__prefix__") && area.value.trim()) fields[area.name] = area.value;
    }
    if (Object.keys(fields).length) store(key, { savedAt: Date.now(), fields });
  };
  form.addEventListener("input", (event) => {
    if (event.target.tagName !== "TEXTAREA") return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, SAVE_DELAY_MS);
  });
  form.addEventListener("submit", () => {
    if (timer) {
      clearTimeout(timer);
      save();
    }
    const sent = capture(form);
    const pending = { user: config.user, path: formPath(form), at: Date.now(), ...sent };
    if (!store(PENDING_KEY, pending)) store(PENDING_KEY, { ...pending, fields: [] });
  });
  if (restored) save(); // what was put back is the draft now, should the page be reloaded before saving
  else offerDraft(form, key);
}

// The server cleans what it saves (link attributes, heading anchors), so a saved text and its draft are
// compared by their words.
function sameWords(a, b) {
  if (a === b) return true;
  const words = (text) =>
    (new DOMParser().parseFromString(text, "text/html").body.textContent || "").replace(/\s+/g, " ").trim();
  return words(a) === words(b);
}

function offerDraft(form, key) {
  const draft = load(key);
  if (!draft || !draft.fields) return;
  const differing = Object.entries(draft.fields).filter(([name, value]) => {
    const field = form.elements.namedItem(name);
    return field && field.tagName === "TEXTAREA" && !sameWords(field.value, value);
  });
  if (!differing.length) {
    forget(key); // what is on the page is what was typed: it was saved
    return;
  }
  const names = differing.map(([name]) => fieldLabel(form.elements.namedItem(name))).join("; ");
  const putBackButton = element("button", { type: "button", class: "button default", text: "Put the text back" });
  const discardButton = element("button", { type: "button", class: "button", text: "Discard it" });
  const notice = showNotice(
    element("p", { text: `Text you typed on this page at ${when(draft.savedAt)} was not saved: ${names}.` }),
    element("div", { class: "lscb-keep__actions" }, putBackButton, discardButton),
  );
  putBackButton.addEventListener("click", () => {
    for (const [name, value] of differing) {
      const field = form.elements.namedItem(name);
      reveal(field);
      setText(field, value);
      announce(field);
    }
    notice.replaceChildren(element("p", { text: "The text is back. Check it, then save." }));
    notice.focus();
  });
  discardButton.addEventListener("click", () => {
    forget(key);
    notice.replaceChildren(element("p", { text: "The unsaved text was discarded." }));
    notice.focus();
  });
}

function forgetEverythingOnSignOut() {
  document.getElementById("logout-form")?.addEventListener("submit", () => {
    for (const key of storedKeys()) {
      if (key.startsWith(draftKey(config.user, "")) || key === PENDING_KEY) forget(key);
    }
  });
}

// --- 3. The idle-timeout warning -----------------------------------------------------------------------

function csrfToken() {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (input) return input.value;
  const cookie = document.cookie.split("; ").find((part) => /^(__Host-)?csrftoken=/.test(part));
  return cookie ? cookie.split("=")[1] : "";
}

function watchIdleTime(forms) {
  const idleMs = config.idleSeconds * 1000;
  const warnMs = Math.min(5 * 60 * 1000, idleMs / 4);
  let renewedAt = Date.now();
  let typedAt = 0;
  let dialog = null;
  store(ACTIVITY_KEY, renewedAt);

  const lastRenewal = () => Math.max(renewedAt, Number(load(ACTIVITY_KEY)) || 0);
  const minutesLeft = () => Math.max(1, Math.ceil((lastRenewal() + idleMs - Date.now()) / 60000));
  const signInUrl = () => `${config.loginUrl}?${new URLSearchParams({ next: window.location.pathname })}`;

  let shown = null; // "warning" or "expired" while the dialog is open

  function close() {
    if (dialog?.open) dialog.close();
    shown = null;
  }

  function warningText() {
    const minutes = minutesLeft();
    return (
      "Nothing has been saved or opened for a while. You will be signed out in about " +
      `${minutes} minute${minutes === 1 ? "" : "s"}, to keep the board's information safe. ` +
      "What you typed on this page is kept in this browser."
    );
  }

  function signInAgainLink() {
    const again = element("a", { class: "button default", href: signInUrl(), text: "Sign in again" });
    again.addEventListener("click", (event) => {
      // Keep the whole form, as if it had been sent, so that signing in again brings it all back.
      const form = forms.find((candidate) => formPath(candidate) === window.location.pathname);
      if (!form) return;
      event.preventDefault();
      const path = window.location.pathname;
      store(PENDING_KEY, { user: config.user, path, at: Date.now(), interrupted: true, ...capture(form) });
      window.location.assign(signInUrl());
    });
    return again;
  }

  function open(state) {
    if (shown === state) {
      if (state === "warning") dialog.querySelector("#lscb-timeout-text").textContent = warningText();
      return;
    }
    if (!dialog) {
      dialog = element("dialog", {
        class: "lscb-timeout",
        "aria-labelledby": "lscb-timeout-title",
        "aria-describedby": "lscb-timeout-text",
      });
      dialog.addEventListener("close", () => {
        shown = null;
      });
      document.body.append(dialog);
    }
    if (state === "expired") {
      dialog.replaceChildren(
        element("h2", { id: "lscb-timeout-title", text: "You have been signed out" }),
        element("p", {
          id: "lscb-timeout-text",
          text:
            "Nothing was saved or opened for a while, so you were signed out. What you typed on this page " +
            "is kept in this browser: sign in again to carry on.",
        }),
        element("div", { class: "lscb-keep__actions" }, signInAgainLink()),
      );
    } else {
      const stay = element("button", { type: "button", class: "button default", text: "Stay signed in" });
      stay.addEventListener("click", () => renew(true));
      dialog.replaceChildren(
        element("h2", { id: "lscb-timeout-title", text: "You will be signed out soon" }),
        element("p", { id: "lscb-timeout-text", text: warningText() }),
        element("div", { class: "lscb-keep__actions" }, stay),
      );
    }
    shown = state;
    if (!dialog.open) dialog.showModal();
    dialog.querySelector("button, a")?.focus();
  }

  async function renew(asked) {
    try {
      const response = await fetch(config.keepAliveUrl, {
        method: "POST",
        credentials: "same-origin",
        redirect: "manual",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      });
      if (!response.ok) throw new Error(`keep-alive answered ${response.status || response.type}`);
      renewedAt = Date.now();
      store(ACTIVITY_KEY, renewedAt);
      close();
    } catch {
      if (asked || lastRenewal() + idleMs <= Date.now()) open("expired");
    }
  }

  function check() {
    const left = lastRenewal() + idleMs - Date.now();
    if (left <= 0) return open("expired");
    if (typedAt > lastRenewal() && left < idleMs / 2) return renew(false);
    if (left <= warnMs) return open("warning");
    return shown ? close() : undefined;
  }

  document.addEventListener("input", () => {
    typedAt = Date.now();
  });
  window.setInterval(check, Math.min(30000, Math.max(1000, warnMs / 4)));
}

// --- Start ---------------------------------------------------------------------------------------------

function start() {
  const now = Date.now();
  dropOldDrafts(now);
  let pending = load(PENDING_KEY);
  if (pending && now - (pending.at || 0) > PENDING_KEPT_MS) {
    forget(PENDING_KEY);
    pending = null;
  }
  if (isSignInPage()) {
    onSignInPage(pending);
    return;
  }
  if (!config.user) return;
  const forms = workForms();
  const restored = onWorkPage(pending, forms);
  for (const form of forms) watchDrafts(form, form === restored);
  forgetEverythingOnSignOut();
  if (config.idleSeconds > 0) watchIdleTime(forms);
}

// After the admin's own scripts have set up the page (inline rows' "add" links, editors): they start when
// the document is ready, some of them a moment later.
if (config) {
  const later = () => window.setTimeout(start, 0);
  if (document.readyState === "complete") later();
  else window.addEventListener("load", later, { once: true });
}
