import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { mediaIdFromKey, signMediaLink } from "./media-token.server";
import { assertSafeKey, DEFAULT_URL_TTL_SECONDS, MeasuringStream, type MediaStorage, StorageNotFoundError, toReadable } from "./object-store.server";

export type LocalDiskOptions = { root: string; appUrl: string; signingSecret: string };

/** Files under `root` (MEDIA_DIR, `.data/media` by default); written to a temp file first, then renamed into place. */
export function createLocalDiskStorage({ root, appUrl, signingSecret }: LocalDiskOptions): MediaStorage {
  const base = path.resolve(root);
  const pathOf = (key: string) => {
    assertSafeKey(key);
    return path.join(base, ...key.split("/"));
  };

  return {
    backend: "local",

    async put(key, body, options) {
      const target = pathOf(key);
      const temp = path.join(base, ".tmp", randomUUID());
      await mkdir(path.dirname(temp), { recursive: true });
      const measure = new MeasuringStream(options);
      try {
        await pipeline(toReadable(body), measure, createWriteStream(temp, { flags: "wx" }));
        await mkdir(path.dirname(target), { recursive: true });
        await rename(temp, target);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      return { size: measure.size, sha256: measure.digest() };
    },

    async get(key): Promise<Readable> {
      const file = pathOf(key);
      const found = await stat(file).catch(() => null);
      if (!found?.isFile()) throw new StorageNotFoundError(key);
      return createReadStream(file);
    },

    async url(key, { expiresIn = DEFAULT_URL_TTL_SECONDS } = {}) {
      assertSafeKey(key);
      return signMediaLink(mediaIdFromKey(key), { secret: signingSecret, appUrl, expiresIn });
    },

    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}
