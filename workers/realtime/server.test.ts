import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { WebSocket, type ClientOptions } from "ws";
import { createEventBus, type EventBus } from "~/lib/events/bus.server";
import { logger } from "~/lib/logger.server";
import { issueRealtimeToken } from "~/lib/realtime-token.server";
import { createRealtimeServer, type RealtimeServer } from "./server";
import { inbox, listen, liveEvent, openSocket } from "./test-helpers";

const secret = process.env.REALTIME_SECRET!;
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const channel = `test_realtime_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;

const tokenFor = (orgId: string, now?: Date) => issueRealtimeToken({ userId: "user-1", orgId }, { secret, now });

describe("realtime server", () => {
  let bus: EventBus;
  let realtime: RealtimeServer;
  let base: string;
  const sockets: WebSocket[] = [];
  const socketUrl = (token: string) => `${base.replace("http", "ws")}/realtime?token=${encodeURIComponent(token)}`;
  const connect = async (orgId: string, options?: ClientOptions) => {
    const socket = await openSocket(socketUrl(tokenFor(orgId)), options);
    sockets.push(socket);
    return socket;
  };
  const publish = (body: unknown, authorization = `Bearer ${secret}`) =>
    fetch(`${base}/internal/publish`, { method: "POST", headers: { authorization }, body: JSON.stringify(body) });

  beforeAll(async () => {
    bus = createEventBus({ redisUrl, databaseUrl: process.env.DATABASE_URL!, channel });
    realtime = await createRealtimeServer({ bus, secret, logger, heartbeatMs: 150 });
    base = await listen(realtime.server);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.terminate();
    await realtime.close();
    await bus.close();
  });

  it("forwards an organization's events only to that organization's sockets", async () => {
    const orgA = await connect("org-a");
    const orgB = await connect("org-b");
    const [eventsA, eventsB] = [inbox(orgA), inbox(orgB)];
    await bus.publish(liveEvent("org-b", "conv-b"));
    await bus.publish(liveEvent("org-a", "conv-a"));
    await vi.waitFor(() => expect(eventsA).toHaveLength(1));
    await vi.waitFor(() => expect(eventsB).toHaveLength(1));
    expect(eventsA).toEqual([liveEvent("org-a", "conv-a")]);
    expect(eventsB).toEqual([liveEvent("org-b", "conv-b")]);
  });

  it.each([
    ["forged", () => issueRealtimeToken({ userId: "user-1", orgId: "org-a" }, { secret: "x".repeat(40) })],
    ["expired", () => tokenFor("org-a", new Date(Date.now() - 120_000))],
    ["garbage", () => "not-a-token"],
  ])("refuses a %s token with 401 before the handshake", async (_name, makeToken) => {
    await expect(openSocket(socketUrl(makeToken()))).rejects.toMatchObject({ status: 401 });
  });

  it("refuses a missing token with 401 and an unknown path with 404", async () => {
    const wsBase = base.replace("http", "ws");
    await expect(openSocket(`${wsBase}/realtime`)).rejects.toMatchObject({ status: 401 });
    await expect(openSocket(`${wsBase}/elsewhere?token=${tokenFor("org-a")}`)).rejects.toMatchObject({ status: 404 });
  });

  it("publishes through /internal/publish only with the shared secret", async () => {
    const events = inbox(await connect("org-internal"));
    expect((await publish(liveEvent("org-internal", "c1"), "")).status).toBe(401);
    expect((await publish(liveEvent("org-internal", "c1"), `Bearer ${"x".repeat(40)}`)).status).toBe(401);
    expect((await fetch(`${base}/internal/anything`, { method: "POST" })).status).toBe(401);

    const accepted = await publish(liveEvent("org-internal", "c2"));
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toEqual({ ok: true });
    await vi.waitFor(() => expect(events).toEqual([liveEvent("org-internal", "c2")]));
  });

  it("answers bad internal requests with JSON errors", async () => {
    const invalid = await publish({ orgId: "org-a", type: "nope", ids: {} });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: { code: "invalid_event" } });
    const notJson = await fetch(`${base}/internal/publish`, { method: "POST", headers: { authorization: `Bearer ${secret}` }, body: "{" });
    expect(notJson.status).toBe(400);
    const wrongMethod = await fetch(`${base}/internal/publish`, { headers: { authorization: `Bearer ${secret}` } });
    expect(wrongMethod.status).toBe(405);
    const unknown = await fetch(`${base}/internal/nothing-here`, { method: "POST", headers: { authorization: `Bearer ${secret}` } });
    expect(unknown.status).toBe(404);
  });

  it("reports health with the number of open sockets", async () => {
    await connect("org-health");
    const response = await fetch(`${base}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, connections: realtime.connectionCount() });
    expect(realtime.connectionCount()).toBeGreaterThan(0);
  });

  it("terminates sockets that stop answering pings", async () => {
    const silent = await connect("org-silent", { autoPong: false });
    const answering = await connect("org-alive");
    const closed = new Promise((resolve) => silent.once("close", resolve));
    await closed;
    expect(answering.readyState).toBe(WebSocket.OPEN);
  });
});

describe("realtime server send-buffer guard and shutdown", () => {
  it("drops a socket whose send buffer is over the limit", async () => {
    const bus = createEventBus({ redisUrl, databaseUrl: process.env.DATABASE_URL!, channel: `${channel}_guard` });
    const realtime = await createRealtimeServer({ bus, secret, logger, maxBufferedBytes: -1 });
    const wsBase = (await listen(realtime.server)).replace("http", "ws");
    try {
      const socket = await openSocket(`${wsBase}/realtime?token=${tokenFor("org-slow")}`);
      const events = inbox(socket);
      const closed = new Promise((resolve) => socket.once("close", resolve));
      await bus.publish(liveEvent("org-slow", "c1"));
      await closed;
      expect(events).toEqual([]);
    } finally {
      await realtime.close();
      await bus.close();
    }
  });

  it("closes open sockets with 1001 on close()", async () => {
    const bus = createEventBus({ redisUrl, databaseUrl: process.env.DATABASE_URL!, channel: `${channel}_close` });
    const realtime = await createRealtimeServer({ bus, secret, logger });
    const wsBase = (await listen(realtime.server)).replace("http", "ws");
    const socket = await openSocket(`${wsBase}/realtime?token=${tokenFor("org-a")}`);
    const closeCode = new Promise((resolve) => socket.once("close", resolve));
    await realtime.close();
    await bus.close();
    expect(await closeCode).toBe(1001);
    expect(realtime.connectionCount()).toBe(0);
  });
});
