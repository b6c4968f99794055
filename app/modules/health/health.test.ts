import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "#db/index.js";
import { checkHealth, recordHeartbeat } from "./health.server";

const db = createDb(process.env.DATABASE_URL!, { max: 2 });
let realtime: http.Server;
let realtimeUrl: string;

beforeAll(async () => {
  realtime = http.createServer((request, response) => response.writeHead(request.url === "/health" ? 200 : 404).end());
  await new Promise<void>((resolve) => realtime.listen(0, "127.0.0.1", resolve));
  realtimeUrl = `http://127.0.0.1:${(realtime.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await db.destroy();
  realtime.close();
});

describe("checkHealth", () => {
  it("is ok when the database answers, the worker beat recently and realtime responds", async () => {
    await recordHeartbeat(db, "worker");
    const report = await checkHealth({ db, realtimeUrl });
    expect(report).toMatchObject({ ok: true, failing: [] });
    expect(report.checks.worker!.detail).toMatch(/last heartbeat \d+s ago/);
  });

  it("names the database when it is down", async () => {
    const unreachable = createDb("postgres://postgres@127.0.0.1:1/nothing", { max: 1 });
    try {
      const report = await checkHealth({ db: unreachable, realtimeUrl, timeoutMs: 1_000 });
      expect(report.ok).toBe(false);
      expect(report.failing).toContain("database");
      expect(report.checks.database!.detail).toBeTruthy();
    } finally {
      await unreachable.destroy();
    }
  });

  it("names a stale worker and an unreachable realtime sidecar", async () => {
    await db.updateTable("process_heartbeats").set({ beat_at: new Date(Date.now() - 5 * 60_000) }).where("process", "=", "worker").execute();
    const report = await checkHealth({ db, realtimeUrl: "http://127.0.0.1:1", timeoutMs: 500 });
    expect(report.failing).toEqual(["worker", "realtime"]);
    expect(report.checks.worker!.detail).toMatch(/last heartbeat 30\d s ago|last heartbeat 3\d\ds ago/);
  });
});
