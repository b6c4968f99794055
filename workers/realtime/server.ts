import { createHash, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { Duplex, Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { WebSocket, WebSocketServer } from "ws";
import { liveEventSchema, MAX_EVENT_PAYLOAD_BYTES, type EventBus } from "~/lib/events/bus.server";
import type { LiveEvent } from "~/lib/events/types";
import type { Logger } from "~/lib/logger.server";
import { verifyRealtimeToken, type RealtimeClaims } from "~/lib/realtime-token.server";

export const REALTIME_PATH = "/realtime";
const HEARTBEAT_MS = 30_000;
// A browser that cannot keep up (asleep laptop, dead network) would otherwise grow our memory without
// bound; dropping it is safe because the client reconnects and refetches through loaders.
const MAX_BUFFERED_BYTES = 1024 * 1024;
const MAX_BODY_BYTES = 16 * 1024;
const CLOSE_GRACE_MS = 1_000;

export type RealtimeLogger = Pick<Logger, "debug" | "info" | "warn" | "error">;

/**
 * An authenticated `/internal/<name>` endpoint; the Baileys connection endpoints plug in here. Keys are
 * `"<path>"` (POST) or `"<METHOD> <path>"`, where a path segment `:name` captures `params.name`.
 * GET routes receive no body. A response is JSON, or a stream (e.g. a media file) with its headers.
 */
export type InternalRequest = { method: string; params: Record<string, string> };
export type InternalResponse = { status: number; body: unknown } | { status: number; stream: Readable; headers?: Record<string, string> };
export type InternalRoute = (body: unknown, request: InternalRequest) => Promise<InternalResponse>;

export type RealtimeServerOptions = {
  bus: EventBus;
  secret: string;
  logger: RealtimeLogger;
  internalRoutes?: Record<string, InternalRoute>;
  heartbeatMs?: number;
  maxBufferedBytes?: number;
};

export type RealtimeServer = { server: http.Server; close(): Promise<void>; connectionCount(): number };

/** Builds the sidecar's HTTP server (not yet listening) once its bus subscription is active. */
export async function createRealtimeServer(options: RealtimeServerOptions): Promise<RealtimeServer> {
  const { bus, secret, logger, heartbeatMs = HEARTBEAT_MS, maxBufferedBytes = MAX_BUFFERED_BYTES } = options;
  // Browsers never send anything meaningful, so a tiny maxPayload closes abusive sockets early.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  const socketsByOrg = new Map<string, Set<WebSocket>>();
  const awaitingPong = new WeakSet<WebSocket>();
  const internalRoutes = compileRoutes({ publish: publishRoute, ...options.internalRoutes });
  let closing: Promise<void> | undefined;

  async function publishRoute(body: unknown) {
    const parsed = liveEventSchema.safeParse(body);
    if (!parsed.success) return errorBody(400, "invalid_event", "body is not a live event", parsed.error.issues);
    if (Buffer.byteLength(JSON.stringify(parsed.data)) > MAX_EVENT_PAYLOAD_BYTES) {
      return errorBody(413, "event_too_large", `events are limited to ${MAX_EVENT_PAYLOAD_BYTES} bytes; send ids only`);
    }
    await bus.publish(parsed.data);
    return { status: 202, body: { ok: true } };
  }

  function register(socket: WebSocket, { orgId, userId }: RealtimeClaims) {
    const group = socketsByOrg.get(orgId) ?? new Set<WebSocket>();
    socketsByOrg.set(orgId, group);
    group.add(socket);
    socket.on("pong", () => awaitingPong.delete(socket));
    socket.on("error", (error) => logger.debug({ err: error, orgId, userId }, "realtime socket error"));
    socket.on("close", () => {
      group.delete(socket);
      if (group.size === 0 && socketsByOrg.get(orgId) === group) socketsByOrg.delete(orgId);
    });
    logger.debug({ orgId, userId }, "realtime socket opened");
  }

  function forward(event: LiveEvent) {
    const group = socketsByOrg.get(event.orgId);
    if (!group) return;
    const data = JSON.stringify(event);
    for (const socket of group) {
      if (socket.readyState !== WebSocket.OPEN) continue;
      if (socket.bufferedAmount > maxBufferedBytes) {
        logger.warn({ orgId: event.orgId, buffered: socket.bufferedAmount }, "dropping a realtime socket that is not reading");
        socket.terminate();
        continue;
      }
      socket.send(data);
    }
  }

  const server = http.createServer((req, res) => {
    handleRequest(req, res).catch((error: unknown) => {
      logger.error({ err: error, url: req.url }, "realtime request failed");
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, errorBody(500, "internal_error", "request failed").body);
    });
  });

  async function handleRequest(req: http.IncomingMessage, res: http.ServerResponse) {
    const { pathname } = new URL(req.url ?? "/", "http://realtime.internal");
    if (pathname === "/health" && req.method === "GET") {
      return sendJson(res, 200, { ok: true, connections: wss.clients.size });
    }
    if (pathname.startsWith("/internal/") && !hasBearer(req.headers.authorization, secret)) {
      return sendError(res, 401, "unauthorized", "missing or wrong Authorization: Bearer <REALTIME_SECRET>");
    }
    const matches = pathname.startsWith("/internal/") ? matchRoutes(internalRoutes, pathname.slice("/internal/".length)) : [];
    if (matches.length === 0) return sendError(res, 404, "not_found", `no route for ${req.method} ${pathname}`);
    const match = matches.find((candidate) => candidate.method === req.method);
    if (!match) return sendError(res, 405, "method_not_allowed", `use ${matches.map((candidate) => candidate.method).join(" or ")}`);
    const body: BodyResult = req.method === "GET" ? { ok: true, value: undefined } : await readJson(req);
    const result = body.ok ? await match.route(body.value, { method: match.method, params: match.params }) : errorBody(body.status, body.code, body.message);
    if ("stream" in result) {
      res.writeHead(result.status, result.headers ?? {});
      await pipeline(result.stream, res);
      return;
    }
    sendJson(res, result.status, result.body);
  }

  server.on("upgrade", (req: http.IncomingMessage, socket, head) => {
    socket.on("error", () => socket.destroy());
    const url = new URL(req.url ?? "/", "http://realtime.internal");
    if (url.pathname !== REALTIME_PATH) return refuseUpgrade(socket, 404, "Not Found");
    if (closing) return refuseUpgrade(socket, 503, "Service Unavailable");
    const token = url.searchParams.get("token");
    const verdict = token ? verifyRealtimeToken(token, { secret }) : ({ ok: false, reason: "missing" } as const);
    if (!verdict.ok) {
      logger.info({ reason: verdict.reason }, "refused realtime socket");
      return refuseUpgrade(socket, 401, "Unauthorized");
    }
    wss.handleUpgrade(req, socket, head, (ws) => register(ws, verdict.claims));
  });

  const unsubscribe = await bus.subscribe(forward);
  const heartbeat = setInterval(() => {
    for (const socket of wss.clients) {
      if (awaitingPong.has(socket)) {
        socket.terminate();
        continue;
      }
      awaitingPong.add(socket);
      socket.ping();
    }
  }, heartbeatMs);
  heartbeat.unref();

  async function shutDown() {
    clearInterval(heartbeat);
    await unsubscribe();
    const sockets = [...wss.clients];
    const allClosed = Promise.all(sockets.map((socket) => new Promise((resolve) => socket.once("close", resolve))));
    for (const socket of sockets) socket.close(1001, "server shutting down");
    await Promise.race([allClosed, sleep(CLOSE_GRACE_MS, undefined, { ref: false })]);
    for (const socket of wss.clients) socket.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  return {
    server,
    connectionCount: () => wss.clients.size,
    close: () => (closing ??= shutDown()),
  };
}

type CompiledRoute = { method: string; segments: string[]; route: InternalRoute };

function compileRoutes(routes: Record<string, InternalRoute>): CompiledRoute[] {
  return Object.entries(routes).map(([key, route]) => {
    const [method, path] = key.includes(" ") ? key.split(" ", 2) : ["POST", key];
    return { method: method!.toUpperCase(), segments: path!.split("/"), route };
  });
}

function matchRoutes(routes: CompiledRoute[], path: string) {
  const parts = path.split("/");
  return routes.flatMap(({ method, segments, route }) => {
    if (segments.length !== parts.length) return [];
    const params: Record<string, string> = {};
    for (const [index, segment] of segments.entries()) {
      const part = parts[index]!;
      if (segment.startsWith(":")) {
        const value = safeDecode(part);
        if (!value) return [];
        params[segment.slice(1)] = value;
      } else if (segment !== part) return [];
    }
    return [{ method, params, route }];
  });
}

function safeDecode(part: string): string | null {
  try {
    return decodeURIComponent(part) || null;
  } catch {
    return null;
  }
}

function hasBearer(header: string | undefined, secret: string): boolean {
  const match = /^Bearer (\S+)$/.exec(header ?? "");
  if (!match?.[1]) return false;
  // Hashing first gives equal-length inputs, as timingSafeEqual requires, without leaking the length.
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(match[1]), digest(secret));
}

type BodyResult = { ok: true; value: unknown } | { ok: false; status: number; code: string; message: string };

async function readJson(req: http.IncomingMessage): Promise<BodyResult> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Keep draining past the limit (callers are authenticated) so the 413 reaches them on a healthy socket.
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  if (size > MAX_BODY_BYTES) return { ok: false, status: 413, code: "too_large", message: `body over ${MAX_BODY_BYTES} bytes` };
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString("utf8")) };
  } catch {
    return { ok: false, status: 400, code: "invalid_json", message: "body is not JSON" };
  }
}

function errorBody(status: number, code: string, message: string, details?: unknown) {
  return { status, body: { error: { code, message, details } } };
}

function sendError(res: http.ServerResponse, status: number, code: string, message: string) {
  sendJson(res, status, errorBody(status, code, message).body);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  const json = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
  res.end(json);
}

/** Answers an upgrade request with a plain HTTP error, so the handshake never completes. */
function refuseUpgrade(socket: Duplex, status: number, reason: string) {
  socket.once("finish", () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length}\r\n\r\n${reason}`);
}
