import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeS3, startFakeS3 } from "../../../tests/fakes/s3";
import { createLocalDiskStorage } from "./local-disk.server";
import { MediaError, tooLarge } from "./media-limits";
import { verifyMediaToken } from "./media-token.server";
import { type MediaStorage, StorageNotFoundError } from "./object-store.server";
import { createS3Storage } from "./s3.server";

const secret = "test-session-secret-0123456789abcdef0123456789";
const orgId = randomUUID();

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function chunked(bytes: Buffer, size = 64 * 1024): Readable {
  return Readable.from((function* () {
    for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
  })());
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** The same behaviour is required of both backends. */
function storageContract(name: string, setup: () => { storage: MediaStorage; listStored: () => Promise<string[]> }) {
  describe(`${name} storage`, () => {
    it("streams in and out, measuring size and SHA-256 while writing", async () => {
      const { storage } = setup();
      const bytes = randomBytes(300 * 1024 + 7);
      const key = `${orgId}/${randomUUID()}`;
      const stored = await storage.put(key, chunked(bytes), { contentType: "image/png" });
      expect(stored).toEqual({ size: bytes.length, sha256: sha256(bytes) });
      expect((await readAll(await storage.get(key))).equals(bytes)).toBe(true);
      await storage.delete(key);
      await expect(storage.get(key)).rejects.toBeInstanceOf(StorageNotFoundError);
      await storage.delete(key); // deleting twice is fine
    });

    it("accepts bytes too", async () => {
      const { storage } = setup();
      const key = `${orgId}/${randomUUID()}`;
      expect((await storage.put(key, Buffer.from("hello"), { contentType: "text/plain" })).size).toBe(5);
      expect((await readAll(await storage.get(key))).toString()).toBe("hello");
    });

    it("stops at the size limit and stores nothing", async () => {
      const { storage, listStored } = setup();
      const before = await listStored();
      const key = `${orgId}/${randomUUID()}`;
      const put = storage.put(key, chunked(randomBytes(200 * 1024)), { contentType: "image/png", maxBytes: 100 * 1024, onTooLarge: () => tooLarge("image", "image/png", 100 * 1024) });
      await expect(put).rejects.toMatchObject({ code: "media_too_large" });
      await expect(put).rejects.toBeInstanceOf(MediaError);
      expect(await listStored()).toEqual(before);
      await expect(storage.get(key)).rejects.toBeInstanceOf(StorageNotFoundError);
    });

    it.each(["../etc/passwd", "/abs/path", "a/../../b", "a\\b", "", "a//b", ".hidden", "a/b c"])("refuses the unsafe key %j", async (key) => {
      const { storage } = setup();
      await expect(storage.put(key, Buffer.from("x"), { contentType: "text/plain" })).rejects.toThrow(/unsafe storage key/);
      await expect(storage.get(key)).rejects.toThrow(/unsafe storage key/);
    });
  });
}

describe("local disk", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "masteria-media-test-"));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  const local = () => createLocalDiskStorage({ root, appUrl: "https://app.example.test", signingSecret: secret });
  storageContract("local", () => ({
    storage: local(),
    listStored: async () => (await readdir(root, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name)).sort(),
  }));

  it("links media with a short-lived HMAC token on the app's URL", async () => {
    const mediaId = randomUUID();
    const link = new URL(await local().url(`${orgId}/${mediaId}`, { expiresIn: 60 }));
    expect(link.origin + link.pathname).toBe(`https://app.example.test/media/${mediaId}`);
    const token = { expires: link.searchParams.get("expires"), token: link.searchParams.get("token") };
    expect(verifyMediaToken(mediaId, token, { secret })).toBe(true);
    expect(verifyMediaToken(randomUUID(), token, { secret })).toBe(false);
    expect(verifyMediaToken(mediaId, token, { secret, now: new Date(Date.now() + 61_000) })).toBe(false);
    expect(verifyMediaToken(mediaId, { ...token, expires: String(Number(token.expires) + 3600) }, { secret })).toBe(false);
    expect(verifyMediaToken(mediaId, token, { secret: `${secret}x` })).toBe(false);
    await expect(local().url("not-a-media-key")).rejects.toThrow(/only media keys/);
  });
});

describe("S3 (against the loopback fake)", () => {
  let s3: FakeS3;
  const credentials = { accessKeyId: "AKIAFAKE", secretAccessKey: "fake-secret-key" };
  beforeAll(async () => {
    s3 = await startFakeS3({ ...credentials, buckets: ["media"], region: "sa-east-1" });
  });
  afterAll(() => s3.close());

  const s3Storage = (overrides: Partial<Parameters<typeof createS3Storage>[0]> = {}) =>
    createS3Storage({ bucket: "media", region: "sa-east-1", endpoint: s3.endpoint, forcePathStyle: true, credentials, ...overrides });

  storageContract("s3", () => ({ storage: s3Storage(), listStored: async () => s3.objectKeys("media").sort() }));

  it("sends path-style SigV4-signed requests with the content type and hash", async () => {
    const key = `${orgId}/${randomUUID()}`;
    const bytes = randomBytes(1000);
    await s3Storage().put(key, bytes, { contentType: "image/jpeg" });
    const put = s3.requests.findLast((request) => request.method === "PUT")!;
    expect(put).toMatchObject({ bucket: "media", key, status: 200, presigned: false });
    expect(put.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAFAKE\/\d{8}\/sa-east-1\/s3\/aws4_request/);
    expect(s3.object("media", key)).toMatchObject({ contentType: "image/jpeg", metadata: { sha256: sha256(bytes) } });
  });

  it("presigns GETs that work without credentials until they expire", async () => {
    const key = `${orgId}/${randomUUID()}`;
    await s3Storage().put(key, Buffer.from("presigned"), { contentType: "text/plain" });
    const url = await s3Storage().url(key, { expiresIn: 120 });
    expect(url).toContain("X-Amz-Signature=");
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("presigned");
    const tampered = await fetch(url.replace(key, `${orgId}/${randomUUID()}`));
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain("<Code>SignatureDoesNotMatch</Code>");
  });

  it("surfaces wrong credentials and server errors instead of pretending", async () => {
    const wrong = s3Storage({ credentials: { accessKeyId: "AKIAFAKE", secretAccessKey: "wrong" } });
    await expect(wrong.put(`${orgId}/${randomUUID()}`, Buffer.from("x"), { contentType: "text/plain" })).rejects.toMatchObject({ name: "SignatureDoesNotMatch" });
    s3.fail({ method: "PUT", status: 503, code: "SlowDown", times: 10 });
    await expect(s3Storage().put(`${orgId}/${randomUUID()}`, Buffer.from("x"), { contentType: "text/plain" })).rejects.toMatchObject({ name: "SlowDown" });
    s3.reset();
    // One transient failure is retried by the SDK.
    s3.fail({ method: "PUT", status: 500, code: "InternalError", times: 1 });
    const key = `${orgId}/${randomUUID()}`;
    await s3Storage().put(key, Buffer.from("retried"), { contentType: "text/plain" });
    expect(s3.object("media", key)?.body.toString()).toBe("retried");
  });
});
