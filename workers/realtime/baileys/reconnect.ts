/** Baileys' DisconnectReason codes (the Boom status of `lastDisconnect.error`). */
export const DisconnectCode = {
  connectionClosed: 428,
  connectionLost: 408,
  timedOut: 408,
  loggedOut: 401,
  forbidden: 403,
  connectionReplaced: 440,
  badSession: 500,
  multideviceMismatch: 411,
  restartRequired: 515,
  unavailableService: 503,
} as const;

export type ReconnectPlan =
  /** 515 right after pairing (and stream restarts): open a new socket at once with the same auth. */
  | { action: "restart" }
  /** The phone unlinked us (401) or WhatsApp refused the account (403): forget the session. */
  | { action: "logged_out"; reason: "loggedOut" | "forbidden" }
  /** Another client took this session (440): stop and tell the team instead of fighting over it. */
  | { action: "replaced" }
  | { action: "backoff"; delayMs: number; reason: string };

export type BackoffOptions = { baseMs: number; maxMs: number; random?: () => number };

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 2_000, maxMs: 5 * 60_000 };

/**
 * What to do after a close. `attempt` counts consecutive failed reconnects (0 for the first); delays
 * double from baseMs up to maxMs, with "equal jitter" (half fixed, half random) so sidecars restarting
 * together do not reconnect in lockstep.
 */
export function planReconnect(statusCode: number | undefined, attempt: number, options: BackoffOptions = DEFAULT_BACKOFF): ReconnectPlan {
  switch (statusCode) {
    case DisconnectCode.restartRequired:
      return { action: "restart" };
    case DisconnectCode.loggedOut:
      return { action: "logged_out", reason: "loggedOut" };
    case DisconnectCode.forbidden:
      return { action: "logged_out", reason: "forbidden" };
    case DisconnectCode.connectionReplaced:
      return { action: "replaced" };
    default:
      return { action: "backoff", delayMs: backoffDelay(attempt, options), reason: describe(statusCode) };
  }
}

export function backoffDelay(attempt: number, { baseMs, maxMs, random = Math.random }: BackoffOptions): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

function describe(statusCode: number | undefined): string {
  const name = Object.entries(DisconnectCode).find(([, code]) => code === statusCode)?.[0];
  return statusCode === undefined ? "connection closed" : `${name ?? "closed"} (${statusCode})`;
}
