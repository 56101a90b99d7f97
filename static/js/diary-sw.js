// The diary's service worker, served at /take-part/<study>/diary/sw.js so that its scope is
// that study's diary pages and nothing else. Online it changes nothing: every request goes to
// the network first. Without a connection it answers a diary page from the copy the page
// saved on its last online visit (static/js/diary.js keeps the signed-in person's own day
// pages in the "pact-diary-pages" cache), and the stylesheets, scripts and images from
// "pact-diary-assets". The only page it keeps itself is a day page the server marks
// (X-Pact-Offline-Copy: day, sent only to the day's owner), so no one else's page, an error or
// a sign-in page can be kept; the page drops the copies when another person signs in here. Entries are not sent from here: the page sends its IndexedDB queue
// on load and on the `online` event (Background Sync is not relied on). Signing out clears
// the caches, the queue and this worker (Clear-Site-Data: "storage").

const ASSETS = "pact-diary-assets";
const PAGES = "pact-diary-pages";

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return; // posts always go to the network
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(page(event, request));
  } else if (url.pathname.startsWith("/assets/")) {
    event.respondWith(asset(event, request));
  }
});

async function page(event, request) {
  try {
    const response = await fetch(request);
    // A day page of the signed-in person (the server marks it): keep it as the offline copy,
    // so the page need not fetch itself a second time. Nothing else is kept.
    if (response.ok && response.headers.get("X-Pact-Offline-Copy") === "day") {
      const url = new URL(request.url);
      event.waitUntil(caches.open(PAGES).then((cache) => cache.put(url.pathname, response.clone())));
    }
    return response;
  } catch (error) {
    const cache = await caches.open(PAGES);
    const saved = await cache.match(request, { ignoreSearch: true, ignoreVary: true });
    return saved || offlinePage();
  }
}

async function asset(event, request) {
  const cache = await caches.open(ASSETS);
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic") {
      event.waitUntil(cache.put(request, response.clone()));
    }
    return response;
  } catch (error) {
    const saved = await cache.match(request, { ignoreSearch: true, ignoreVary: true });
    if (saved) return saved;
    throw error;
  }
}

function offlinePage() {
  const html = `<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>You are offline – PACT Feedback</title>
<link rel="stylesheet" href="/assets/nhsuk/nhsuk-frontend.min.css"></head>
<body><div class="nhsuk-width-container"><main class="nhsuk-main-wrapper" id="maincontent">
<h1>You are offline</h1>
<p>This page has not been saved on this device. Diary days you opened while online open
without a connection: go back and choose one of those.</p>
</main></div></body></html>`;
  return new Response(html, {
    status: 503,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      // As strict as the app's own policy (pact_feedback/core/security.py), and no script.
      "Content-Security-Policy":
        "default-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'",
    },
  });
}
