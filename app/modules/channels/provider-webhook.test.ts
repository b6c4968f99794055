import { describe, expect, it } from "vitest";
import type { Database } from "#db/index.js";
import { getDb } from "~/lib/db.server";
import { createWebhookRecorder } from "./provider-webhook.server";
import type { ConnectionContext, InboundEvent } from "./types";

const connection = (id: string): ConnectionContext => ({ id, orgId: "org", kind: "whatsapp_cloud", config: {}, secrets: {} });
const alert = (key: string): InboundEvent => ({ kind: "account_alert", dedupeKey: key, code: "1", message: "m" });

function fakeRecord(options: { failFor?: string; delayMs?: number } = {}) {
  const calls: Array<{ connectionId: string; keys: string[]; inTransaction: boolean }> = [];
  const record = async (db: Database, target: ConnectionContext, _provider: string, events: InboundEvent[]) => {
    calls.push({ connectionId: target.id, keys: events.map((event) => event.dedupeKey), inTransaction: db.isTransaction });
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    if (target.id === options.failFor) throw new Error("connection gone");
    return { stored: events.length, duplicates: 0 };
  };
  return { calls, record };
}

describe("webhook group commit", () => {
  it("writes a lone request at once, in its own transaction", async () => {
    const { calls, record } = fakeRecord();
    const recorder = createWebhookRecorder(getDb(), record);
    await recorder.store(connection("a"), "meta", [alert("k1")]);
    await recorder.store(connection("a"), "meta", [alert("k2")]);
    await recorder.store(connection("a"), "meta", []);
    expect(calls).toEqual([
      { connectionId: "a", keys: ["k1"], inTransaction: true },
      { connectionId: "a", keys: ["k2"], inTransaction: true },
    ]);
  });

  it("batches requests that arrive while others commit, per connection, without repeating a dedupe key", async () => {
    const { calls, record } = fakeRecord({ delayMs: 20 });
    const recorder = createWebhookRecorder(getDb(), record);
    const stores = Array.from({ length: 60 }, (_, index) => recorder.store(connection(index % 2 ? "a" : "b"), "meta", [alert(`k${index % 40}`)]));
    await Promise.all(stores);
    expect(calls.length).toBeLessThan(20);
    // Within one transaction a key goes once (across transactions the unique constraint absorbs replays).
    for (const call of calls) expect(new Set(call.keys).size).toBe(call.keys.length);
    const stored = (id: string) => new Set(calls.filter((call) => call.connectionId === id).flatMap((call) => call.keys));
    expect(stored("a")).toEqual(new Set(Array.from({ length: 30 }, (_, index) => `k${(index * 2 + 1) % 40}`)));
    expect(stored("b")).toEqual(new Set(Array.from({ length: 30 }, (_, index) => `k${(index * 2) % 40}`)));
  });

  it("retries each request alone when its batch fails, so only the bad one fails", async () => {
    const { record } = fakeRecord({ failFor: "gone", delayMs: 10 });
    const recorder = createWebhookRecorder(getDb(), record);
    const first = recorder.store(connection("a"), "meta", [alert("x0")]);
    const results = await Promise.allSettled([
      first,
      ...Array.from({ length: 10 }, (_, index) => recorder.store(connection(index === 5 ? "gone" : "a"), "meta", [alert(`x${index + 1}`)])),
    ]);
    expect(results.map((result) => result.status)).toEqual(["fulfilled", ...Array.from({ length: 10 }, (_, index) => (index === 5 ? "rejected" : "fulfilled"))]);
  });
});
