import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { proto } from "@whiskeysockets/baileys";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createSecretBox, parseKeyRing, SecretBoxError } from "~/lib/crypto/secret-box.server";
import { getDb } from "~/lib/db.server";
import type { LiveEvent } from "~/lib/events/types";
import { createLocalDiskStorage } from "~/lib/storage/local-disk.server";
import { createFakeBaileysRuntime, type FakeBaileys, inbound } from "../../../tests/fakes/baileys-socket";
import { discardQueuedEventJobs } from "../../../tests/support/baileys-sidecar";
import { createOrgWithOwner } from "../../../tests/support/factories";
import { testSecrets } from "../../../tests/support/test-env";
import type { RealtimeLogger } from "../server";
import { openAuthState } from "./auth-state";
import { BaileysManager, type BaileysManagerOptions } from "./manager";

const db = getDb();
const box = createSecretBox(parseKeyRing(testSecrets.ENCRYPTION_KEYS));
const customer = { jid: "5511912345678@s.whatsapp.net", pushName: "Maria" };
let mediaRoot: string;
const managers: BaileysManager[] = [];
const loggedErrors: unknown[] = [];
const connectionIds: string[] = [];

const logger: RealtimeLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (...args: unknown[]) => void loggedErrors.push(args),
} as unknown as RealtimeLogger;

beforeAll(async () => {
  mediaRoot = await mkdtemp(path.join(os.tmpdir(), "masteria-baileys-test-"));
});
afterAll(async () => {
  await discardQueuedEventJobs(connectionIds);
  await rm(mediaRoot, { recursive: true, force: true });
});
afterEach(async () => {
  await Promise.all(managers.splice(0).map((manager) => manager.stop()));
  expect(loggedErrors.splice(0)).toEqual([]);
});

function makeManager(fake: FakeBaileys, overrides: Partial<BaileysManagerOptions> & { holderId?: string } = {}) {
  const events: LiveEvent[] = [];
  const manager = new BaileysManager({
    db,
    box,
    runtime: fake.runtime,
    holder: { id: overrides.holderId ?? `test-${randomUUID()}`, url: "http://127.0.0.1:9" },
    storage: createLocalDiskStorage({ root: mediaRoot, appUrl: "http://localhost:3000", signingSecret: testSecrets.SESSION_SECRET }),
    logger,
    publish: async (event) => void events.push(event),
    renewEveryMs: 3_600_000, // tests call maintain() themselves
    backoff: { baseMs: 100, maxMs: 1_000, random: () => 0 },
    ...overrides,
  });
  managers.push(manager);
  return Object.assign(manager, { events });
}

async function newConnection(label: string) {
  const { org } = await createOrgWithOwner(db, label);
  const row = await db.insertInto("channel_connections").values({ org_id: org.id, kind: "whatsapp_baileys", name: `WhatsApp ${label}` }).returning("id").executeTakeFirstOrThrow();
  connectionIds.push(row.id);
  return { orgId: org.id, connectionId: row.id };
}

const connectionRow = (id: string) => db.selectFrom("channel_connections").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
const authRows = (id: string) => db.selectFrom("baileys_auth").selectAll().where("connection_id", "=", id).execute();
const lease = (id: string) => db.selectFrom("channel_leases").selectAll().where("connection_id", "=", id).executeTakeFirst();
const storedEvents = (id: string) => db.selectFrom("webhook_events").selectAll().where("connection_id", "=", id).orderBy("id").execute();

/** QR → scan → 515 restart → open, as a first pairing goes. */
async function pairAndOpen(manager: BaileysManager, fake: FakeBaileys, connectionId: string) {
  expect(await manager.connect(connectionId)).toMatchObject({ ok: true });
  const first = fake.latest(connectionId);
  const qr = first.showQr();
  await vi.waitFor(async () => expect((await connectionRow(connectionId)).status).toBe("qr"));
  first.pair();
  await vi.waitFor(() => expect(fake.socketsOf(connectionId)).toHaveLength(2));
  fake.latest(connectionId).open();
  await vi.waitFor(async () => expect((await connectionRow(connectionId)).status).toBe("connected"));
  return { qr };
}

describe("auth state in Postgres", () => {
  it("round-trips creds and signal keys, sealed so the raw column holds no key material", async () => {
    const { connectionId } = await newConnection("auth");
    const auth = await openAuthState(db, connectionId, box);
    expect(auth.isPaired()).toBe(false);
    auth.state.creds.me = { id: "5511987654321:3@s.whatsapp.net", name: "Padaria Central" };
    await auth.saveCreds();
    const preKey = { public: randomBytes(32), private: randomBytes(32) };
    const session = randomBytes(180);
    const syncKey = proto.Message.AppStateSyncKeyData.fromObject({ keyData: randomBytes(32), fingerprint: { rawId: 7, currentIndex: 1, deviceIndexes: [0, 1] }, timestamp: 1_700_000_000 });
    await auth.state.keys.set({ "pre-key": { "1": preKey, "2": { public: randomBytes(32), private: randomBytes(32) } }, session: { "5511912345678.0": session }, "app-state-sync-key": { AAAAAQ: syncKey } });

    const reloaded = await openAuthState(db, connectionId, box);
    expect(reloaded.isPaired()).toBe(true);
    expect(reloaded.state.creds.me).toEqual(auth.state.creds.me);
    expect(Buffer.from(reloaded.state.creds.noiseKey.private).equals(Buffer.from(auth.state.creds.noiseKey.private))).toBe(true);
    expect(reloaded.state.creds.registrationId).toBe(auth.state.creds.registrationId);
    const preKeys = await reloaded.state.keys.get("pre-key", ["1", "2", "3"]);
    expect(Object.keys(preKeys).sort()).toEqual(["1", "2"]);
    expect(Buffer.from(preKeys["1"]!.private).equals(preKey.private)).toBe(true);
    expect(Buffer.from((await reloaded.state.keys.get("session", ["5511912345678.0"]))["5511912345678.0"]!).equals(session)).toBe(true);
    const sync = (await reloaded.state.keys.get("app-state-sync-key", ["AAAAAQ"])).AAAAAQ!;
    expect(sync).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
    expect(Buffer.from(sync.keyData!).equals(Buffer.from(syncKey.keyData!))).toBe(true);

    // A null value deletes the key, as Baileys expects.
    await reloaded.state.keys.set({ "pre-key": { "1": null } });
    expect(Object.keys(await reloaded.state.keys.get("pre-key", ["1", "2"]))).toEqual(["2"]);

    const raw = await authRows(connectionId);
    expect(raw.map((row) => `${row.key_type}/${row.key_id}`).sort()).toEqual(["app-state-sync-key/AAAAAQ", "creds/creds", "pre-key/2", "session/5511912345678.0"]);
    const column = raw.map((row) => row.value).join("\n");
    for (const secret of [session, Buffer.from(auth.state.creds.noiseKey.private), Buffer.from(syncKey.keyData!)]) {
      expect(column).not.toContain(secret.toString("base64"));
      expect(column).not.toContain(secret.toString("hex"));
    }
    expect(column).not.toContain("Padaria Central");
    expect(column).not.toContain("5511987654321");
    expect(raw.every((row) => /^v\d+\./.test(row.value))).toBe(true);

    // Each value is bound to its connection and key: a row copied elsewhere does not open.
    const { connectionId: otherId } = await newConnection("auth-copy");
    const creds = raw.find((row) => row.key_type === "creds")!;
    await db.insertInto("baileys_auth").values({ ...creds, connection_id: otherId }).execute();
    await expect(openAuthState(db, otherId, box)).rejects.toBeInstanceOf(SecretBoxError);
  });
});

describe("the Baileys manager", () => {
  it("QR → connected → restartRequired → inbound events stored → loggedOut cleanup", async () => {
    const fake = createFakeBaileysRuntime();
    const manager = makeManager(fake);
    const { orgId, connectionId } = await newConnection("lifecycle");

    const { qr } = await pairAndOpen(manager, fake, connectionId);
    expect(manager.events).toContainEqual(expect.objectContaining({ orgId, type: "channel.qr", ids: { connectionId } }));
    expect(manager.status(connectionId)).toMatchObject({ owned: true, status: "connected", qr: null });
    expect(qr.length).toBeGreaterThan(100);
    // The 515 restart reused the paired creds, stored encrypted: no second QR was needed.
    expect(fake.latest(connectionId).auth.creds.me?.id).toBe("5511987654321:7@s.whatsapp.net");
    const row = await connectionRow(connectionId);
    expect(row).toMatchObject({ address: "+5511987654321", last_error: null });
    expect((await lease(connectionId))?.holder).toBeTruthy();

    const socket = fake.latest(connectionId);
    const hello = inbound.text(customer, "Olá! Vocês abrem sábado?");
    const photo = inbound.image({ ...customer }, "olha isso");
    socket.receive([hello, photo, inbound.fromMe(customer.jid, "echo")]);
    socket.receive([inbound.text(customer, "history")], "append");
    await vi.waitFor(async () => expect(await storedEvents(connectionId)).toHaveLength(2));
    socket.receive([hello]); // a redelivery is deduplicated
    socket.receipt("3EB0OUT1", 2);
    socket.receipt("3EB0OUT1", 4);
    await vi.waitFor(async () => expect(await storedEvents(connectionId)).toHaveLength(4));
    const stored = await storedEvents(connectionId);
    expect(stored.map((event) => [event.provider, event.dedupe_key, event.org_id])).toEqual([
      ["baileys", `msg:${hello.key.id}`, orgId],
      ["baileys", `msg:${photo.key.id}`, orgId],
      ["baileys", "status:3EB0OUT1:sent", orgId],
      ["baileys", "status:3EB0OUT1:read", orgId],
    ]);
    expect(stored[0]!.payload).toMatchObject({ kind: "message", from: { phone: "+5511912345678", name: "Maria" }, content: { type: "text", text: "Olá! Vocês abrem sábado?" } });
    const jobs = await db.selectFrom("graphile_worker.jobs" as never).select(["task_identifier" as never]).execute();
    expect(jobs.filter((job) => (job as { task_identifier: string }).task_identifier === "webhookEvent.process").length).toBeGreaterThanOrEqual(4);

    // The photo's file is downloaded through the socket, by the sealed reference in the event.
    const reference = (stored[1]!.payload as { content: { media: { providerMediaId: string } } }).content.media.providerMediaId;
    fake.setMedia(photo.key.id!, Buffer.from("jpeg bytes"));
    const media = (await manager.downloadMedia(connectionId, reference))!;
    expect(media.mimeType).toBe("image/jpeg");
    const chunks: Buffer[] = [];
    for await (const chunk of media.stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe("jpeg bytes");

    // The phone unlinks the device: 401 → auth deleted, logged_out, lease freed, no reconnect.
    expect((await authRows(connectionId)).length).toBeGreaterThan(0);
    const socketsBefore = fake.socketsOf(connectionId).length;
    socket.close(401);
    await vi.waitFor(async () => expect((await connectionRow(connectionId)).status).toBe("logged_out"));
    expect((await connectionRow(connectionId)).last_error).toBe("O aparelho foi desconectado pelo celular. Escaneie um novo QR code para voltar.");
    expect(await authRows(connectionId)).toEqual([]);
    expect(await lease(connectionId)).toBeUndefined();
    expect(manager.status(connectionId).owned).toBe(false);
    await sleep(300);
    expect(fake.socketsOf(connectionId)).toHaveLength(socketsBefore);
  });

  it("warns the team when messages cannot be decrypted (Bad MAC) instead of dropping them silently", async () => {
    const fake = createFakeBaileysRuntime();
    const manager = makeManager(fake);
    const { connectionId } = await newConnection("badmac");
    await pairAndOpen(manager, fake, connectionId);
    const bad = inbound.undecryptable(customer, "Bad MAC");
    fake.latest(connectionId).receive([bad, inbound.text(customer, "this one decrypted")]);
    await vi.waitFor(async () =>
      expect((await connectionRow(connectionId)).warnings).toEqual([expect.objectContaining({ message: expect.stringMatching(/^Algumas mensagens não puderam ser descriptografadas \(Bad MAC\)/) })]),
    );
    const row = await connectionRow(connectionId);
    expect(row.status).toBe("connected");
    // Only the readable message became an event; the resend of the bad one will arrive under its id.
    await vi.waitFor(async () => expect((await storedEvents(connectionId)).map((event) => event.dedupe_key)).toEqual([expect.stringMatching(/^msg:/)]));
    expect((await storedEvents(connectionId))[0]!.dedupe_key).not.toBe(`msg:${bad.key.id}`);
  });

  it("stops on connectionReplaced (440) without a reconnect loop", async () => {
    const fake = createFakeBaileysRuntime();
    const manager = makeManager(fake);
    const { connectionId } = await newConnection("replaced");
    await pairAndOpen(manager, fake, connectionId);
    const count = fake.socketsOf(connectionId).length;
    fake.latest(connectionId).close(440);
    await vi.waitFor(async () => expect((await connectionRow(connectionId)).status).toBe("error"));
    expect((await connectionRow(connectionId)).last_error).toBe("Outra sessão do WhatsApp Web assumiu este número (440). Clique em Conectar para trazê-lo de volta para cá.");
    await manager.maintain(); // an adoption pass must not pick it up either
    await sleep(400);
    expect(fake.socketsOf(connectionId)).toHaveLength(count);
    expect(await lease(connectionId)).toBeUndefined();
    // The session is kept: pressing Connect takes it back without a new QR.
    expect((await authRows(connectionId)).length).toBeGreaterThan(0);
    expect(await manager.connect(connectionId)).toMatchObject({ ok: true });
    expect(fake.latest(connectionId).auth.creds.me).toBeTruthy();
  });

  it("reconnects after other closes with exponential backoff, reset once open", async () => {
    const fake = createFakeBaileysRuntime();
    const manager = makeManager(fake, { backoff: { baseMs: 100, maxMs: 1_000, random: () => 0 } });
    const { connectionId } = await newConnection("backoff");
    await pairAndOpen(manager, fake, connectionId);
    const gaps: number[] = [];
    for (let failures = 1; failures <= 3; failures++) {
      const before = fake.socketsOf(connectionId).length;
      const closedAt = Date.now();
      fake.latest(connectionId).close(428);
      await vi.waitFor(() => expect(fake.socketsOf(connectionId)).toHaveLength(before + 1), { timeout: 3_000 });
      gaps.push(Date.now() - closedAt);
      expect(await connectionRow(connectionId)).toMatchObject({ status: "disconnected", last_error: "Conexão com o WhatsApp perdida (connectionClosed (428)); reconectando…" });
    }
    // 50 ms, 100 ms, 200 ms (equal jitter with random 0: half of 100·2^n).
    expect(gaps[0]).toBeGreaterThanOrEqual(45);
    expect(gaps[1]).toBeGreaterThanOrEqual(95);
    expect(gaps[2]).toBeGreaterThanOrEqual(195);
    fake.latest(connectionId).open();
    await vi.waitFor(async () => expect((await connectionRow(connectionId)).status).toBe("connected"));
    const closedAt = Date.now();
    const before = fake.socketsOf(connectionId).length;
    fake.latest(connectionId).close(408);
    await vi.waitFor(() => expect(fake.socketsOf(connectionId)).toHaveLength(before + 1), { timeout: 3_000 });
    expect(Date.now() - closedAt).toBeLessThan(350); // back to the first step, not 400 ms
  });

  it("a QR nobody scans ends the attempt instead of cycling QR codes forever", async () => {
    const fake = createFakeBaileysRuntime();
    const manager = makeManager(fake);
    const { connectionId } = await newConnection("unscanned");
    await manager.connect(connectionId);
    fake.latest(connectionId).showQr();
    await vi.waitFor(() => expect(manager.status(connectionId).qr).toBeTruthy());
    fake.latest(connectionId).close(408); // Baileys: "QR refs attempts ended"
    await vi.waitFor(async () => expect((await connectionRow(connectionId)).status).toBe("disconnected"));
    expect((await connectionRow(connectionId)).last_error).toBe("O QR code expirou antes de ser escaneado. Clique em Conectar para tentar de novo.");
    await sleep(300);
    expect(fake.socketsOf(connectionId)).toHaveLength(1);
    expect(manager.status(connectionId)).toEqual({ owned: false, status: null, qr: null });
  });

  it("resumes paired sessions after a restart without a new QR", async () => {
    const fake = createFakeBaileysRuntime();
    const first = makeManager(fake);
    const { connectionId } = await newConnection("restart");
    await pairAndOpen(first, fake, connectionId);
    const unpaired = await newConnection("restart-unpaired");
    await db.updateTable("channel_connections").set({ status: "disconnected" }).where("id", "=", unpaired.connectionId).execute();

    await first.stop();
    expect(fake.latest(connectionId)).toMatchObject({ ended: true, loggedOut: false });
    expect((await connectionRow(connectionId)).status).toBe("disconnected");
    expect(await lease(connectionId)).toBeUndefined();

    const restarted = createFakeBaileysRuntime();
    const second = makeManager(restarted);
    await second.start();
    const resumed = restarted.latest(connectionId);
    expect(resumed.auth.creds.me?.id).toBe("5511987654321:7@s.whatsapp.net");
    resumed.open();
    await vi.waitFor(async () => expect((await connectionRow(connectionId)).status).toBe("connected"));
    expect(second.events.filter((event) => event.type === "channel.qr")).toEqual([]);
    // A connection that never paired is not opened (it would only show a QR to nobody).
    expect(restarted.socketsOf(unpaired.connectionId)).toEqual([]);
  });

  it("lets one sidecar hold a session at a time; another takes over only after the lease expires", async () => {
    const fakeA = createFakeBaileysRuntime();
    const fakeB = createFakeBaileysRuntime();
    const a = makeManager(fakeA, { holderId: "sidecar-a", leaseTtlMs: 2_000 });
    const b = makeManager(fakeB, { holderId: "sidecar-b", leaseTtlMs: 2_000 });
    const { connectionId } = await newConnection("lease");
    await pairAndOpen(a, fakeA, connectionId);

    expect(await b.connect(connectionId)).toMatchObject({ ok: false, code: "leased_elsewhere" });
    await b.maintain();
    expect(fakeB.socketsOf(connectionId)).toEqual([]);

    // A keeps renewing: B still may not take it, even past the first expiry.
    await sleep(1_200);
    await a.maintain();
    await sleep(1_200);
    await b.maintain();
    expect(fakeB.socketsOf(connectionId)).toEqual([]);
    expect(await b.logout(connectionId)).toMatchObject({ ok: false, code: "leased_elsewhere" });

    // A goes silent (crashed): once the lease expires, B resumes the session from Postgres.
    await sleep(2_100);
    await b.maintain();
    expect(fakeB.socketsOf(connectionId)).toHaveLength(1);
    expect((await lease(connectionId))?.holder).toBe("sidecar-b");
    fakeB.latest(connectionId).open();
    await vi.waitFor(async () => expect((await connectionRow(connectionId)).status).toBe("connected"));

    // A wakes up: its renewal fails, so it closes its socket and leaves the session alone.
    await a.maintain();
    expect(fakeA.latest(connectionId).ended).toBe(true);
    expect(a.status(connectionId).owned).toBe(false);
    expect(b.status(connectionId)).toMatchObject({ owned: true, status: "connected" });
    expect((await connectionRow(connectionId)).status).toBe("connected");
  });

  it("sends text with a typing pause, refuses numbers without WhatsApp and reports failures", async () => {
    const fake = createFakeBaileysRuntime();
    const manager = makeManager(fake);
    const { connectionId } = await newConnection("send");
    expect(await manager.send(connectionId, { to: "+5511912345678", message: { type: "text", text: "oi" } })).toMatchObject({ ok: false, code: "not_connected", retryable: true });
    await pairAndOpen(manager, fake, connectionId);
    const socket = fake.latest(connectionId);

    const sent = await manager.send(connectionId, { to: "+55 11 91234-5678", typingMs: 60, message: { type: "text", text: "Abrimos sim, das 8h às 12h." } });
    expect(sent).toMatchObject({ ok: true, status: "sent", externalId: expect.stringMatching(/^3EB0/) });
    expect(socket.sent).toEqual([{ jid: "5511912345678@s.whatsapp.net", content: { text: "Abrimos sim, das 8h às 12h." } }]);
    expect(socket.presence.map((entry) => entry.type)).toEqual(["composing", "paused"]);
    expect(socket.presence[1]!.at - socket.presence[0]!.at).toBeGreaterThanOrEqual(55);

    socket.notOnWhatsApp.add("5511900000000@s.whatsapp.net");
    expect(await manager.send(connectionId, { to: "+5511900000000", message: { type: "text", text: "x" } })).toMatchObject({ ok: false, code: "not_on_whatsapp", retryable: false });
    socket.sendFailure = Object.assign(new Error("Internal Server Error"), { output: { statusCode: 500 } });
    expect(await manager.send(connectionId, { to: "+5511912345678", message: { type: "text", text: "x" } })).toMatchObject({ ok: false, code: "500", retryable: true });
    expect(await manager.send(connectionId, { to: "12", message: { type: "text", text: "x" } })).toMatchObject({ ok: false, code: "invalid_recipient" });
  });
});
