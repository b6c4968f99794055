import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { MediaError } from "../../app/lib/storage/media-limits.js";
import { findMedia, mediaLink, saveMedia } from "../../app/lib/storage/media.server.js";
import { createS3Storage } from "../../app/lib/storage/s3.server.js";
import { getStorage } from "../../app/lib/storage/storage.server.js";
import { type FakeS3, startFakeS3 } from "../fakes/s3.js";
import { startTestApp, type TestApp } from "../support/app-server.js";
import { addMember, createOrgWithOwner, TEST_PASSWORD } from "../support/factories.js";
import { expectOtherOrgGets404 } from "../support/tenant-isolation.js";

const db = getDb();
let app: TestApp;
let s3: FakeS3;

beforeAll(async () => {
  app = await startTestApp();
  s3 = await startFakeS3({ accessKeyId: "AKIAMEDIA", secretAccessKey: "media-secret", buckets: ["masteria-media"] });
});
afterAll(async () => {
  await s3.close();
  await app.close();
});

const mediaRows = (orgId: string) => db.selectFrom("media").selectAll().where("org_id", "=", orgId).execute();

/** A WebP header: VP8X with the animation flag when animated. */
function webp(size: number, animated: boolean): Buffer {
  const bytes = Buffer.alloc(size);
  bytes.write("RIFF", 0, "latin1");
  bytes.write("WEBP", 8, "latin1");
  bytes.write(animated ? "VP8X" : "VP8 ", 12, "latin1");
  if (animated) bytes[20] = 0x02;
  return bytes;
}

const backends = [
  { name: "local disk", storage: () => getStorage() },
  { name: "S3", storage: () => createS3Storage({ bucket: "masteria-media", region: "us-east-1", endpoint: s3.endpoint, forcePathStyle: true, credentials: { accessKeyId: "AKIAMEDIA", secretAccessKey: "media-secret" } }) },
];

describe.each(backends)("saveMedia on $name", ({ storage }) => {
  it("stores a stream with its size and SHA-256 and records it for the organization", async () => {
    const { org } = await createOrgWithOwner(db, "media");
    const bytes = randomBytes(700 * 1024);
    const media = await saveMedia(db, org.id, Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]), { mimeType: "image/jpeg", filename: "../../fotos/vitrine.jpg", storage: storage() });
    expect(media).toMatchObject({ orgId: org.id, mimeType: "image/jpeg", kind: "image", sizeBytes: bytes.length, filename: "vitrine.jpg", sha256: createHash("sha256").update(bytes).digest("hex") });
    expect(media.storageKey).toBe(`${org.id}/${media.id}`);
    const chunks: Buffer[] = [];
    for await (const chunk of await storage().get(media.storageKey)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    expect(await findMedia(db, org.id, media.id)).toEqual(media);
  });

  it.each([
    ["image over 5 MB", "image/png", 5 * 1024 * 1024 + 1, "media_too_large"],
    ["audio over 16 MB", "audio/ogg; codecs=opus", 16 * 1024 * 1024 + 1, "media_too_large"],
    ["a GIF", "image/gif", 10, "media_type_not_allowed"],
    ["an executable", "application/x-msdownload", 10, "media_type_not_allowed"],
  ])("refuses %s with a clear code and stores nothing", async (_label, mimeType, size, code) => {
    const { org } = await createOrgWithOwner(db, "media-limit");
    const before = s3.objectKeys("masteria-media").length;
    const attempt = saveMedia(db, org.id, Readable.from((function* () {
      for (let sent = 0; sent < size; sent += 256 * 1024) yield Buffer.alloc(Math.min(256 * 1024, size - sent));
    })()), { mimeType, storage: storage() });
    await expect(attempt).rejects.toBeInstanceOf(MediaError);
    await expect(attempt).rejects.toMatchObject({ code });
    expect(await mediaRows(org.id)).toEqual([]);
    expect(s3.objectKeys("masteria-media").length).toBe(before);
  });

  it("holds stickers to 100 KB static and 500 KB animated", async () => {
    const { org } = await createOrgWithOwner(db, "stickers");
    await expect(saveMedia(db, org.id, webp(150 * 1024, false), { mimeType: "image/webp", storage: storage() })).rejects.toMatchObject({ code: "media_too_large" });
    expect((await saveMedia(db, org.id, webp(150 * 1024, true), { mimeType: "image/webp", storage: storage() })).kind).toBe("sticker");
    await expect(saveMedia(db, org.id, webp(501 * 1024, true), { mimeType: "image/webp", storage: storage() })).rejects.toMatchObject({ code: "media_too_large" });
    expect(await mediaRows(org.id)).toHaveLength(1);
    await expect(saveMedia(db, org.id, Buffer.from("x"), { mimeType: "image/png", kind: "document", storage: storage() })).rejects.toMatchObject({ code: "media_type_not_allowed" });
  });
});

describe("the media route", () => {
  it("serves a member's own media, a fresh signed link without a session, and nothing else", async () => {
    const { org, owner } = await createOrgWithOwner(db, "media-route");
    const viewer = await addMember(db, org.id, "viewer");
    const pdf = await saveMedia(db, org.id, Buffer.from("%PDF-1.4 pedido"), { mimeType: "application/pdf", filename: "pedido 42.pdf" });
    const photo = await saveMedia(db, org.id, Buffer.from("fake-jpeg"), { mimeType: "image/jpeg" });

    const client = app.client();
    await client.signIn(viewer.email, TEST_PASSWORD);
    const response = await client.get(`/media/${pdf.id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("content-disposition")).toBe("attachment; filename*=UTF-8''pedido%2042.pdf");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-security-policy")).toContain("sandbox");
    expect(await response.text()).toBe("%PDF-1.4 pedido");
    expect((await client.get(`/media/${photo.id}`)).headers.get("content-disposition")).toMatch(/^inline/);

    // Signed out: redirected to sign in, unless the link is signed.
    expect((await app.client().get(`/media/${pdf.id}`)).status).toBe(302);
    const link = new URL(await mediaLink(pdf, 60));
    const signed = await app.client().get(`${link.pathname}${link.search}`);
    expect(signed.status).toBe(200);
    expect(await signed.text()).toBe("%PDF-1.4 pedido");
    // The token names one file and expires.
    expect((await app.client().get(`/media/${photo.id}${link.search}`)).status).toBe(404);
    const expired = new URL(link);
    expired.searchParams.set("expires", String(Math.floor(Date.now() / 1000) - 1));
    expect((await app.client().get(`${expired.pathname}${expired.search}`)).status).toBe(404);

    // A row whose file is gone answers 404, not 500.
    await getStorage().delete(photo.storageKey);
    expect((await client.get(`/media/${photo.id}`)).status).toBe(404);
    await client.signIn(owner.email, TEST_PASSWORD);
    expect((await client.get(`/media/not-a-uuid`)).status).toBe(404);
  });

  it("answers 404 for another organization's media", async () => {
    await expectOtherOrgGets404(app, db, async (victim) => {
      const media = await saveMedia(db, victim.org.id, Buffer.from("segredo"), { mimeType: "text/plain", filename: "segredo.txt" });
      return [{ method: "GET", path: `/media/${media.id}` }];
    });
  });
});
