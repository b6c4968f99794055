import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { startTestApp, type TestApp, type TestClient } from "../support/app-server.js";
import { startFakeSidecar, type FakeSidecar } from "../support/baileys-sidecar.js";
import { addMember, createOrgWithOwner, TEST_PASSWORD } from "../support/factories.js";
import { expectOtherOrgGets404 } from "../support/tenant-isolation.js";

const db = getDb();
let app: TestApp;
let sidecar: FakeSidecar;

beforeAll(async () => {
  app = await startTestApp();
  sidecar = await startFakeSidecar();
});
afterAll(async () => {
  await sidecar.close();
  await app.close();
});

async function baileysConnection(orgId: string, name = "WhatsApp da loja") {
  const row = await db.insertInto("channel_connections").values({ org_id: orgId, kind: "whatsapp_baileys", name }).returning("id").executeTakeFirstOrThrow();
  return row.id;
}

async function signedIn(email: string): Promise<TestClient> {
  const client = app.client();
  await client.signIn(email, TEST_PASSWORD);
  return client;
}

describe("WhatsApp QR page", () => {
  it("shows the live QR as an image in a self-refreshing page (no JavaScript needed), then the connected number", async () => {
    const { org, owner } = await createOrgWithOwner(db, "qr");
    const connectionId = await baileysConnection(org.id);
    const client = await signedIn(owner.email);
    const page = `/settings/channels/${connectionId}/qr`;

    // Nobody opened the session yet: a Connect button, no QR, no refresh loop.
    const idle = await (await client.get(page)).text();
    expect(idle).toContain("Conectar");
    expect(idle).not.toContain('data-testid="qr-image"');
    expect(idle).not.toContain('http-equiv="refresh"');

    // The test sidecar takes the lease, as the real one does on Connect; the page then finds it through the lease row.
    await sidecar.manager.connect(connectionId);
    const waiting = await (await client.get(page)).text();
    expect(waiting).toContain('data-testid="qr-waiting"');
    expect(waiting).toMatch(/<meta http-equiv="refresh" content="5"\/?>/);

    sidecar.fake.latest(connectionId).showQr();
    await vi.waitFor(() => expect(sidecar.manager.status(connectionId).qr).toBeTruthy());
    const withQr = await client.get(page);
    expect(withQr.status).toBe(200);
    expect(withQr.headers.get("cache-control")).toContain("no-store");
    const html = await withQr.text();
    const image = /<img[^>]*data-testid="qr-image"[^>]*>/.exec(html)?.[0] ?? "";
    expect(image).toMatch(/src="data:image\/svg\+xml;base64,/);
    expect(image).toContain('alt="QR code para conectar o WhatsApp"');
    const svg = Buffer.from(/base64,([^"]+)"/.exec(image)![1]!, "base64").toString();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(html).toMatch(/<meta http-equiv="refresh" content="5"\/?>/);
    expect(html).toContain("Aparelhos conectados");

    sidecar.fake.latest(connectionId).pair();
    await vi.waitFor(() => expect(sidecar.fake.socketsOf(connectionId)).toHaveLength(2));
    sidecar.fake.latest(connectionId).open();
    await vi.waitFor(() => expect(sidecar.manager.status(connectionId).status).toBe("connected"));
    const connected = await (await client.get(page)).text();
    expect(connected).toContain("Conectado como +5511987654321");
    expect(connected).not.toContain('data-testid="qr-image"');
    expect(connected).not.toContain('http-equiv="refresh"');

    // Logout as a plain form post.
    const logout = await client.post(page, { intent: "logout" });
    expect(logout.status).toBe(302);
    expect(logout.headers.get("location")).toBe(page);
    expect(sidecar.fake.latest(connectionId).loggedOut).toBe(true);
    const row = await db.selectFrom("channel_connections").select("status").where("id", "=", connectionId).executeTakeFirstOrThrow();
    expect(row.status).toBe("logged_out");
    const audit = await db.selectFrom("audit_log").select("action").where("org_id", "=", org.id).where("target_id", "=", connectionId).execute();
    expect(audit.map((entry) => entry.action)).toContain("channel.logout");
  });

  it("says so when the realtime service cannot be reached, and refuses bad intents with 400", async () => {
    const { org, owner } = await createOrgWithOwner(db, "qr-down");
    const connectionId = await baileysConnection(org.id);
    await db.insertInto("channel_leases").values({ connection_id: connectionId, holder: "gone", holder_url: "http://127.0.0.1:9", expires_at: new Date(Date.now() + 60_000) }).execute();
    const client = await signedIn(owner.email);
    const response = await client.get(`/settings/channels/${connectionId}/qr`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("O serviço de tempo real não respondeu");
    expect((await client.post(`/settings/channels/${connectionId}/qr`, { intent: "explode" })).status).toBe(400);
    const connect = await client.post(`/settings/channels/${connectionId}/qr`, { intent: "connect" });
    expect(connect.status).toBe(302);
  });

  it("is for owners and admins, and 404 for another organization's connection or a non-QR channel", async () => {
    const { org } = await createOrgWithOwner(db, "qr-roles");
    const connectionId = await baileysConnection(org.id);
    const agent = await addMember(db, org.id, "agent");
    const agentClient = await signedIn(agent.email);
    expect((await agentClient.get(`/settings/channels/${connectionId}/qr`)).status).toBe(403);
    expect((await agentClient.post(`/settings/channels/${connectionId}/qr`, { intent: "logout" })).status).toBe(403);

    await expectOtherOrgGets404(
      app,
      db,
      async (victim) => {
        const victimConnection = await baileysConnection(victim.org.id);
        const sandbox = await db.insertInto("channel_connections").values({ org_id: victim.org.id, kind: "sandbox", name: "Sandbox", status: "connected" }).returning("id").executeTakeFirstOrThrow();
        return [
          { method: "GET", path: `/settings/channels/${victimConnection}/qr` },
          { method: "POST", path: `/settings/channels/${victimConnection}/qr`, form: { intent: "logout" } },
          { method: "POST", path: `/settings/channels/${victimConnection}/qr`, form: { intent: "connect" } },
          { method: "GET", path: `/settings/channels/${sandbox.id}/qr` },
          { method: "GET", path: `/settings/channels/not-a-uuid/qr` },
        ];
      },
      async (victim) => {
        const rows = await db.selectFrom("channel_connections").select("status").where("org_id", "=", victim.org.id).where("kind", "=", "whatsapp_baileys").execute();
        expect(rows.map((row) => row.status)).toEqual(["pending"]);
      },
    );
  });
});
