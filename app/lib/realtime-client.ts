// Browser code: no node or server-only imports.
import { isLiveEventType, type LiveEvent } from "./events/types";

export type LiveConnectionStatus = "connecting" | "open" | "disconnected";

export type ConnectLiveEventsOptions = {
  /** Resource route answering `{ token, url }` for the signed-in user's current organization. */
  tokenUrl: string;
  onEvent: (event: LiveEvent) => void;
  /** "open" is reported after every (re)connection: a good moment to revalidate, events may have been missed. */
  onStatus?: (status: LiveConnectionStatus) => void;
  /** First retry delay; it doubles per failed attempt up to maxDelayMs, with jitter. */
  minDelayMs?: number;
  maxDelayMs?: number;
};

/** Keeps a live-events socket open (fresh token per attempt, backoff between attempts); returns a disconnect function. */
export function connectLiveEvents(options: ConnectLiveEventsOptions): () => void {
  const { tokenUrl, onEvent, onStatus, minDelayMs = 1_000, maxDelayMs = 30_000 } = options;
  let stopped = false;
  let attempt = 0;
  let socket: WebSocket | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let tokenRequest: AbortController | undefined;

  async function connect() {
    retryTimer = undefined;
    onStatus?.("connecting");
    try {
      tokenRequest = new AbortController();
      const response = await fetch(tokenUrl, { credentials: "same-origin", signal: tokenRequest.signal });
      if (!response.ok) throw new Error(`realtime token request failed with ${response.status}`);
      const { token, url } = (await response.json()) as { token?: unknown; url?: unknown };
      if (typeof token !== "string" || typeof url !== "string") throw new Error("realtime token response is missing token or url");
      if (!stopped) open(socketUrl(url, token));
    } catch {
      if (!stopped) retryLater();
    }
  }

  function open(url: string) {
    const current = new WebSocket(url);
    socket = current;
    current.onopen = () => {
      attempt = 0;
      onStatus?.("open");
    };
    current.onmessage = (message) => {
      const event = parseLiveEvent(message.data);
      if (event) onEvent(event);
    };
    // A refused handshake (expired token, server restart) also ends here, after an error event.
    current.onclose = () => {
      if (socket !== current) return;
      socket = undefined;
      if (!stopped) retryLater();
    };
  }

  function retryLater() {
    onStatus?.("disconnected");
    const ceiling = Math.min(maxDelayMs, minDelayMs * 2 ** attempt++);
    retryTimer = setTimeout(() => void connect(), ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  // Coming back online should not wait out a long backoff.
  function retryNow() {
    if (!retryTimer) return;
    clearTimeout(retryTimer);
    void connect();
  }

  globalThis.addEventListener?.("online", retryNow);
  void connect();

  return () => {
    stopped = true;
    globalThis.removeEventListener?.("online", retryNow);
    clearTimeout(retryTimer);
    tokenRequest?.abort();
    socket?.close(1000);
    socket = undefined;
  };
}

function socketUrl(path: string, token: string): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const url = new URL(path, `${scheme}//${location.host}`);
  if (url.protocol === "http:") url.protocol = "ws:";
  if (url.protocol === "https:") url.protocol = "wss:";
  url.searchParams.set("token", token);
  return url.toString();
}

function parseLiveEvent(data: unknown): LiveEvent | undefined {
  if (typeof data !== "string") return undefined;
  try {
    const value = JSON.parse(data) as Partial<LiveEvent> | null;
    const wellFormed = typeof value?.orgId === "string" && isLiveEventType(value.type) && typeof value.ids === "object" && value.ids !== null;
    return wellFormed ? (value as LiveEvent) : undefined;
  } catch {
    return undefined;
  }
}
