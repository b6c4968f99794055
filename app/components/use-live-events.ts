import { useEffect, useRef } from "react";
import type { LiveEvent } from "~/lib/events/types";
import { connectLiveEvents, type LiveConnectionStatus } from "~/lib/realtime-client";

export type UseLiveEventsOptions = {
  tokenUrl?: string;
  onStatus?: (status: LiveConnectionStatus) => void;
  /** Set to false to hold the connection closed (e.g. while signed out). */
  enabled?: boolean;
};

/**
 * Calls onEvent for each live event of the current organization. Each call opens its own socket,
 * so use it once per page and refetch through loaders (e.g. useRevalidator) in the callback.
 */
export function useLiveEvents(onEvent: (event: LiveEvent) => void, options: UseLiveEventsOptions = {}): void {
  const { tokenUrl = "/realtime/token", enabled = true } = options;
  // Latest callbacks in refs, so re-renders with new closures do not reconnect.
  const onEventRef = useRef(onEvent);
  const onStatusRef = useRef(options.onStatus);
  useEffect(() => {
    onEventRef.current = onEvent;
    onStatusRef.current = options.onStatus;
  });

  useEffect(() => {
    if (!enabled) return;
    return connectLiveEvents({
      tokenUrl,
      onEvent: (event) => onEventRef.current(event),
      onStatus: (status) => onStatusRef.current?.(status),
    });
  }, [tokenUrl, enabled]);
}
