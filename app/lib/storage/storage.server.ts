import { getEnv } from "~/lib/env.server";
import { createLocalDiskStorage } from "./local-disk.server";
import type { MediaStorage } from "./object-store.server";
import { createS3Storage } from "./s3.server";

export { DEFAULT_URL_TTL_SECONDS, isStorageNotFound, StorageNotFoundError, type MediaBody, type MediaStorage, type PutOptions, type StoredObject } from "./object-store.server";

declare global {
  var __masteriaStorage: MediaStorage | undefined;
}

/** The process-wide media storage: S3 when S3_BUCKET is set, else local disk under MEDIA_DIR. */
export function getStorage(): MediaStorage {
  globalThis.__masteriaStorage ??= createStorageFromEnv();
  return globalThis.__masteriaStorage;
}

function createStorageFromEnv(): MediaStorage {
  const env = getEnv();
  if (env.S3_BUCKET) {
    return createS3Storage({
      bucket: env.S3_BUCKET,
      endpoint: env.S3_ENDPOINT,
      region: env.S3_REGION,
      forcePathStyle: env.S3_FORCE_PATH_STYLE,
      credentials: env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY } : undefined,
    });
  }
  return createLocalDiskStorage({ root: env.MEDIA_DIR, appUrl: env.APP_URL, signingSecret: env.SESSION_SECRET });
}
