import { createHash } from "node:crypto";
import { Readable, Transform, type TransformCallback } from "node:stream";

export type MediaBody = Readable | Uint8Array | AsyncIterable<Uint8Array>;

export type PutOptions = {
  contentType: string;
  /** Stop reading and store nothing once the body passes this many bytes; `onTooLarge` builds the error. */
  maxBytes?: number;
  onTooLarge?: () => Error;
  /** Called with the first bytes (up to 64) once they arrive, to check the content beyond its declared type. */
  inspectHead?: (head: Uint8Array) => void;
};

export type StoredObject = { size: number; sha256: string };

export interface MediaStorage {
  readonly backend: "local" | "s3";
  put(key: string, body: MediaBody, options: PutOptions): Promise<StoredObject>;
  /** Rejects with StorageNotFoundError when the key holds nothing. */
  get(key: string): Promise<Readable>;
  /** A URL that serves the object without a session for `expiresIn` seconds (providers fetch media through it). */
  url(key: string, options?: { expiresIn?: number }): Promise<string>;
  /** Deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
}

export class StorageNotFoundError extends Error {
  constructor(key: string) {
    super(`no stored object at ${key}`);
    this.name = "StorageNotFoundError";
  }
}

/** By name, not instanceof: the storage is process-wide, and a dev rebuild (or a test next to a build) loads this module twice. */
export function isStorageNotFound(error: unknown): boolean {
  return error instanceof Error && error.name === "StorageNotFoundError";
}

export const DEFAULT_URL_TTL_SECONDS = 15 * 60;

const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Keys are relative paths of plain segments: no `..`, no leading slash, no backslashes or odd characters. */
export function assertSafeKey(key: string): void {
  const segments = key.split("/");
  const safe = key.length <= 512 && segments.length <= 8 && segments.every((segment) => SAFE_SEGMENT.test(segment) && !segment.includes(".."));
  if (!safe) throw new Error(`unsafe storage key: ${JSON.stringify(key)}`);
}

export function toReadable(body: MediaBody): Readable {
  if (body instanceof Readable) return body;
  if (body instanceof Uint8Array) return Readable.from([body]);
  return Readable.from(body);
}

/** Passes bytes through while computing their SHA-256 and size, failing as soon as `maxBytes` is passed. */
export class MeasuringStream extends Transform {
  size = 0;
  private readonly hash = createHash("sha256");
  private head: Buffer[] = [];
  private headBytes = 0;
  private headChecked = false;

  constructor(private readonly options: Pick<PutOptions, "maxBytes" | "onTooLarge" | "inspectHead"> = {}) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    this.size += chunk.length;
    const { maxBytes, onTooLarge } = this.options;
    if (maxBytes !== undefined && this.size > maxBytes) {
      callback(onTooLarge?.() ?? new Error(`body is over ${maxBytes} bytes`));
      return;
    }
    try {
      this.collectHead(chunk);
    } catch (error) {
      callback(error as Error);
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback) {
    try {
      this.checkHead();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  digest(): string {
    return this.hash.digest("hex");
  }

  private collectHead(chunk: Buffer) {
    if (this.headChecked || !this.options.inspectHead) return;
    this.head.push(chunk);
    this.headBytes += chunk.length;
    if (this.headBytes >= 64) this.checkHead();
  }

  private checkHead() {
    if (this.headChecked || !this.options.inspectHead) return;
    this.headChecked = true;
    this.options.inspectHead(Buffer.concat(this.head).subarray(0, 64));
    this.head = [];
  }
}
