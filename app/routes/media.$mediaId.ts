import { createReadableStreamFromReadable, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { getDb } from "~/lib/db.server";
import { getEnv } from "~/lib/env.server";
import { findMedia, findMediaForSignedLink, mediaLink, type MediaRecord } from "~/lib/storage/media.server";
import { verifyMediaToken } from "~/lib/storage/media-token.server";
import { getStorage, isStorageNotFound } from "~/lib/storage/storage.server";
import { notFound, requireOrg } from "~/modules/auth/guards.server";

/** A stored file: for a member of its organization (session) or for whoever holds a fresh signed link. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const mediaId = params.mediaId ?? "";
  const url = new URL(request.url);
  const db = getDb();
  let media: MediaRecord | null;
  if (url.searchParams.has("token")) {
    const valid = verifyMediaToken(mediaId, { expires: url.searchParams.get("expires"), token: url.searchParams.get("token") }, { secret: getEnv().SESSION_SECRET });
    media = valid ? await findMediaForSignedLink(db, mediaId) : null;
  } else {
    const { org } = await requireOrg(request);
    media = await findMedia(db, org.id, mediaId);
  }
  if (!media) notFound("Media not found");

  const storage = getStorage();
  if (storage.backend === "s3") throw redirect(await mediaLink(media, 300, storage), { headers: { "Cache-Control": "private, no-store" } });
  try {
    const body = await storage.get(media.storageKey);
    return new Response(createReadableStreamFromReadable(body), { headers: mediaHeaders(media) });
  } catch (error) {
    if (isStorageNotFound(error)) notFound("Media file is missing");
    throw error;
  }
}

function mediaHeaders(media: MediaRecord): HeadersInit {
  const inline = media.kind !== null && media.kind !== "document";
  const filename = media.filename ?? media.id;
  return {
    "Content-Type": media.mimeType,
    "Content-Length": String(media.sizeBytes),
    "Content-Disposition": `${inline ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(filename)}`,
    "Cache-Control": "private, max-age=300",
    "X-Content-Type-Options": "nosniff",
    // Customer-sent files are untrusted: never let one run as a page of ours.
    "Content-Security-Policy": "default-src 'none'; sandbox",
  };
}
