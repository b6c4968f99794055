import { useRevalidator } from "@remix-run/react";
import { useRef, useState } from "react";
import type { LiveConnectionStatus } from "~/lib/realtime-client";
import { useLiveEvents } from "./use-live-events";

/**
 * One socket per signed-in page: every live event of the organization triggers a (debounced) loader
 * revalidation, so pages show fresh data without knowing about sockets; so does every (re)connection,
 * which may have missed events. Renders a small status dot.
 */
export function LiveUpdates() {
  const revalidator = useRevalidator();
  const [status, setStatus] = useState<LiveConnectionStatus>("connecting");
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const revalidateSoon = () => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => revalidator.revalidate(), 250);
  };
  useLiveEvents(revalidateSoon, {
    onStatus: (next) => {
      setStatus(next);
      // Events published between the server render (or a dropped socket) and this open were missed.
      if (next === "open") revalidateSoon();
    },
  });
  const color = status === "open" ? "bg-emerald-500" : status === "connecting" ? "bg-amber-400" : "bg-slate-400";
  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-slate-500" data-testid="live-status" data-status={status} title={`live: ${status}`}>
      <span aria-hidden="true" className={`h-2 w-2 rounded-full ${color}`} />
      <span className="sr-only">live updates: {status}</span>
    </span>
  );
}
