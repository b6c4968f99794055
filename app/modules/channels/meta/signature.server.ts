import { createHmac, timingSafeEqual } from "node:crypto";

/** `X-Hub-Signature-256: sha256=<hex>` = HMAC-SHA256(app secret, raw body bytes), compared in constant time. */
export function metaSignature(appSecret: string, rawBody: string): string {
  return `sha256=${createHmac("sha256", appSecret).update(rawBody, "utf8").digest("hex")}`;
}

export function verifyMetaSignature(appSecret: string | undefined, rawBody: string, header: string | null): boolean {
  if (!appSecret || !header) return false;
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!match) return false;
  const expected = createHmac("sha256", appSecret).update(rawBody, "utf8").digest();
  return timingSafeEqual(expected, Buffer.from(match[1], "hex"));
}

/** The GET handshake: Meta proves it knows our verify token and we echo its challenge. */
export function verifyMetaHandshake(verifyToken: string | undefined, query: URLSearchParams): string | null {
  const mode = query.get("hub.mode");
  const token = query.get("hub.verify_token") ?? "";
  const challenge = query.get("hub.challenge");
  if (mode !== "subscribe" || !verifyToken || challenge === null) return null;
  const a = Buffer.from(token, "utf8");
  const b = Buffer.from(verifyToken, "utf8");
  return a.length === b.length && timingSafeEqual(a, b) ? challenge : null;
}
