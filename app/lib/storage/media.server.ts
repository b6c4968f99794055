import { randomUUID } from "node:crypto";
import type { Database } from "#db/index.js";
import type { MediaKind } from "~/modules/channels/types";
import { baseMimeType, isAnimatedWebp, MediaError, mediaRulesFor, STATIC_STICKER_MAX_BYTES, tooLarge } from "./media-limits";
import { mediaKey } from "./media-token.server";
import type { MediaBody, MediaStorage } from "./object-store.server";
import { getStorage } from "./storage.server";

export { MediaError } from "./media-limits";

export type MediaRecord = {
  id: string;
  orgId: string;
  storageKey: string;
  mimeType: string;
  kind: MediaKind | null;
  sizeBytes: number;
  filename: string | null;
  sha256: string | null;
  createdAt: Date;
};

export type SaveMediaOptions = {
  mimeType: string;
  filename?: string | null;
  /** How it will be sent; inferred from the MIME type when omitted. */
  kind?: MediaKind;
  storage?: MediaStorage;
};

/**
 * Stores a file for an organization and records it. Type and size follow WhatsApp's limits
 * (`media_type_not_allowed` before reading, `media_too_large` as soon as the stream passes the limit);
 * on any failure nothing is stored and no row is written.
 */
export async function saveMedia(db: Database, orgId: string, body: MediaBody, options: SaveMediaOptions): Promise<MediaRecord> {
  const storage = options.storage ?? getStorage();
  const mimeType = baseMimeType(options.mimeType);
  const { kind, maxBytes } = mediaRulesFor(mimeType, options.kind);
  let staticSticker = false;
  const id = randomUUID();
  const key = mediaKey(orgId, id);
  const stored = await storage.put(key, body, {
    contentType: mimeType,
    maxBytes,
    onTooLarge: () => tooLarge(kind, mimeType, maxBytes),
    inspectHead: kind === "sticker" ? (head) => void (staticSticker = !isAnimatedWebp(head)) : undefined,
  });
  if (staticSticker && stored.size > STATIC_STICKER_MAX_BYTES) {
    await storage.delete(key);
    throw new MediaError("media_too_large", "static stickers are limited to 100 KB", { kind, mimeType, maxBytes: STATIC_STICKER_MAX_BYTES });
  }
  try {
    const row = await db
      .insertInto("media")
      .values({ id, org_id: orgId, storage_key: key, mime_type: mimeType, size_bytes: stored.size, filename: cleanFilename(options.filename), sha256: stored.sha256 })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRecord(row);
  } catch (error) {
    await storage.delete(key).catch(() => undefined);
    throw error;
  }
}

export async function findMedia(db: Database, orgId: string, mediaId: string): Promise<MediaRecord | null> {
  if (!isUuid(mediaId)) return null;
  const row = await db.selectFrom("media").selectAll().where("org_id", "=", orgId).where("id", "=", mediaId).executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** Only for signed links, where the token (not a session) names the media. */
export async function findMediaForSignedLink(db: Database, mediaId: string): Promise<MediaRecord | null> {
  if (!isUuid(mediaId)) return null;
  const row = await db.selectFrom("media").selectAll().where("id", "=", mediaId).executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** A link a provider can fetch without a session: presigned on S3, HMAC-signed app URL on local disk. */
export function mediaLink(media: Pick<MediaRecord, "storageKey">, expiresIn?: number, storage: MediaStorage = getStorage()): Promise<string> {
  return storage.url(media.storageKey, { expiresIn });
}

function toRecord(row: { id: string; org_id: string; storage_key: string; mime_type: string; size_bytes: number; filename: string | null; sha256: string | null; created_at: Date }): MediaRecord {
  const kind = (() => {
    try {
      return mediaRulesFor(row.mime_type).kind;
    } catch {
      return null;
    }
  })();
  return {
    id: row.id,
    orgId: row.org_id,
    storageKey: row.storage_key,
    mimeType: row.mime_type,
    kind,
    sizeBytes: Number(row.size_bytes),
    filename: row.filename,
    sha256: row.sha256,
    createdAt: row.created_at,
  };
}

/** A display name only: path parts and control characters dropped, length capped. */
function cleanFilename(filename: string | null | undefined): string | null {
  const name = [...((filename ?? "").split(/[\\/]/).pop() ?? "")]
    .filter((char) => char.charCodeAt(0) >= 0x20 && char.charCodeAt(0) !== 0x7f && char !== '"')
    .join("")
    .trim();
  return name ? name.slice(0, 200) : null;
}

function isUuid(value: string) {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
