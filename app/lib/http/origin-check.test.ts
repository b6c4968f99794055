import { describe, expect, it } from "vitest";
import { checkOrigin } from "./origin-check.server";

const allowedOrigins = ["http://localhost:3000"];

describe("checkOrigin", () => {
  it("lets safe methods through without an Origin", () => {
    expect(checkOrigin({ method: "GET", path: "/inbox", allowedOrigins })).toEqual({ ok: true });
  });
  it("accepts a POST from our own origin", () => {
    expect(checkOrigin({ method: "POST", path: "/login", origin: "http://localhost:3000", allowedOrigins }).ok).toBe(true);
  });
  it("falls back to the Referer's origin", () => {
    expect(checkOrigin({ method: "POST", path: "/login", referer: "http://localhost:3000/login?x=1", allowedOrigins }).ok).toBe(true);
  });
  it("refuses a POST from another site, and one with no Origin at all", () => {
    expect(checkOrigin({ method: "POST", path: "/login", origin: "https://evil.example", allowedOrigins })).toEqual({
      ok: false,
      reason: "origin https://evil.example is not allowed",
    });
    expect(checkOrigin({ method: "DELETE", path: "/settings", allowedOrigins }).ok).toBe(false);
    expect(checkOrigin({ method: "POST", path: "/login", origin: "null", allowedOrigins }).ok).toBe(false);
  });
  it("exempts webhooks and the API-key REST API", () => {
    expect(checkOrigin({ method: "POST", path: "/webhooks/meta", allowedOrigins }).ok).toBe(true);
    expect(checkOrigin({ method: "POST", path: "/api/v1/contacts", allowedOrigins }).ok).toBe(true);
  });
});
