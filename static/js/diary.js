// The diary day page, enhanced: add and repeat tasks without reloading the day, show errors
// beside the fields, and a timer that survives a reload. Without this file every form still
// works as a plain post and redirect. Entries made without a connection wait on the device
// (IndexedDB, below) and a service worker (diary-sw.js) opens the page offline.

import { createStore, del, set, values } from "../vendor/idb-keyval/index.js";

// The offline queue: entries made without a connection, kept in IndexedDB (it survives closing
// the browser) until the server confirms them. Each item is keyed by its client_id, so putting
// the same entry twice keeps one copy, and the server's retry-safe create means sending it
// twice makes one entry. Items carry the id of the person who made them: a page only shows and
// sends its own person's items. Signing out clears the lot (the sign-out answer carries
// Clear-Site-Data: "storage"). It lives in this file rather than a module of its own: one
// request fewer on a diary day's first visit (docs/performance.md).
const store = createStore("pact-diary", "queue");
const OLD_KEY = "pact-diary-queue"; // the localStorage queue of earlier versions

/** Keep an entry until the server confirms it (resolves once the write has committed). */
function put(item) {
  return set(item.client_id, item, store);
}

/** Forget an entry: only after the server saved it, or refused it and the person was told. */
function remove(clientId) {
  return del(clientId, store);
}

/** The owner's waiting entries, oldest first. */
async function waiting(owner) {
  const all = await values(store);
  return all.filter((item) => item.owner === owner).sort((a, b) => a.queued_at - b.queued_at);
}

/** Move entries left in localStorage by an earlier version into IndexedDB, once. */
async function migrateFromLocalStorage(owner) {
  let old;
  try {
    old = JSON.parse(localStorage.getItem(OLD_KEY));
  } catch {
    return 0; // unreadable: leave it as it is rather than lose it
  }
  if (!Array.isArray(old)) return 0;
  const usable = old.filter((item) => item && item.client_id && item.action && item.fields);
  for (const item of usable) await put({ ...item, owner: item.owner || owner });
  localStorage.removeItem(OLD_KEY); // only once every item is safely in IndexedDB
  return usable.length;
}

/** The queue, exported for the browser tests. */
export const queue = { put, remove, waiting, migrateFromLocalStorage };

// The note check the server makes (pact_feedback/diary/validation.py), run before a task is
// kept on the device offline, so a note with an NHS number or a date of birth never waits in
// the queue. The date patterns come from the server (the form's data-note-rules): one list of
// them. The server stays the authority. (Exported for the browser tests.)
/** Ten digits whose Modulus 11 check digit is right (a check digit of 10 is never valid). */
export function isValidNhsNumber(digits) {
  if (!/^\d{10}$/.test(digits)) return false;
  let total = 0;
  for (let i = 0; i < 9; i += 1) total += Number(digits[i]) * (10 - i);
  let check = 11 - (total % 11);
  if (check === 11) check = 0;
  return check !== 10 && check === Number(digits[9]);
}

/** Whether `text` holds a valid NHS number, with or without spaces or hyphens. */
export function hasNhsNumber(text) {
  const candidates = (text || "").matchAll(/(?<!\d)(?:\d[ -]?){9}\d(?!\d)/g);
  for (const match of candidates) {
    if (isValidNhsNumber(match[0].replace(/\D/g, ""))) return true;
  }
  return false;
}

/** The messages the server would give for this note (an empty list when it is fine). */
export function noteErrors(note, rules) {
  if (!note || !rules) return [];
  const errors = [];
  if (hasNhsNumber(note)) errors.push(rules.nhs_message);
  const patterns = rules.patterns.map(({ source, flags }) => new RegExp(source, flags));
  if (patterns.some((pattern) => pattern.test(note))) errors.push(rules.dob_message);
  return errors;
}

const form = document.querySelector("[data-diary-entry]");
const tbody = document.getElementById("diary-entries-body");
const figures = document.getElementById("diary-figures");
const notices = document.getElementById("diary-warnings");
const table = document.getElementById("diary-entries");
const owner = table?.dataset.owner;

function fromHtml(html) {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  return template.content.firstElementChild;
}

function say(messages, kind = "info") {
  if (!notices) return;
  notices.replaceChildren();
  for (const message of messages) {
    const box = document.createElement("div");
    box.className = `nhsuk-inset-text pact-flash pact-flash--${kind}`;
    const text = document.createElement("p");
    text.textContent = message;
    box.append(text);
    notices.append(box);
  }
}

function newClientId() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
    (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16),
  );
}

function clearErrors() {
  form.querySelectorAll(".nhsuk-error-message").forEach((el) => el.remove());
  form.querySelectorAll(".nhsuk-form-group--error").forEach((el) => {
    el.classList.remove("nhsuk-form-group--error");
  });
  form.querySelectorAll(".nhsuk-input--error, .nhsuk-textarea--error").forEach((el) => {
    el.classList.remove("nhsuk-input--error", "nhsuk-textarea--error");
  });
}

function showErrors(errors, extra = []) {
  clearErrors();
  let first = null;
  for (const [name, messages] of Object.entries(errors)) {
    const holder = form.querySelector(`[data-field="${name}"]`);
    if (!holder) continue;
    const group = holder.classList.contains("nhsuk-form-group")
      ? holder
      : holder.querySelector(".nhsuk-form-group") || holder;
    group.classList.add("nhsuk-form-group--error");
    const message = document.createElement("span");
    message.className = "nhsuk-error-message diary-js-error";
    message.id = `${name}-js-error`;
    const hidden = document.createElement("span");
    hidden.className = "nhsuk-u-visually-hidden";
    hidden.textContent = "Error: ";
    message.append(hidden, messages.join(". "));
    const anchor = group.querySelector("legend, label");
    anchor.after(message);
    const details = holder.closest("details");
    if (details) details.open = true;
    const input = form.querySelector(`[name="${name}"]`);
    if (input) {
      if (input.classList.contains("nhsuk-input")) input.classList.add("nhsuk-input--error");
      if (input.classList.contains("nhsuk-textarea")) input.classList.add("nhsuk-textarea--error");
      input.setAttribute("aria-describedby", message.id);
      first = first || input;
    }
  }
  say(["There is a problem: check the messages beside the fields.", ...extra], "error");
  if (first) first.focus();
}

function saved(data) {
  const row = fromHtml(data.row_html);
  row.classList.add("diary-new");
  const existing = document.getElementById(row.id);
  if (existing) existing.replaceWith(row); // a retry answered with the entry already made
  else tbody.append(row);
  document.getElementById("diary-no-entries")?.setAttribute("hidden", "");
  figures.innerHTML = data.figures_html;
  const tally = document.getElementById("diary-tally");
  if (tally && data.tally_html) tally.innerHTML = data.tally_html;
  const repeat = document.querySelector("[data-diary-repeat]");
  const newRepeat = data.repeat_html.trim() ? fromHtml(data.repeat_html) : null;
  if (repeat && newRepeat) repeat.replaceWith(newRepeat);
  else if (!repeat && newRepeat) form.closest("section").querySelector("h2").after(newRepeat);
  if (newRepeat) enhanceRepeat(newRepeat);
  say([`${data.message}.`, ...data.warnings], data.warnings.length ? "info" : "success");
}

async function post(target, body) {
  const response = await fetch(target.action, {
    method: "POST",
    body,
    headers: { Accept: "application/json" },
    credentials: "same-origin",
    redirect: "manual", // a redirect here means the session has ended (to the sign-in page)
  });
  if (response.type === "opaqueredirect") return { status: 0, data: {}, signedOut: true };
  const data = await response.json().catch(() => ({}));
  return { status: response.status, data };
}

function enhanceRepeat(repeatForm) {
  repeatForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const { status, data } = await post(repeatForm, new FormData(repeatForm));
      if (status === 200 || status === 201) saved(data);
      else if (data.errors) say(Object.values(data.errors).flat(), "error");
      else if (data.locked) say([data.locked]);
      else repeatForm.submit();
    } catch {
      if (navigator.onLine) repeatForm.submit();
      else say(["You are offline. Repeat last needs a connection: choose the task below instead."]);
    }
  });
}

// Entries made without a connection wait in IndexedDB (the queue above: it survives closing the
// browser) and are sent when this page is open with a connection: on load and on the `online`
// event. Each keeps its client_id, so sending one twice cannot make two entries; an entry
// leaves the queue only when the server has saved it, or has refused it and the page has said
// why (and, for this day, put it back in the form).
const PAGES = "pact-diary-pages"; // this person's own day pages (diary-sw.js reads them)
const ASSETS = "pact-diary-assets";
const PAGES_OWNER = "pact-diary-pages-owner";
const addAction = form?.action;

function pendingRow(item) {
  const row = document.createElement("tr");
  row.className = "nhsuk-table__row diary-pending";
  row.dataset.clientId = item.client_id;
  const cell = document.createElement("td");
  cell.className = "nhsuk-table__cell";
  cell.colSpan = 4;
  cell.textContent = `Waiting to send: ${item.label}. It will be saved when you are back online.`;
  row.append(cell);
  return row;
}

function showPending(item) {
  tbody.querySelector(`[data-client-id="${item.client_id}"]`)?.remove();
  tbody.append(pendingRow(item));
  document.getElementById("diary-no-entries")?.setAttribute("hidden", "");
}

function fieldsOf(target) {
  const fields = [];
  for (const [name, value] of new FormData(target)) {
    if (name !== "csrf_token") fields.push([name, value]);
  }
  return fields;
}

function withToken(fields, token) {
  const body = new FormData();
  body.append("csrf_token", token);
  for (const [name, value] of fields) body.append(name, value);
  return body;
}

const currentToken = () => document.querySelector('[name="csrf_token"]')?.value || "";

function useToken(token) {
  document.querySelectorAll('[name="csrf_token"]').forEach((input) => {
    input.value = token;
  });
}

// Fetches this page again: keeps the copy for offline use and answers its fresh CSRF token
// (a page opened from that copy may hold the token of an earlier session).
async function refreshPage() {
  let response;
  try {
    response = await fetch(location.pathname, {
      credentials: "same-origin",
      redirect: "manual",
      headers: { Accept: "text/html" },
    });
  } catch {
    return { offline: true };
  }
  if (response.type === "opaqueredirect") return { signedOut: true };
  if (!response.ok) return {};
  const html = await response.clone().text();
  if ("caches" in window) {
    await caches.open(PAGES).then((cache) => cache.put(location.pathname, response));
  }
  const page = new DOMParser().parseFromString(html, "text/html");
  return { token: page.querySelector('[name="csrf_token"]')?.value };
}

// One outcome per waiting entry: saved, refused (with the server's reasons), expired (the
// form token: try once more with a fresh one), signedOut, offline, or later (keep it).
async function send(item, token) {
  let result;
  try {
    result = await post({ action: item.action }, withToken(item.fields, token));
  } catch {
    return { outcome: "offline" };
  }
  const { status, data } = result;
  if (result.signedOut) return { outcome: "signedOut" };
  if ((status === 200 || status === 201) && data.id) return { outcome: "saved", data };
  if ((status === 422 && data.errors) || (status === 409 && data.locked) || status === 404) {
    return { outcome: "refused", status, data };
  }
  if (status === 400) return { outcome: "expired" };
  return { outcome: "later" };
}

function typed(item) {
  const value = (name) => item.fields.find(([field]) => field === name)?.[1];
  const minutes = value("minutes") || value("duration");
  const note = value("note");
  return [minutes ? `${minutes} minutes` : "", note ? `note: "${note}"` : ""].filter(Boolean).join(", ");
}

function refusal(item, status, data) {
  const what = typed(item);
  const task = `Not saved: ${item.label}${what ? ` (${what})` : ""}.`;
  if (status === 422) return `${task} ${Object.values(data.errors).flat().join(". ")}.`;
  if (status === 409) return `${task} ${data.locked}`;
  if (status === 404) return `${task} Its diary day no longer exists.`;
  return `${task} The service could not read it: add it again.`;
}

function refill(item) {
  for (const [name, value] of item.fields) {
    const input = form.querySelector(`[name="${name}"]`);
    if (!input) continue;
    if (input.type === "radio" || input.type === "checkbox") {
      const option = form.querySelector(`[name="${name}"][value="${CSS.escape(value)}"]`);
      if (option) option.checked = true;
    } else {
      input.value = value;
    }
  }
}

async function sendWaiting() {
  if (!owner || !navigator.onLine) return;
  let token = currentToken();
  let sent = 0;
  const refused = [];
  for (const item of await queue.waiting(owner)) {
    let result = await send(item, token);
    if (result.outcome === "expired") {
      const fresh = await refreshPage();
      if (fresh.token) {
        token = fresh.token;
        useToken(token);
        result = await send(item, token);
        if (result.outcome === "expired") result = { outcome: "refused", status: 400, data: {} };
      } else {
        result = { outcome: fresh.signedOut ? "signedOut" : "later" };
      }
    }
    if (result.outcome === "signedOut") {
      const count = (await queue.waiting(owner)).length;
      say([
        `Your session has ended. Reload this page and sign in again to send the ${count === 1 ? "task" : `${count} tasks`} kept on this device.`,
      ]);
      return;
    }
    if (result.outcome === "offline" || result.outcome === "later") break; // keep: try later
    await queue.remove(item.client_id);
    const mine = item.action === addAction;
    if (mine) tbody.querySelector(`[data-client-id="${item.client_id}"]`)?.remove();
    if (result.outcome === "saved") {
      sent += 1;
      if (mine) saved(result.data);
    } else {
      refused.push({ item, status: result.status, data: result.data });
    }
  }
  if (refused.length) {
    const messages = refused.map(({ item, status, data }) => refusal(item, status, data));
    // The first entry refused for this day goes back in the form, reasons beside the fields.
    const back = refused.find(({ item, status }) => item.action === addAction && status === 422);
    if (back) {
      refill(back.item);
      showErrors(back.data.errors, messages);
    } else {
      say(messages, "error");
    }
  } else if (sent > 1) {
    say([`${sent} tasks kept on this device have been sent and saved.`], "success");
  }
  if (sent) saveCopySoon();
}

let flushing = null;

/** Send the waiting entries, one sender at a time across this person's open tabs. */
function flush() {
  if (!flushing) {
    const work = () => sendWaiting().catch(() => {});
    flushing = (navigator.locks ? navigator.locks.request("pact-diary-queue", work) : work())
      .finally(() => {
        flushing = null;
      });
  }
  return flushing;
}

// The offline copy: the service worker, this page as it is now, and what it loaded.
let copyTimer = null;

function saveCopySoon() {
  clearTimeout(copyTimer);
  copyTimer = setTimeout(() => refreshPage().catch(() => {}), 1500);
}

async function saveAssets() {
  const cache = await caches.open(ASSETS);
  const urls = performance
    .getEntriesByType("resource")
    .map((entry) => new URL(entry.name))
    .filter((url) => url.origin === location.origin && url.pathname.startsWith("/assets/"))
    .map((url) => url.href);
  // The page has just loaded them: copy them from the browser's cache ("force-cache") rather
  // than asking the server again. Their URLs are fingerprinted, so the copy cannot be stale.
  for (const url of new Set(urls)) {
    if (await cache.match(url)) continue;
    await cache.add(new Request(url, { cache: "force-cache" })).catch(() => {});
  }
}

async function prepareOffline() {
  const script = table?.dataset.serviceWorker;
  if (!script || !owner || !("serviceWorker" in navigator) || !("caches" in window)) return;
  // Copies of someone else's pages (signed in here before, and never signed out) go.
  let copied = Boolean(navigator.serviceWorker.controller); // the worker kept this page
  if (localStorage.getItem(PAGES_OWNER) !== owner) {
    await caches.delete(PAGES);
    localStorage.setItem(PAGES_OWNER, owner);
    copied = false;
  }
  await navigator.serviceWorker.register(script);
  if (navigator.onLine) {
    // Only the first visit on this device (no worker yet) fetches the page again to keep it.
    if (!copied) {
      const fresh = await refreshPage();
      if (fresh.token) useToken(fresh.token);
    }
    await saveAssets();
  }
  await navigator.serviceWorker.ready;
  table.dataset.offlineReady = "true";
}

async function startQueue() {
  await queue.migrateFromLocalStorage(owner);
  for (const item of await queue.waiting(owner)) {
    if (item.action === addAction) showPending(item);
  }
  window.addEventListener("online", () => {
    flush();
    saveCopySoon();
  });
  await flush();
}

// Signing out deletes what waits on this device: say so, and ask, while entries are unsent.
const signOut = document.querySelector("form.pact-signout");
if (signOut && owner) {
  signOut.addEventListener("submit", async (event) => {
    event.preventDefault();
    let count = 0;
    try {
      await flush();
      count = (await queue.waiting(owner)).length;
    } catch {
      count = 0;
    }
    const them = count === 1 ? "1 task has" : `${count} tasks have`;
    const question = `${them} not been sent yet. Signing out deletes ${count === 1 ? "it" : "them"} from this device. Sign out anyway?`;
    if (!count || window.confirm(question)) signOut.submit();
  });
}

if (form && tbody) {
  const clientId = form.querySelector('[name="client_id"]');
  const resetForm = () => {
    const keep = form.querySelector('[name="csrf_token"]').value;
    form.reset();
    form.querySelector('[name="csrf_token"]').value = keep;
    clientId.value = "";
  };
  const noteRules = JSON.parse(form.dataset.noteRules || "null");
  const keepOnDevice = async (why) => {
    // What the server would refuse never waits on the device: say why, beside the note.
    const refused = noteErrors(form.querySelector('[name="note"]')?.value, noteRules);
    if (refused.length) {
      showErrors({ note: refused }, ["This task was not kept on the device."]);
      return;
    }
    const chosen = form.querySelector('[name="category_id"]:checked');
    const item = {
      client_id: clientId.value,
      owner,
      action: form.action,
      fields: fieldsOf(form),
      label: chosen ? chosen.dataset.label : "a task",
      queued_at: Date.now(),
    };
    try {
      await queue.put(item);
    } catch {
      say(["This task could not be kept on this device. Note it down and add it when you are back online."], "error");
      return;
    }
    showPending(item);
    clearErrors();
    resetForm();
    say([why]);
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    // One id per entry: a retry after a lost answer cannot make a duplicate.
    if (!clientId.value) clientId.value = newClientId();
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      const { status, data, signedOut } = await post(form, new FormData(form));
      if (status === 200 || status === 201) {
        clearErrors();
        saved(data);
        resetForm();
        form.querySelector('[name="category_id"]')?.focus();
        saveCopySoon();
      } else if (status === 422 && data.errors) {
        showErrors(data.errors);
      } else if (status === 409 && data.locked) {
        say([data.locked]);
      } else if (signedOut) {
        await keepOnDevice(
          "Your session has ended. This task is kept on this device: reload this page and sign in again to send it.",
        );
      } else {
        form.submit();
      }
    } catch {
      // No connection: keep the entry and send it later.
      await keepOnDevice(
        "You are offline. This task is kept on this device and will be sent when you are back online.",
      );
    } finally {
      button.disabled = false;
    }
  });
  const repeat = document.querySelector("[data-diary-repeat]");
  if (repeat) enhanceRepeat(repeat);
  // A quick duration and typed minutes are alternatives: choosing one clears the other.
  const minutesInput = form.querySelector('[name="minutes"]');
  form.querySelectorAll('[name="duration"]').forEach((radio) => {
    radio.addEventListener("change", () => {
      minutesInput.value = "";
    });
  });
  minutesInput.addEventListener("input", () => {
    if (minutesInput.value) {
      form.querySelectorAll('[name="duration"]').forEach((radio) => {
        radio.checked = false;
      });
    }
  });
}

if (tbody && owner) {
  startQueue().catch(() => say(["Tasks kept on this device cannot be read in this browser."], "error"));
  prepareOffline().catch(() => {}); // a bonus: the page works online without it
}

// Finding a task by typing: the list narrows to the tasks whose code, name or description
// holds what was typed ("res" finds B1 Test results); Enter chooses the first one and moves on
// to the durations.
const search = document.querySelector("[data-diary-search]");
if (search && form) {
  const input = search.querySelector("input");
  const count = document.getElementById("diary-search-count");
  const all = form.querySelector("[data-diary-all]");
  const recentGroup = form.querySelector("[data-diary-recent]");
  const choices = [...all.querySelectorAll(".diary-choice")];
  const groups = [...all.querySelectorAll(".diary-group")];
  const shown = () => choices.filter((choice) => !choice.hidden);
  input.addEventListener("input", () => {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    for (const choice of choices) {
      choice.hidden = !words.every((word) => choice.dataset.search.includes(word));
    }
    for (const group of groups) group.hidden = !group.querySelector(".diary-choice:not([hidden])");
    if (recentGroup) recentGroup.hidden = words.length > 0;
    if (words.length) all.open = true;
    const found = shown().length;
    count.textContent = words.length ? `${found} task${found === 1 ? "" : "s"} found` : "";
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && input.value) {
      input.value = "";
      input.dispatchEvent(new Event("input"));
    }
    if (event.key !== "Enter") return;
    event.preventDefault(); // Enter chooses a task here; it does not send the form
    const first = shown()[0]?.querySelector("input");
    if (!input.value || !first) return;
    first.checked = true;
    const duration = form.querySelector('[name="duration"]:checked, [name="duration"]');
    duration?.focus();
    say([`Chosen: ${first.dataset.label}. Now choose how long it took.`]);
  });
  // Type-ahead on the task list: a letter or digit typed while one of the tasks has focus goes
  // to the search box. Only there (WCAG 2.1.4: no page-wide single-key shortcut).
  form.addEventListener("keydown", (event) => {
    const task = event.target.closest?.('input[name="category_id"]');
    if (!task || event.key.length !== 1 || !/[\p{L}\p{N}]/u.test(event.key)) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    event.preventDefault();
    input.focus();
    input.value += event.key;
    input.dispatchEvent(new Event("input"));
  });
  form.addEventListener("reset", () => setTimeout(() => input.dispatchEvent(new Event("input"))));
  search.hidden = false;
}

// The timer: its start time is kept in localStorage, so a reload (or a closed tab) keeps it.
const timer = document.getElementById("diary-timer");
if (timer && form) {
  const key = `pact-diary-timer-${timer.dataset.day}`;
  const display = document.getElementById("diary-timer-time");
  const start = document.getElementById("diary-timer-start");
  const stop = document.getElementById("diary-timer-stop");
  const adjust = document.getElementById("diary-timer-adjust");
  const ago = document.getElementById("diary-timer-ago");
  const move = document.getElementById("diary-timer-move");
  let tick = null;

  const started = () => Number(localStorage.getItem(key)) || null;
  const pad = (n) => String(n).padStart(2, "0");

  function render() {
    const since = started();
    start.hidden = Boolean(since);
    stop.hidden = !since;
    adjust.hidden = !since;
    if (!since) {
      display.textContent = "not running";
      return;
    }
    const seconds = Math.max(0, Math.floor((Date.now() - since) / 1000));
    const at = new Date(since);
    display.textContent = `${Math.floor(seconds / 60)} min ${pad(seconds % 60)} s (since ${pad(at.getHours())}:${pad(at.getMinutes())})`;
  }

  function run() {
    clearInterval(tick);
    render();
    if (started()) tick = setInterval(render, 1000);
  }

  start.addEventListener("click", () => {
    localStorage.setItem(key, String(Date.now()));
    run();
    stop.focus();
  });
  move.addEventListener("click", () => {
    const minutes = Number.parseInt(ago.value, 10);
    if (Number.isNaN(minutes) || minutes < 0 || minutes > 720) {
      ago.setCustomValidity("Enter a number of minutes from 0 to 720");
      ago.reportValidity();
      return;
    }
    ago.setCustomValidity("");
    localStorage.setItem(key, String(Date.now() - minutes * 60000));
    ago.value = "";
    run();
  });
  stop.addEventListener("click", () => {
    const since = started();
    if (!since) return;
    const minutes = Math.min(720, Math.max(1, Math.round((Date.now() - since) / 60000)));
    const at = new Date(since);
    form.querySelectorAll('[name="duration"]').forEach((radio) => {
      radio.checked = false;
    });
    form.querySelector('[name="minutes"]').value = String(minutes);
    if (at.toDateString() === new Date().toDateString()) {
      form.querySelector('[name="started_at"]').value = `${pad(at.getHours())}:${pad(at.getMinutes())}`;
      form.querySelector('[name="ended_at"]').value = "";
    }
    localStorage.removeItem(key);
    run();
    say([`Timer stopped: ${minutes} minutes. Choose the task and add it.`]);
    form.querySelector('[name="category_id"]:checked, [name="category_id"]')?.focus();
  });
  timer.hidden = false;
  run();
}
