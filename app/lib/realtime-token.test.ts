import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { issueRealtimeToken, verifyRealtimeToken } from "./realtime-token.server";

const secret = process.env.REALTIME_SECRET!;
const otherSecret = "another-realtime-secret-0123456789abcdef012345";
const now = new Date("2026-11-25T10:00:00Z");
const claims = { userId: "user-1", orgId: "org-1" };

function secondsLater(seconds: number) {
  return new Date(now.getTime() + seconds * 1000);
}

describe("realtime token", () => {
  it("round-trips the user and organization before it expires", () => {
    const token = issueRealtimeToken(claims, { secret, now });
    expect(verifyRealtimeToken(token, { secret, now: secondsLater(59) })).toEqual({
      ok: true,
      claims,
      expiresAt: secondsLater(60),
    });
  });

  it("expires after ttlSeconds (60 by default)", () => {
    const token = issueRealtimeToken(claims, { secret, now });
    expect(verifyRealtimeToken(token, { secret, now: secondsLater(60) })).toEqual({ ok: false, reason: "expired" });
    const longer = issueRealtimeToken(claims, { secret, now, ttlSeconds: 300 });
    expect(verifyRealtimeToken(longer, { secret, now: secondsLater(299) }).ok).toBe(true);
  });

  it("rejects a token signed with another secret", () => {
    const token = issueRealtimeToken(claims, { secret: otherSecret, now });
    expect(verifyRealtimeToken(token, { secret, now })).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("rejects a token whose claims were changed after signing", () => {
    const [, signature] = issueRealtimeToken(claims, { secret, now }).split(".");
    const forged = Buffer.from(JSON.stringify({ ...claims, orgId: "org-2", exp: now.getTime() / 1000 + 60 })).toString("base64url");
    expect(verifyRealtimeToken(`${forged}.${signature}`, { secret, now })).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("rejects signatures of the wrong length without throwing", () => {
    const [encoded] = issueRealtimeToken(claims, { secret, now }).split(".");
    expect(verifyRealtimeToken(`${encoded}.abc`, { secret, now })).toEqual({ ok: false, reason: "bad-signature" });
  });

  it.each(["", "abc", "a.b.c", "!!.??", ".sig", "payload."])("rejects the malformed token %j", (token) => {
    expect(verifyRealtimeToken(token, { secret, now })).toEqual({ ok: false, reason: "malformed" });
  });

  it("rejects a correctly signed payload that is not a claim set", () => {
    const encoded = Buffer.from(JSON.stringify({ userId: "user-1" })).toString("base64url");
    const signature = createHmac("sha256", secret).update(`realtime.v1.${encoded}`).digest("base64url");
    expect(verifyRealtimeToken(`${encoded}.${signature}`, { secret, now })).toEqual({ ok: false, reason: "malformed" });
  });

  it("refuses to work with a missing or short secret", () => {
    expect(() => issueRealtimeToken(claims, { secret: "short" })).toThrow(/at least 32/);
    expect(() => verifyRealtimeToken("a.b", { secret: "" })).toThrow(/at least 32/);
  });
});
