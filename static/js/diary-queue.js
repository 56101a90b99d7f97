// The diary's offline queue: entries made without a connection, kept in IndexedDB (it
// survives closing the browser) until the server confirms them. Each item is keyed by its
// client_id, so putting the same entry twice keeps one copy, and the server's retry-safe
// create means sending it twice makes one entry. Items carry the id of the person who made
// them: a page only shows and sends its own person's items. Signing out clears the lot
// (the sign-out answer carries Clear-Site-Data: "storage").
import { createStore, del, set, values } from "../vendor/idb-keyval/index.js";

const store = createStore("pact-diary", "queue");
const OLD_KEY = "pact-diary-queue"; // the localStorage queue of earlier versions

/** Keep an entry until the server confirms it (resolves once the write has committed). */
export function put(item) {
  return set(item.client_id, item, store);
}

/** Forget an entry: only after the server saved it, or refused it and the person was told. */
export function remove(clientId) {
  return del(clientId, store);
}

/** The owner's waiting entries, oldest first. */
export async function waiting(owner) {
  const all = await values(store);
  return all.filter((item) => item.owner === owner).sort((a, b) => a.queued_at - b.queued_at);
}

/** Move entries left in localStorage by an earlier version into IndexedDB, once. */
export async function migrateFromLocalStorage(owner) {
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
