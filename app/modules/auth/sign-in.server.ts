import { createHash } from "node:crypto";
import { logger } from "~/lib/logger.server";
import { getRateLimiter } from "~/lib/rate-limit.server";

// Per IP is generous (an office shares one address); per email is where guessing is stopped.
const perIp = { limit: 100, windowSeconds: 15 * 60 };
const perEmail = { limit: 8, windowSeconds: 15 * 60 };
// Emails are personal data: the limiter's keys hold only a hash of them.
const emailKey = (email: string) => createHash("sha256").update(email.toLowerCase()).digest("hex").slice(0, 32);

/** Counts one sign-in attempt against both the IP and the email; returns the wait when either is spent. */
export async function checkSignInRate(clientIp: string, email: string): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }> {
  try {
    const [ip, account] = await Promise.all([
      getRateLimiter("signin:ip").hit(clientIp, perIp),
      getRateLimiter("signin:email").hit(emailKey(email), perEmail),
    ]);
    if (ip.allowed && account.allowed) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(ip.retryAfterSeconds, account.retryAfterSeconds) };
  } catch (error) {
    // A Redis outage must not lock every user out; argon2 still makes guessing slow.
    logger.warn({ err: error }, "sign-in rate limiter unavailable; allowing attempt");
    return { allowed: true };
  }
}

export async function clearSignInFailures(email: string) {
  await getRateLimiter("signin:email").reset(emailKey(email)).catch(() => undefined);
}
