import http from "node:http";
import net from "node:net";
import type { Duplex } from "node:stream";

/**
 * Forwards WebSocket upgrades for `path` from the web server to the realtime sidecar, so browsers
 * talk to one origin (ws(s)://<web host>/realtime?token=…) and the sidecar stays on a private port.
 * The path and query are passed through unchanged. Returns a function that detaches the proxy.
 */
export function attachRealtimeProxy(server: http.Server, targetBaseUrl: string, path = "/realtime"): () => void {
  const target = new URL(targetBaseUrl);
  if (target.protocol !== "http:") throw new Error(`realtime proxy target must be an http:// URL, got ${targetBaseUrl}`);

  function onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer) {
    const { pathname } = new URL(req.url ?? "/", "http://web.local");
    if (pathname === path) return forwardUpgrade(req, socket, head, target);
    // Another upgrade listener may own this path; when there is none, nobody else would answer.
    if (server.listenerCount("upgrade") === 1) refuse(socket, 404, "Not Found");
  }

  server.on("upgrade", onUpgrade);
  return () => server.off("upgrade", onUpgrade);
}

function forwardUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, target: URL) {
  const forwardedFor = [req.headers["x-forwarded-for"], req.socket.remoteAddress].filter(Boolean).join(", ");
  const upstream = http.request({
    hostname: target.hostname,
    port: target.port || 80,
    method: req.method,
    path: req.url,
    headers: {
      ...req.headers,
      "x-forwarded-for": forwardedFor,
      "x-forwarded-host": req.headers.host ?? "",
      "x-forwarded-proto": "encrypted" in req.socket && req.socket.encrypted ? "https" : "http",
    },
  });
  let answered = false;

  socket.on("error", () => upstream.destroy());
  socket.on("close", () => upstream.destroy());

  upstream.on("error", () => {
    if (answered) socket.destroy();
    else refuse(socket, 502, "Bad Gateway");
  });

  // The sidecar refused the handshake (401, 404…): relay its answer as is.
  upstream.on("response", (response) => {
    answered = true;
    socket.write(statusAndHeaders(response));
    response.pipe(socket);
  });

  upstream.on("upgrade", (response, upstreamSocket: Duplex, upstreamHead: Buffer) => {
    answered = true;
    keepOpen(socket);
    keepOpen(upstreamSocket);
    upstreamSocket.on("error", () => socket.destroy());
    upstreamSocket.on("close", () => socket.destroy());
    socket.on("close", () => upstreamSocket.destroy());
    // Bytes that arrived right behind the headers belong to the WebSocket streams.
    if (upstreamHead.length > 0) upstreamSocket.unshift(upstreamHead);
    if (head.length > 0) socket.unshift(head);
    socket.write(statusAndHeaders(response));
    upstreamSocket.pipe(socket).pipe(upstreamSocket);
  });

  upstream.end();
}

// Live sockets idle for long stretches between events; the sidecar's pings keep them honest.
function keepOpen(socket: Duplex) {
  if (!(socket instanceof net.Socket)) return;
  socket.setTimeout(0);
  socket.setNoDelay(true);
  socket.setKeepAlive(true, 0);
}

function statusAndHeaders(response: http.IncomingMessage): string {
  const lines = [`HTTP/1.1 ${response.statusCode} ${response.statusMessage}`];
  for (let i = 0; i < response.rawHeaders.length; i += 2) lines.push(`${response.rawHeaders[i]}: ${response.rawHeaders[i + 1]}`);
  return `${lines.join("\r\n")}\r\n\r\n`;
}

function refuse(socket: Duplex, status: number, reason: string) {
  if (socket.destroyed) return;
  socket.once("finish", () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length}\r\n\r\n${reason}`);
}
