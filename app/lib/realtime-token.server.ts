import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";

/**
 * A short-lived token that lets a signed-in browser open one WebSocket for one organization.
 * Format: base64url(JSON claims) "." base64url(HMAC-SHA256(secret, "realtime.v1." + encoded claims)).
 * It is only checked when the socket opens, so a minute of validity is plenty.
 */

export type RealtimeClaims = { userId: string; orgId: string };

export type RealtimeTokenResult =
  | { ok: true; claims: RealtimeClaims; expiresAt: Date }
  | { ok: false; reason: "malformed" | "bad-signature" | "expired" };

type Clock = { now?: Date };

const SIGNING_CONTEXT = "realtime.v1.";
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const payloadSchema = z.object({
  userId: z.string().min(1),
  orgId: z.string().min(1),
  exp: z.number().int().positive(),
});

export function issueRealtimeToken(
  claims: RealtimeClaims,
  { secret, ttlSeconds = 60, now = new Date() }: { secret: string; ttlSeconds?: number } & Clock,
): string {
  assertSecret(secret);
  if (!claims.userId || !claims.orgId) throw new Error("realtime token needs a userId and an orgId");
  const exp = Math.floor(now.getTime() / 1000) + ttlSeconds;
  const encoded = Buffer.from(JSON.stringify({ userId: claims.userId, orgId: claims.orgId, exp })).toString("base64url");
  return `${encoded}.${sign(encoded, secret).toString("base64url")}`;
}

export function verifyRealtimeToken(token: string, { secret, now = new Date() }: { secret: string } & Clock): RealtimeTokenResult {
  assertSecret(secret);
  const parts = token.split(".");
  const [encoded, signature] = parts;
  if (parts.length !== 2 || !encoded || !signature || !BASE64URL.test(encoded) || !BASE64URL.test(signature)) {
    return { ok: false, reason: "malformed" };
  }
  const expected = sign(encoded, secret);
  const given = Buffer.from(signature, "base64url");
  // timingSafeEqual throws on different lengths; a length mismatch reveals nothing about the secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "bad-signature" };

  let payload: z.infer<typeof payloadSchema>;
  try {
    payload = payloadSchema.parse(JSON.parse(Buffer.from(encoded, "base64url").toString("utf8")));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (now.getTime() >= payload.exp * 1000) return { ok: false, reason: "expired" };
  return { ok: true, claims: { userId: payload.userId, orgId: payload.orgId }, expiresAt: new Date(payload.exp * 1000) };
}

function sign(encodedClaims: string, secret: string): Buffer {
  return createHmac("sha256", secret).update(SIGNING_CONTEXT + encodedClaims).digest();
}

function assertSecret(secret: string) {
  if (!secret || secret.length < 32) throw new Error("realtime token secret must be at least 32 characters");
}
