// The diary day page, enhanced: add and repeat tasks without reloading the day, show errors
// beside the fields, and a timer that survives a reload. Without this file every form still
// works as a plain post and redirect.

const form = document.querySelector("[data-diary-entry]");
const tbody = document.getElementById("diary-entries-body");
const figures = document.getElementById("diary-figures");
const notices = document.getElementById("diary-warnings");

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

function showErrors(errors) {
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
  say(["There is a problem: check the messages beside the fields."], "error");
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
  const repeat = document.querySelector("[data-diary-repeat]");
  const newRepeat = data.repeat_html.trim() ? fromHtml(data.repeat_html) : null;
  if (repeat && newRepeat) repeat.replaceWith(newRepeat);
  else if (!repeat && newRepeat) form.closest("section").querySelector("#diary-warnings").after(newRepeat);
  if (newRepeat) enhanceRepeat(newRepeat);
  say([`${data.message}.`, ...data.warnings], data.warnings.length ? "info" : "success");
}

async function post(target, body) {
  const response = await fetch(target.action, {
    method: "POST",
    body,
    headers: { Accept: "application/json" },
    credentials: "same-origin",
  });
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
      repeatForm.submit();
    }
  });
}

// Entries made without a connection wait in localStorage (it survives a browser restart) and
// are sent when the page is next open with a connection. Each keeps its client_id, so sending
// twice cannot make two entries; an entry leaves the queue only when the server confirms it.
const QUEUE = "pact-diary-queue";

function queued() {
  try {
    return JSON.parse(localStorage.getItem(QUEUE)) || [];
  } catch {
    return [];
  }
}

function saveQueue(items) {
  localStorage.setItem(QUEUE, JSON.stringify(items));
}

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

function fieldsOf(target) {
  const fields = [];
  for (const [name, value] of new FormData(target)) {
    if (name !== "csrf_token") fields.push([name, value]);
  }
  return fields;
}

function withToken(fields) {
  const body = new FormData();
  body.append("csrf_token", form.querySelector('[name="csrf_token"]').value);
  for (const [name, value] of fields) body.append(name, value);
  return body;
}

let flushing = false;

async function flush() {
  if (!form || !navigator.onLine || flushing) return;
  flushing = true;
  try {
    await sendQueued();
  } finally {
    flushing = false;
  }
}

async function sendQueued() {
  for (const item of queued()) {
    const mine = item.action === form.action;
    let result;
    try {
      result = await post({ action: item.action }, withToken(item.fields));
    } catch {
      return; // still offline: try again later
    }
    const { status, data } = result;
    if (status === 200 || status === 201 || status === 422 || status === 409) {
      saveQueue(queued().filter((other) => other.client_id !== item.client_id));
    }
    if (!mine) continue;
    tbody.querySelector(`[data-client-id="${item.client_id}"]`)?.remove();
    if (status === 200 || status === 201) {
      saved(data);
    } else if (status === 422 && data.errors) {
      // Refused: put what was typed back in the form, with the reasons beside the fields.
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
      showErrors(data.errors);
    } else if (status === 409 && data.locked) {
      say([data.locked]);
    }
  }
}

if (form && tbody) {
  const clientId = form.querySelector('[name="client_id"]');
  const resetForm = () => {
    const keep = form.querySelector('[name="csrf_token"]').value;
    form.reset();
    form.querySelector('[name="csrf_token"]').value = keep;
    clientId.value = "";
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    // One id per entry: a retry after a lost answer cannot make a duplicate.
    if (!clientId.value) clientId.value = newClientId();
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      const { status, data } = await post(form, new FormData(form));
      if (status === 200 || status === 201) {
        clearErrors();
        saved(data);
        resetForm();
        form.querySelector('[name="category_id"]')?.focus();
      } else if (status === 422 && data.errors) {
        showErrors(data.errors);
      } else if (status === 409 && data.locked) {
        say([data.locked]);
      } else {
        form.submit();
      }
    } catch {
      // No connection: keep the entry and send it later.
      const chosen = form.querySelector('[name="category_id"]:checked');
      const item = {
        client_id: clientId.value,
        action: form.action,
        fields: fieldsOf(form),
        label: chosen ? chosen.dataset.label : "a task",
        queued_at: Date.now(),
      };
      saveQueue([...queued().filter((other) => other.client_id !== item.client_id), item]);
      tbody.append(pendingRow(item));
      document.getElementById("diary-no-entries")?.setAttribute("hidden", "");
      clearErrors();
      resetForm();
      say(["You are offline. This task is kept on this device and will be sent when you are back online."]);
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
  for (const item of queued()) {
    if (item.action === form.action) tbody.append(pendingRow(item));
  }
  if (queued().length) document.getElementById("diary-no-entries")?.setAttribute("hidden", "");
  window.addEventListener("online", flush);
  flush();
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
