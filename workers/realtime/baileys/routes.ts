import { z } from "zod";
import { SecretBoxError } from "~/lib/crypto/secret-box.server";
import { baileysSendRequestSchema } from "~/modules/channels/whatsapp-baileys.server";
import type { InternalResponse, InternalRoute } from "../server";
import type { BaileysManager, ConnectOutcome } from "./manager";

const connectionId = z.uuid();
const mediaRequest = z.object({ reference: z.string().min(1).max(8_000) });

/** The sidecar's `/internal/baileys/:connectionId/*` endpoints (bearer REALTIME_SECRET, checked by the server). */
export function baileysRoutes(manager: BaileysManager): Record<string, InternalRoute> {
  const withConnection =
    (handle: (id: string, body: unknown) => Promise<InternalResponse>): InternalRoute =>
    async (body, { params }) => {
      const id = connectionId.safeParse(params.connectionId);
      return id.success ? handle(id.data, body) : error(404, "not_found", "no such connection");
    };

  return {
    "POST baileys/:connectionId/connect": withConnection(async (id) => outcome(await manager.connect(id))),
    "POST baileys/:connectionId/logout": withConnection(async (id) => outcome(await manager.logout(id))),
    "GET baileys/:connectionId/status": withConnection(async (id) => {
      const { owned, status } = manager.status(id);
      return { status: 200, body: { owned, status } };
    }),
    "GET baileys/:connectionId/qr": withConnection(async (id) => {
      const { status, qr } = manager.status(id);
      return { status: 200, body: { status, qr } };
    }),
    "POST baileys/:connectionId/send": withConnection(async (id, body) => {
      const parsed = baileysSendRequestSchema.safeParse(body);
      if (!parsed.success) return error(400, "invalid_request", z.prettifyError(parsed.error));
      return { status: 200, body: await manager.send(id, parsed.data) };
    }),
    "POST baileys/:connectionId/media": withConnection(async (id, body) => {
      const parsed = mediaRequest.safeParse(body);
      if (!parsed.success) return error(400, "invalid_request", "body must be { reference }");
      try {
        const media = await manager.downloadMedia(id, parsed.data.reference);
        if (!media) return error(409, "not_connected", "this instance holds no open session for the connection");
        return {
          status: 200,
          stream: media.stream,
          headers: { "content-type": media.mimeType, ...(media.filename ? { "x-media-filename": encodeURIComponent(media.filename) } : {}) },
        };
      } catch (cause) {
        if (cause instanceof SecretBoxError) return error(400, "invalid_reference", "the media reference was not made for this connection");
        return error(502, "download_failed", cause instanceof Error ? cause.message : String(cause));
      }
    }),
  };
}

function outcome(result: ConnectOutcome): InternalResponse {
  if (result.ok) return { status: 200, body: { status: result.status } };
  return error(result.code === "not_found" ? 404 : 409, result.code, result.message);
}

function error(status: number, code: string, message: string): InternalResponse {
  return { status, body: { error: { code, message } } };
}
