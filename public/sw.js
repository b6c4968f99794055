/* Master IA service worker (hand-written, no build step).
 *
 * - install: precache the app shell (offline page, manifest, icons).
 * - /build/* (fingerprinted by the Remix compiler, immutable) and /icons/*: cache first.
 * - page navigations: network first; when the network is unreachable, answer /offline.html.
 *   Pages are per-user HTML and are never stored.
 * - everything else (Remix data requests, API, webhooks, realtime, health, metrics, non-GET,
 *   other origins) is not touched: the browser handles it as if there were no worker.
 * - activate: delete caches of older versions.
 *
 * Bump VERSION whenever this file or the shell list changes meaningfully (new icons, new
 * offline page): the new worker installs, takes over and deletes the old caches.
 */

const VERSION = "v1";
const CACHE_PREFIX = "master-ia-";
const SHELL_CACHE = `${CACHE_PREFIX}shell-${VERSION}`;
const ASSET_CACHE = `${CACHE_PREFIX}assets-${VERSION}`;
const MAX_ASSET_ENTRIES = 200;

const OFFLINE_URL = "/offline.html";
const SHELL = [
  OFFLINE_URL,
  "/manifest.webmanifest",
  "/favicon.svg",
  "/favicon.ico",
  "/icons/icon-192.png",
  "/icons/icon-512.png",
  "/icons/icon-maskable-512.png",
  "/icons/apple-touch-icon-180.png",
];

/** Paths the worker never handles (prefix match on whole path segments). */
const BYPASS = ["/realtime", "/api", "/webhooks", "/health", "/metrics"];

function isBypassed(pathname) {
  return BYPASS.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      // cache: "reload" skips the HTTP cache so a new version never precaches stale files.
      await cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const keep = new Set([SHELL_CACHE, ASSET_CACHE]);
      const names = await caches.keys();
      await Promise.all(
        names.filter((name) => name.startsWith(CACHE_PREFIX) && !keep.has(name)).map((name) => caches.delete(name)),
      );
      // Lets the navigation request start while the worker boots (header:
      // Service-Worker-Navigation-Preload: true).
      if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;

  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (isBypassed(url.pathname)) return;

  if (request.mode === "navigate") {
    event.respondWith(networkFirstNavigation(event));
    return;
  }
  if (url.pathname.startsWith("/build/") || url.pathname.startsWith("/icons/")) {
    event.respondWith(cacheFirst(request));
    return;
  }
  if (SHELL.includes(url.pathname)) {
    event.respondWith(networkFallingBackToShell(request));
  }
  // Anything else: no respondWith, the browser fetches normally.
});

/** Network first, never stored; offline page only when the network itself fails (not on 4xx/5xx). */
async function networkFirstNavigation(event) {
  try {
    const preloaded = await event.preloadResponse;
    if (preloaded) return preloaded;
    return await fetch(event.request);
  } catch {
    const offline = await caches.match(OFFLINE_URL, { cacheName: SHELL_CACHE });
    return offline ?? new Response("Sem conexão / Offline", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
}

/** Fingerprinted and static assets: serve from cache, otherwise fetch and keep a copy. */
async function cacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") {
    const copy = response.clone();
    caches
      .open(ASSET_CACHE)
      .then((cache) => cache.put(request, copy))
      .then(() => trimCache(ASSET_CACHE, MAX_ASSET_ENTRIES))
      .catch(() => {});
  }
  return response;
}

/** Manifest and favicons: fresh when online, precached copy when offline. */
async function networkFallingBackToShell(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const cached = await caches.match(request, { cacheName: SHELL_CACHE });
    if (cached) return cached;
    throw error;
  }
}

/** Keys come back in insertion order, so the oldest entries go first. */
async function trimCache(name, maxEntries) {
  const cache = await caches.open(name);
  const keys = await cache.keys();
  for (let i = 0; i < keys.length - maxEntries; i++) await cache.delete(keys[i]);
}
