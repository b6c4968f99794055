// Shared by the realtime server, proxy and client tests.
import type http from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket, type ClientOptions } from "ws";
import { LiveEventTypes, type LiveEvent } from "~/lib/events/types";

/** Opens a socket; rejects with `{ status }` when the server answers the handshake with an HTTP error. */
export function openSocket(url: string, options?: ClientOptions): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options);
    socket.once("open", () => resolve(socket));
    socket.once("error", reject);
    socket.once("unexpected-response", (request, response) => {
      response.resume();
      request.destroy();
      reject(Object.assign(new Error(`handshake refused with ${response.statusCode}`), { status: response.statusCode }));
    });
  });
}

/** Records the events a socket receives. */
export function inbox(socket: WebSocket): LiveEvent[] {
  const events: LiveEvent[] = [];
  socket.on("message", (data) => events.push(JSON.parse(String(data)) as LiveEvent));
  return events;
}

export function liveEvent(orgId: string, conversationId: string): LiveEvent {
  return { orgId, type: LiveEventTypes.conversationUpdated, ids: { conversationId } };
}

/** Listens on a free loopback port and returns the server's base URL. */
export async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
