import http from "node:http";
import type net from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createEventBus } from "~/lib/events/bus.server";
import { logger } from "~/lib/logger.server";
import { issueRealtimeToken } from "~/lib/realtime-token.server";
import { createRealtimeServer } from "../../../workers/realtime/server";
import { inbox, listen, liveEvent, openSocket } from "../../../workers/realtime/test-helpers";
import { attachRealtimeProxy } from "./realtime-proxy.server";

const secret = process.env.REALTIME_SECRET!;
const channel = `test_proxy_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const tokenFor = (orgId: string) => issueRealtimeToken({ userId: "user-1", orgId }, { secret });

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A web server whose only upgrade handling is the proxy, in front of the given target. */
async function startWeb(targetUrl: string) {
  const web = http.createServer((_req, res) => res.end("web page"));
  attachRealtimeProxy(web, targetUrl);
  const url = await listen(web);
  cleanups.push(async () => {
    web.closeAllConnections();
    await new Promise((resolve) => web.close(resolve));
  });
  return { url, wsUrl: url.replace("http", "ws") };
}

/** The realtime sidecar with a web server proxying to it; tracks the sidecar's raw TCP sockets. */
async function startStack() {
  const bus = createEventBus({ redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379", databaseUrl: process.env.DATABASE_URL!, channel });
  const sidecar = await createRealtimeServer({ bus, secret, logger });
  const sidecarConnections: net.Socket[] = [];
  sidecar.server.on("connection", (socket) => sidecarConnections.push(socket));
  cleanups.push(() => bus.close(), () => sidecar.close());
  const web = await startWeb(await listen(sidecar.server));
  return { bus, sidecar, sidecarConnections, ...web };
}

describe("realtime proxy", () => {
  it("carries events from the sidecar to a browser connected through the web server", async () => {
    const { bus, sidecar, wsUrl } = await startStack();
    const socket = await openSocket(`${wsUrl}/realtime?token=${tokenFor("org-a")}`);
    const events = inbox(socket);
    await bus.publish(liveEvent("org-b", "not-mine"));
    await bus.publish(liveEvent("org-a", "conv-1"));
    await vi.waitFor(() => expect(events).toEqual([liveEvent("org-a", "conv-1")]));

    socket.close();
    await vi.waitFor(() => expect(sidecar.connectionCount()).toBe(0));
  });

  it("relays the sidecar's refusal of a bad token", async () => {
    const { wsUrl } = await startStack();
    await expect(openSocket(`${wsUrl}/realtime?token=forged.token`)).rejects.toMatchObject({ status: 401 });
  });

  it("answers 404 for upgrades on other paths and keeps serving plain HTTP", async () => {
    const { url, wsUrl } = await startStack();
    await expect(openSocket(`${wsUrl}/elsewhere?token=${tokenFor("org-a")}`)).rejects.toMatchObject({ status: 404 });
    expect(await (await fetch(url)).text()).toBe("web page");
  });

  it("passes the sidecar's close frame through on shutdown", async () => {
    const { sidecar, wsUrl } = await startStack();
    const socket = await openSocket(`${wsUrl}/realtime?token=${tokenFor("org-a")}`);
    const closeCode = new Promise((resolve) => socket.once("close", resolve));
    await sidecar.close();
    expect(await closeCode).toBe(1001);
  });

  it("drops the browser's socket when the sidecar connection dies", async () => {
    const { sidecarConnections, wsUrl } = await startStack();
    const socket = await openSocket(`${wsUrl}/realtime?token=${tokenFor("org-a")}`);
    const closeCode = new Promise((resolve) => socket.once("close", resolve));
    for (const connection of sidecarConnections) connection.destroy();
    expect(await closeCode).toBe(1006);
  });

  it("answers 502 when the sidecar is unreachable", async () => {
    const probe = http.createServer();
    const closedPortUrl = await listen(probe);
    await new Promise((resolve) => probe.close(resolve));
    const { wsUrl } = await startWeb(closedPortUrl);
    await expect(openSocket(`${wsUrl}/realtime?token=${tokenFor("org-a")}`)).rejects.toMatchObject({ status: 502 });
  });

  it("refuses a non-http target", () => {
    expect(() => attachRealtimeProxy(http.createServer(), "ws://127.0.0.1:3001")).toThrow(/http:\/\//);
  });
});
