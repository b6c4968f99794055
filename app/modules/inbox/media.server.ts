import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { MediaError, saveMedia } from "~/lib/storage/media.server";
import type { MediaBody } from "~/lib/storage/storage.server";
import { getAdapter } from "../channels/registry.server";
import type { ConnectionContext } from "../channels/types";

/** Media a provider can download for us (Meta by media id, Twilio/Baileys by URL or key): optional on the adapter. */
type MediaDownloader = { downloadMedia(connection: ConnectionContext, reference: string): Promise<{ stream: MediaBody; mimeType: string }> };

function canDownload(adapter: object): adapter is MediaDownloader {
  return typeof (adapter as Partial<MediaDownloader>).downloadMedia === "function";
}

type InboundMediaContent = { media?: { providerMediaId?: string; url?: string; mimeType?: string; filename?: string }; mediaError?: string };

/**
 * Copies an inbound message's media into our storage. A download that may work later throws (the
 * webhook job retries); a file we will never accept is noted on the message instead.
 */
export async function fetchInboundMedia(db: Database, connection: ConnectionContext, messageId: string): Promise<void> {
  const message = await db.selectFrom("messages").select(["content", "media_id"]).where("id", "=", messageId).executeTakeFirstOrThrow();
  const content = (message.content ?? {}) as InboundMediaContent;
  const reference = content.media?.providerMediaId ?? content.media?.url;
  if (message.media_id || !reference || content.mediaError) return;
  const adapter = getAdapter(connection.kind);
  if (!canDownload(adapter)) return;
  let mediaId: string;
  try {
    const download = await adapter.downloadMedia(connection, reference);
    const stored = await saveMedia(db, connection.orgId, download.stream, { mimeType: download.mimeType || content.media?.mimeType || "application/octet-stream", filename: content.media?.filename });
    mediaId = stored.id;
  } catch (error) {
    const permanent = error instanceof MediaError || (error as { failure?: { retryable?: boolean } }).failure?.retryable === false;
    if (!permanent) throw error;
    await db
      .updateTable("messages")
      .set({ content: sql`content || ${JSON.stringify({ mediaError: error instanceof Error ? error.message : String(error) })}::jsonb` })
      .where("id", "=", messageId)
      .execute();
    return;
  }
  await db.updateTable("messages").set({ media_id: mediaId }).where("id", "=", messageId).execute();
}
