import { useEffect } from "react";

/**
 * Registers the hand-written service worker at /sw.js (see public/sw.js).
 * `enabled` comes from the server (true in production builds): the browser bundle cannot read
 * process.env.NODE_ENV, and a worker in development would serve stale /build assets.
 * Renders nothing.
 */
export function ServiceWorkerRegistration({ enabled }: { enabled: boolean }) {
  useEffect(() => {
    if (!enabled || !("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register("/sw.js", { scope: "/", updateViaCache: "none" }).catch((error: unknown) => {
      console.warn("Service worker registration failed", error);
    });
  }, [enabled]);
  return null;
}
