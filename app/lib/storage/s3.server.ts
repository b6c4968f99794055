import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setTimeout as sleep } from "node:timers/promises";
import type { S3Client } from "@aws-sdk/client-s3";
import { assertSafeKey, DEFAULT_URL_TTL_SECONDS, MeasuringStream, type MediaStorage, StorageNotFoundError, toReadable } from "./object-store.server";

export type S3StorageOptions = {
  bucket: string;
  region: string;
  /** Any S3-compatible endpoint (MinIO, R2, the test fake); unset means AWS. */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Unset means the SDK's default chain (env, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Where bodies are spooled before upload (PutObject needs the length up front). */
  spoolDir?: string;
};

// Presigned URLs cannot outlive the signing credentials, and SigV4 caps them at 7 days.
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;
const PUT_ATTEMPTS = 3;

// The SDK takes most of a second to load: processes on local disk (the default) never pay for it.
const loadSdk = () => Promise.all([import("@aws-sdk/client-s3"), import("@aws-sdk/s3-request-presigner")]);

export function createS3Storage(options: S3StorageOptions): MediaStorage {
  let ready: Promise<{ client: S3Client; sdk: Awaited<ReturnType<typeof loadSdk>> }> | undefined;
  const connect = () =>
    (ready ??= loadSdk().then((sdk) => ({
      sdk,
      client: new sdk[0].S3Client({
        region: options.region,
        endpoint: options.endpoint,
        forcePathStyle: options.forcePathStyle,
        credentials: options.credentials,
        // Checksums only when an operation requires them: several S3-compatible services reject the SDK's newer default trailers.
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
      }),
    })));
  const { bucket } = options;
  const spoolDir = options.spoolDir ?? path.join(os.tmpdir(), "masteria-media-spool");

  return {
    backend: "s3",

    async put(key, body, putOptions) {
      assertSafeKey(key);
      // Measure (size, hash, limits) into a spool file first: nothing reaches the bucket unless it passed.
      await mkdir(spoolDir, { recursive: true });
      const spool = path.join(spoolDir, randomUUID());
      const measure = new MeasuringStream(putOptions);
      const { client, sdk } = await connect();
      try {
        await pipeline(toReadable(body), measure, createWriteStream(spool, { flags: "wx" }));
        const sha256 = measure.digest();
        // The SDK cannot rewind a stream body to retry it; the spool file can, so transient failures are retried here.
        for (let attempt = 1; ; attempt++) {
          try {
            await client.send(
              new sdk[0].PutObjectCommand({
                Bucket: bucket,
                Key: key,
                Body: createReadStream(spool),
                ContentLength: measure.size,
                ContentType: putOptions.contentType,
                Metadata: { sha256 },
              }),
            );
            return { size: measure.size, sha256 };
          } catch (error) {
            if (attempt >= PUT_ATTEMPTS || !isTransient(error)) throw error;
            await sleep(100 * 4 ** (attempt - 1));
          }
        }
      } finally {
        await rm(spool, { force: true });
      }
    },

    async get(key) {
      assertSafeKey(key);
      const { client, sdk } = await connect();
      try {
        const result = await client.send(new sdk[0].GetObjectCommand({ Bucket: bucket, Key: key }));
        if (!(result.Body instanceof Readable)) throw new Error("S3 GetObject returned no stream body");
        return result.Body;
      } catch (error) {
        if (isNotFound(error)) throw new StorageNotFoundError(key);
        throw error;
      }
    },

    async url(key, { expiresIn = DEFAULT_URL_TTL_SECONDS } = {}) {
      assertSafeKey(key);
      const { client, sdk } = await connect();
      return sdk[1].getSignedUrl(client, new sdk[0].GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: Math.min(expiresIn, MAX_PRESIGN_SECONDS) });
    },

    async delete(key) {
      assertSafeKey(key);
      const { client, sdk } = await connect();
      await client.send(new sdk[0].DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
  };
}

type ServiceError = Error & { $metadata?: { httpStatusCode?: number }; $retryable?: unknown };

function isNotFound(error: unknown): boolean {
  const service = error as ServiceError;
  return error instanceof Error && (service.name === "NoSuchKey" || service.name === "NotFound" || service.$metadata?.httpStatusCode === 404);
}

function isTransient(error: unknown): boolean {
  const status = (error as ServiceError).$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500 || (error as ServiceError).$retryable !== undefined;
  return error instanceof Error && /ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|socket hang up/i.test(`${(error as NodeJS.ErrnoException).code ?? ""} ${error.message}`);
}
