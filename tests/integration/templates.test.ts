import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { loadConnection } from "../../app/modules/channels/connections.server.js";
import { applyTemplateStatusEvent } from "../../app/modules/templates/template-events.server.js";
import { syncTemplates, TemplateSyncError } from "../../app/modules/templates/template-sync.server.js";
import { type FakeMetaGraph, metaWebhooks, startFakeMetaGraph } from "../fakes/meta-graph.js";
import { startTestApp, type TestApp } from "../support/app-server.js";
import { addMember, createOrgWithOwner, TEST_PASSWORD } from "../support/factories.js";
import { createMetaConnection, createTwilioConnection, META_IDS, metaSecrets, runJobs } from "../support/provider-connections.js";
import { expectOtherOrgGets404 } from "../support/tenant-isolation.js";

let app: TestApp;
let graph: FakeMetaGraph;
const secrets = metaSecrets();
beforeAll(async () => {
  app = await startTestApp();
  graph = await startFakeMetaGraph({ ...secrets, ...META_IDS });
});
afterAll(async () => {
  await app.close();
  await graph.close();
});

const db = () => getDb();

async function setup() {
  const { org, owner } = await createOrgWithOwner(db(), "tpl");
  const created = await createMetaConnection(db(), org.id, { baseUrl: graph.baseUrl, secrets, status: "connected" });
  const connection = (await loadConnection(db(), org.id, created.id))!;
  return { org, owner, connection, page: `/settings/channels/${created.id}/templates` };
}

async function queuedSyncJobs(connectionId: string) {
  const { rows } = await sql<{ count: number }>`
    SELECT count(*)::int AS count FROM graphile_worker._private_jobs WHERE key = ${`templates.sync:${connectionId}`}`.execute(db());
  return rows[0]!.count;
}

const templateRows = (connectionId: string) =>
  db().selectFrom("message_templates").select(["name", "language", "status", "category"]).where("connection_id", "=", connectionId).orderBy("name").execute();

describe("template sync", () => {
  it("reads every page (450 templates), then updates and removes what Meta changed", async () => {
    const { connection } = await setup();
    graph.generateTemplates(450);
    graph.requests.length = 0;
    expect(await syncTemplates(db(), connection)).toEqual({ pages: 5, fetched: 450, removed: 0 });
    const pages = graph.requests.filter((request) => request.path.endsWith("/message_templates"));
    expect(pages).toHaveLength(5);
    expect(pages[0]!.query).toMatchObject({ limit: "100", fields: "id,name,language,status,category,components" });
    expect(pages.slice(1).every((request) => request.query.after)).toBe(true);
    const rows = await templateRows(connection.id);
    expect(rows).toHaveLength(450);
    expect(rows[0]).toEqual({ name: "template_0000", language: "pt_BR", status: "APPROVED", category: "MARKETING" });

    const changed = graph.generateTemplates(400);
    changed[1]!.status = "PAUSED";
    expect(await syncTemplates(db(), connection)).toEqual({ pages: 4, fetched: 400, removed: 50 });
    const after = await templateRows(connection.id);
    expect(after).toHaveLength(400);
    expect(after[1]).toMatchObject({ name: "template_0001", status: "PAUSED" });
    expect((await db().selectFrom("channel_connections").select("config").where("id", "=", connection.id).executeTakeFirstOrThrow()).config).toMatchObject({ templatesSyncedAt: expect.any(String) });
  });

  it("writes nothing when a page fails, and reports why", async () => {
    const { connection } = await setup();
    graph.generateTemplates(150);
    await syncTemplates(db(), connection);
    graph.generateTemplates(10);
    const broken = { ...connection, secrets: { ...connection.secrets, accessToken: "expired-token" } };
    await expect(syncTemplates(db(), broken)).rejects.toBeInstanceOf(TemplateSyncError);
    expect(await templateRows(connection.id)).toHaveLength(150);
  });

  it("runs as the templates.sync job, one queued per connection, and a token Meta refuses becomes a warning", async () => {
    const { org, connection, owner } = await setup();
    graph.generateTemplates(120);
    const client = app.client();
    await client.signIn(owner.email, TEST_PASSWORD);
    const { page } = { page: `/settings/channels/${connection.id}/templates` };
    for (let index = 0; index < 3; index += 1) expect((await client.post(page, { intent: "sync" })).status).toBe(302);
    expect(await queuedSyncJobs(connection.id)).toBe(1);
    await runJobs(["templates.sync"]);
    expect(await templateRows(connection.id)).toHaveLength(120);

    await db().updateTable("channel_connections").set({ config: JSON.stringify({ ...connection.config, wabaId: "999999999" }) }).where("id", "=", connection.id).execute();
    expect((await client.post(page, { intent: "sync" })).status).toBe(302);
    await runJobs(["templates.sync"]);
    const row = await db().selectFrom("channel_connections").select(["warnings"]).where("id", "=", connection.id).where("org_id", "=", org.id).executeTakeFirstOrThrow();
    expect(row.warnings).toEqual([{ message: expect.stringMatching(/^Template sync failed: 100: /), at: expect.any(String) }]);
  });
});

describe("template webhooks", () => {
  it("a status update changes the row and warns the team; an unknown template queues a sync", async () => {
    const { connection } = await setup();
    graph.generateTemplates(3, "promo");
    await syncTemplates(db(), connection);
    const result = await applyTemplateStatusEvent(db(), connection, { kind: "template_status", dedupeKey: "t1", templateName: "promo_0000", language: "pt_BR", status: "PAUSED", reason: "LOW_QUALITY" });
    expect(result).toEqual({ updated: 1 });
    expect((await templateRows(connection.id))[0]).toMatchObject({ name: "promo_0000", status: "PAUSED" });
    const { warnings } = await db().selectFrom("channel_connections").select("warnings").where("id", "=", connection.id).executeTakeFirstOrThrow();
    expect(warnings).toEqual([{ message: "Template promo_0000 (pt_BR): PAUSED — LOW_QUALITY", at: expect.any(String) }]);

    expect(await applyTemplateStatusEvent(db(), connection, { kind: "template_status", dedupeKey: "t2", templateName: "brand_new", language: "pt_BR", status: "APPROVED" })).toEqual({ updated: 0 });
    expect(await queuedSyncJobs(connection.id)).toBe(1);
  });

  it("a quality / messaging-limit webhook ends up as a warning on the connection", async () => {
    const { connection } = await setup();
    const body = JSON.stringify(
      metaWebhooks.envelope(META_IDS.wabaId, [{ field: "phone_number_quality_update", value: { display_phone_number: "15550783881", event: "FLAGGED", current_limit: "TIER_1K" } }]),
    );
    const response = await graph.postWebhook(`${app.baseUrl}/webhooks/meta/${connection.id}`, body, { secret: secrets.appSecret });
    expect(response.status).toBe(200);
    await runJobs(["webhookEvent.process"]);
    const { warnings } = await db().selectFrom("channel_connections").select("warnings").where("id", "=", connection.id).executeTakeFirstOrThrow();
    expect(warnings).toEqual([{ message: expect.stringContaining("FLAGGED"), at: expect.any(String) }]);
  });
});

describe("templates page", () => {
  it("lists templates with status and category chips, highlighted placeholders, filters and keyset pages", async () => {
    const { connection, owner, page } = await setup();
    graph.generateTemplates(120);
    await syncTemplates(db(), connection);
    const client = app.client();
    await client.signIn(owner.email, TEST_PASSWORD);

    const first = await client.get(page);
    expect(first.status).toBe(200);
    const html = await first.text();
    expect(html.match(/data-testid="template-row"/g)).toHaveLength(50);
    expect(html).toContain("template_0000");
    expect(html).toContain('data-testid="template-placeholder">{{1}}</mark>');
    expect(html).toContain("Aprovado");
    expect(html).toContain("Marketing");
    const nextLink = html.match(/<a [^>]*rel="next"[^>]*>/)?.[0];
    const next = nextLink?.match(/href="([^"]+)"/)?.[1]?.replaceAll("&amp;", "&");
    expect(next).toBeTruthy();
    const second = await (await client.get(next!)).text();
    expect(second).toContain("template_0050");
    expect(second).not.toContain("template_0049<");

    const rejected = await (await client.get(`${page}?status=REJECTED`)).text();
    expect(rejected.match(/data-testid="template-row"/g)).toHaveLength(40);
    expect(rejected).not.toMatch(/data-testid="template-status">Aprovado</);
    expect(rejected.match(/data-testid="template-status">Rejeitado</g)).toHaveLength(40);
    const search = await (await client.get(`${page}?q=_0007`)).text();
    expect(search.match(/data-testid="template-row"/g)).toHaveLength(1);
    // A tampered cursor or filter falls back to the first page instead of failing.
    expect((await client.get(`${page}?after=%%%&status=NOPE`)).status).toBe(200);
  });

  it("lets writers sync (a plain form post), not viewers; other kinds and other organizations get 404", async () => {
    const { org, connection, page } = await setup();
    const viewer = await addMember(db(), org.id, "viewer");
    const agent = await addMember(db(), org.id, "agent");
    const asViewer = app.client();
    await asViewer.signIn(viewer.email, TEST_PASSWORD);
    expect((await asViewer.get(page)).status).toBe(200);
    expect(await (await asViewer.get(page)).text()).not.toContain('value="sync"');
    expect((await asViewer.post(page, { intent: "sync" })).status).toBe(403);
    const asAgent = app.client();
    await asAgent.signIn(agent.email, TEST_PASSWORD);
    const synced = await asAgent.post(page, { intent: "sync" });
    expect([synced.status, synced.headers.get("location")]).toEqual([302, page]);
    expect((await asAgent.post(page, { intent: "nope" })).status).toBe(400);
    expect(await queuedSyncJobs(connection.id)).toBe(1);

    const sms = await createTwilioConnection(db(), org.id);
    expect((await asAgent.get(`/settings/channels/${sms.id}/templates`)).status).toBe(404);
    expect((await asAgent.get(`/settings/channels/not-a-uuid/templates`)).status).toBe(404);

    await expectOtherOrgGets404(app, db(), async (victim) => {
      const victimConnection = await createMetaConnection(db(), victim.org.id, { baseUrl: graph.baseUrl, secrets });
      const path = `/settings/channels/${victimConnection.id}/templates`;
      return [
        { method: "GET", path },
        { method: "POST", path, form: { intent: "sync" } },
      ];
    });
  });
});
