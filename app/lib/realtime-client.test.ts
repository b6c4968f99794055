import http from "node:http";
import type net from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { WebSocket } from "ws";
import { createRealtimeServer, type RealtimeServer } from "../../workers/realtime/server";
import { listen, liveEvent } from "../../workers/realtime/test-helpers";
import { createEventBus, type EventBus } from "./events/bus.server";
import type { LiveEvent } from "./events/types";
import { logger } from "./logger.server";
import { connectLiveEvents, type LiveConnectionStatus } from "./realtime-client";
import { issueRealtimeToken } from "./realtime-token.server";

const secret = process.env.REALTIME_SECRET!;
const channel = `test_client_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;

describe("connectLiveEvents", () => {
  let bus: EventBus;
  let sidecar: RealtimeServer;
  let tokenServer: http.Server;
  let tokenUrl: string;
  let tokenRequests = 0;
  let failNextTokenRequests = 0;
  const sidecarConnections: net.Socket[] = [];
  let disconnect: (() => void) | undefined;

  beforeAll(async () => {
    bus = createEventBus({ redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379", databaseUrl: process.env.DATABASE_URL!, channel });
    sidecar = await createRealtimeServer({ bus, secret, logger });
    sidecar.server.on("connection", (socket) => sidecarConnections.push(socket));
    const sidecarHost = new URL(await listen(sidecar.server)).host;
    // Stands in for the web app's /realtime/token route.
    tokenServer = http.createServer((_req, res) => {
      tokenRequests += 1;
      if (failNextTokenRequests > 0) {
        failNextTokenRequests -= 1;
        res.writeHead(503).end();
        return;
      }
      const token = issueRealtimeToken({ userId: "user-1", orgId: "org-a" }, { secret });
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token, url: "/realtime" }));
    });
    tokenUrl = `${await listen(tokenServer)}/realtime/token`;
    vi.stubGlobal("WebSocket", WebSocket);
    vi.stubGlobal("location", { protocol: "http:", host: sidecarHost });
  });

  afterEach(() => {
    disconnect?.();
    tokenRequests = 0;
  });

  afterAll(async () => {
    vi.unstubAllGlobals();
    await sidecar.close();
    await bus.close();
    tokenServer.closeAllConnections();
    await new Promise((resolve) => tokenServer.close(resolve));
  });

  function start() {
    const events: LiveEvent[] = [];
    const statuses: LiveConnectionStatus[] = [];
    disconnect = connectLiveEvents({
      tokenUrl,
      onEvent: (event) => events.push(event),
      onStatus: (status) => statuses.push(status),
      minDelayMs: 20,
      maxDelayMs: 100,
    });
    const opened = (times: number) => vi.waitFor(() => expect(statuses.filter((s) => s === "open")).toHaveLength(times));
    return { events, statuses, opened };
  }

  it("fetches a token, connects and delivers the organization's events", async () => {
    const { events, opened } = start();
    await opened(1);
    await bus.publish(liveEvent("org-b", "not-mine"));
    await bus.publish(liveEvent("org-a", "conv-1"));
    await vi.waitFor(() => expect(events).toEqual([liveEvent("org-a", "conv-1")]));
  });

  it("reconnects with a fresh token after the connection drops", async () => {
    const { events, statuses, opened } = start();
    await opened(1);
    for (const connection of sidecarConnections.splice(0)) connection.destroy();
    await opened(2);
    expect(tokenRequests).toBe(2);
    expect(statuses).toContain("disconnected");
    await bus.publish(liveEvent("org-a", "after-reconnect"));
    await vi.waitFor(() => expect(events.map((e) => e.ids.conversationId)).toEqual(["after-reconnect"]));
  });

  it("retries when the token request fails", async () => {
    failNextTokenRequests = 2;
    const { opened } = start();
    await opened(1);
    expect(tokenRequests).toBe(3);
  });

  it("stops for good when disconnected", async () => {
    const { opened } = start();
    await opened(1);
    disconnect!();
    await vi.waitFor(() => expect(sidecar.connectionCount()).toBe(0));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(tokenRequests).toBe(1);
  });
});
