import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Signed, short-lived media links for local-disk storage (S3 uses presigned URLs instead): a provider
 * (Meta, Twilio) or the realtime sidecar fetches `/media/<id>?expires=<unix>&token=<hmac>` without a session.
 */

const CONTEXT = "media.v1.";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Media keys are `<orgId>/<mediaId>`; local-disk links name the media id. */
export function mediaKey(orgId: string, mediaId: string): string {
  return `${orgId}/${mediaId}`;
}

export function mediaIdFromKey(key: string): string {
  const [orgId, mediaId, ...rest] = key.split("/");
  if (!orgId || !mediaId || rest.length || !UUID.test(orgId) || !UUID.test(mediaId)) {
    throw new Error(`local storage links only media keys (<orgId>/<mediaId>), not ${JSON.stringify(key)}`);
  }
  return mediaId;
}

export function signMediaLink(
  mediaId: string,
  { secret, appUrl, expiresIn, now = new Date() }: { secret: string; appUrl: string; expiresIn: number; now?: Date },
): string {
  const expires = Math.floor(now.getTime() / 1000) + expiresIn;
  const url = new URL(`/media/${mediaId}`, appUrl);
  url.searchParams.set("expires", String(expires));
  url.searchParams.set("token", sign(mediaId, expires, secret));
  return url.toString();
}

export function verifyMediaToken(
  mediaId: string,
  { expires, token }: { expires: string | null; token: string | null },
  { secret, now = new Date() }: { secret: string; now?: Date },
): boolean {
  if (!expires || !token || !/^\d{1,12}$/.test(expires) || !/^[A-Za-z0-9_-]{43}$/.test(token)) return false;
  const expected = Buffer.from(sign(mediaId, Number(expires), secret), "base64url");
  const given = Buffer.from(token, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  return now.getTime() < Number(expires) * 1000;
}

function sign(mediaId: string, expires: number, secret: string): string {
  return createHmac("sha256", secret).update(`${CONTEXT}${mediaId}.${expires}`).digest("base64url");
}
