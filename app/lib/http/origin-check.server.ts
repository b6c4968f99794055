const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
// Provider webhooks and API-key clients carry no cookies, so cross-site forgery does not apply to them.
const EXEMPT_PREFIXES = ["/webhooks/", "/api/"];

export type OriginVerdict = { ok: true } | { ok: false; reason: string };

/** Cookie-authenticated writes must come from our own pages: Origin (or Referer) must match this host. */
export function checkOrigin(input: {
  method: string;
  path: string;
  origin?: string;
  referer?: string;
  allowedOrigins: string[];
}): OriginVerdict {
  if (SAFE_METHODS.has(input.method.toUpperCase())) return { ok: true };
  if (EXEMPT_PREFIXES.some((prefix) => input.path.startsWith(prefix))) return { ok: true };
  let claimed = input.origin && input.origin !== "null" ? input.origin : undefined;
  if (!claimed && input.referer) {
    try {
      claimed = new URL(input.referer).origin;
    } catch {
      return { ok: false, reason: "unreadable Referer header" };
    }
  }
  if (!claimed) return { ok: false, reason: "missing Origin header" };
  return input.allowedOrigins.includes(claimed) ? { ok: true } : { ok: false, reason: `origin ${claimed} is not allowed` };
}
