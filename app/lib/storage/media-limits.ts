// Shared by server and browser (e.g. an <input accept>): no node imports here.
import type { MediaKind } from "~/modules/channels/types";

const KB = 1024;
const MB = 1024 * KB;

/**
 * WhatsApp's published limits (the strictest of our channels): what a customer's phone accepts is what
 * we store. Stickers are WebP: 100 KB static, 500 KB animated.
 */
export const MEDIA_LIMITS: Record<MediaKind, { maxBytes: number; mimeTypes: readonly string[] }> = {
  image: { maxBytes: 5 * MB, mimeTypes: ["image/jpeg", "image/png"] },
  audio: { maxBytes: 16 * MB, mimeTypes: ["audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"] },
  video: { maxBytes: 16 * MB, mimeTypes: ["video/mp4", "video/3gpp", "video/3gp"] },
  document: {
    maxBytes: 100 * MB,
    mimeTypes: [
      "application/pdf",
      "text/plain",
      "application/msword",
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "application/vnd.ms-excel",
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "application/vnd.ms-powerpoint",
      "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ],
  },
  sticker: { maxBytes: 500 * KB, mimeTypes: ["image/webp"] },
};

export const STATIC_STICKER_MAX_BYTES = 100 * KB;

export type MediaErrorCode = "media_too_large" | "media_type_not_allowed";

export class MediaError extends Error {
  constructor(
    public readonly code: MediaErrorCode,
    message: string,
    public readonly details: { kind?: MediaKind; mimeType: string; maxBytes?: number } = { mimeType: "" },
  ) {
    super(message);
    this.name = "MediaError";
  }
}

/** `audio/ogg; codecs=opus` → `audio/ogg`. */
export function baseMimeType(mimeType: string): string {
  return mimeType.split(";")[0]!.trim().toLowerCase();
}

/** The kind a MIME type is sent as, or null when no kind accepts it. An explicit kind must accept the type. */
export function classifyMedia(mimeType: string, kind?: MediaKind): MediaKind | null {
  const base = baseMimeType(mimeType);
  if (kind) return MEDIA_LIMITS[kind].mimeTypes.includes(base) ? kind : null;
  for (const candidate of Object.keys(MEDIA_LIMITS) as MediaKind[]) {
    if (MEDIA_LIMITS[candidate].mimeTypes.includes(base)) return candidate;
  }
  return null;
}

/** Checks the type up front (before any byte is stored); throws `media_type_not_allowed`. */
export function mediaRulesFor(mimeType: string, kind?: MediaKind): { kind: MediaKind; maxBytes: number } {
  const classified = classifyMedia(mimeType, kind);
  if (!classified) {
    throw new MediaError("media_type_not_allowed", `${baseMimeType(mimeType) || "(no type)"} is not accepted${kind ? ` as ${kind}` : ""}`, { kind, mimeType });
  }
  return { kind: classified, maxBytes: MEDIA_LIMITS[classified].maxBytes };
}

export function tooLarge(kind: MediaKind, mimeType: string, maxBytes: number): MediaError {
  return new MediaError("media_too_large", `${kind} files are limited to ${formatBytes(maxBytes)}`, { kind, mimeType, maxBytes });
}

/**
 * An animated WebP is an extended ("VP8X") file with the animation flag set; anything else is a
 * static sticker with the smaller limit. Needs the first 21 bytes.
 */
export function isAnimatedWebp(head: Uint8Array): boolean {
  const ascii = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  return head.length >= 21 && ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP" && ascii(12, 16) === "VP8X" && (head[20]! & 0x02) !== 0;
}

export function formatBytes(bytes: number): string {
  return bytes >= MB ? `${Math.round(bytes / MB)} MB` : `${Math.round(bytes / KB)} KB`;
}
