import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { loadConnection } from "../../app/modules/channels/connections.server.js";
import { runDispatchSlice, setCampaignPacingForBenchmarks } from "../../app/modules/campaigns/dispatch.server.js";
import { startCampaign } from "../../app/modules/campaigns/lifecycle.server.js";
import { setReconcileWindowForTests } from "../../app/modules/campaigns/reconcile.server.js";
import { campaignProgress } from "../../app/modules/campaigns/progress.server.js";
import { sweepCampaigns } from "../../app/modules/campaigns/recovery.server.js";
import { startFakeMetaGraph, type FakeMetaGraph } from "../fakes/meta-graph.js";
import { startFakeTwilio, type FakeTwilio } from "../fakes/twilio.js";
import { insertCampaign, insertContacts } from "../support/campaign-engine-fixtures.js";
import { createOrgWithOwner } from "../support/factories.js";
import { ingest, statusEvent, textEvent } from "../support/inbox-fixtures.js";
import { createMetaConnection, createTwilioConnection, metaSecrets, META_IDS, runJobs } from "../support/provider-connections.js";

const db = () => getDb();
const secrets = metaSecrets();
let graph: FakeMetaGraph;
let twilio: FakeTwilio;
const twilioAuth = { accountSid: `AC${"1".repeat(32)}`, authToken: "twilio-test-token-123" };

beforeAll(async () => {
  graph = await startFakeMetaGraph({ accessToken: secrets.accessToken, ...META_IDS, appSecret: secrets.appSecret });
  twilio = await startFakeTwilio(twilioAuth);
});
afterAll(async () => {
  await graph?.close();
  await twilio?.close();
  setCampaignPacingForBenchmarks(null);
});
beforeEach(() => setCampaignPacingForBenchmarks("off"));

async function metaCampaign(label: string, contacts: number, values: Parameters<typeof insertCampaign>[2] extends infer V ? Partial<V> : never = {}) {
  const { org, owner } = await createOrgWithOwner(db(), label);
  const connection = await createMetaConnection(db(), org.id, { baseUrl: graph.baseUrl, status: "connected", secrets });
  const rows = await insertContacts(db(), org.id, contacts);
  const campaign = await insertCampaign(db(), org.id, { connectionId: connection.id, ...values });
  const actor = { type: "user" as const, id: owner.id };
  expect(await startCampaign(db(), { orgId: org.id, campaignId: campaign.id, actor })).toMatchObject({ ok: true });
  return { org, actor, connection, contacts: rows, campaignId: campaign.id };
}

const recipients = (campaignId: string) =>
  db().selectFrom("campaign_recipients").selectAll().where("campaign_id", "=", campaignId).orderBy("id").execute();
const sentTo = (phone: string) => graph.sent.filter((message) => message.to === phone.replace(/^\+/, "") || message.to === phone);

describe("campaign dispatch", () => {
  it("sends each recipient once, records conversation + message + recipient, and completes", async () => {
    const { org, campaignId, contacts } = await metaCampaign("dispatch-basic", 12);
    const { outcome, stats } = await runDispatchSlice(db(), campaignId);
    expect(outcome).toEqual({ kind: "completed" });
    expect(stats).toMatchObject({ sent: 12, failed: 0 });
    for (const contact of contacts) expect(sentTo(contact.phone!)).toHaveLength(1);
    const rows = await recipients(campaignId);
    expect(rows.every((row) => row.status === "sent" && row.external_id && row.message_id && row.claimed_by === null)).toBe(true);
    const messages = await db().selectFrom("messages").select(["body", "sender_type", "external_id", "status"]).where("org_id", "=", org.id).execute();
    expect(messages).toHaveLength(12);
    expect(messages.every((message) => message.sender_type === "campaign" && message.status === "sent")).toBe(true);
    // Spintax and variables were filled per contact.
    expect(messages.every((message) => /^(Olá|Oi) Cliente, temos ofertas!$/.test(message.body))).toBe(true);
    expect((await db().selectFrom("campaigns").select("status").where("id", "=", campaignId).executeTakeFirstOrThrow()).status).toBe("completed");
    expect(await campaignProgress(db(), org.id, campaignId)).toMatchObject({ total: 12, sent: 12, pending: 0 });
  });

  it("sends a Meta template with its variables mapped from contact fields, stored with the filled-in body", async () => {
    const { org, owner } = await createOrgWithOwner(db(), "dispatch-template");
    const connection = await createMetaConnection(db(), org.id, { baseUrl: graph.baseUrl, status: "connected", secrets });
    const template = await db()
      .insertInto("message_templates")
      .values({ org_id: org.id, connection_id: connection.id, name: "black_friday", language: "pt_BR", category: "MARKETING", status: "APPROVED", components: JSON.stringify([{ type: "BODY", text: "Olá {{1}}, seu cupom é {{2}}" }]) })
      .returning("id")
      .executeTakeFirstOrThrow();
    const [contact] = await insertContacts(db(), org.id, 1, { namePrefix: "Maria" });
    const campaign = await insertCampaign(db(), org.id, {
      connectionId: connection.id,
      message: { type: "template", templateId: template.id, variables: [{ source: "first_name", fallback: "cliente" }, { source: "", fallback: "BF20" }] },
    });
    expect(await startCampaign(db(), { orgId: org.id, campaignId: campaign.id, actor: { type: "user", id: owner.id } })).toMatchObject({ ok: true, recipients: 1 });
    expect((await runDispatchSlice(db(), campaign.id)).outcome).toEqual({ kind: "completed" });
    const [sent] = sentTo(contact!.phone!);
    expect(sent?.template).toMatchObject({ name: "black_friday", language: { code: "pt_BR" } });
    expect(JSON.stringify(sent?.template?.components)).toContain("BF20");
    const message = await db().selectFrom("messages").select(["type", "body"]).where("org_id", "=", org.id).executeTakeFirstOrThrow();
    expect(message).toEqual({ type: "template", body: "Olá Maria, seu cupom é BF20" });
  });

  it("follows statuses to delivered/read/failed, attributes a reply, and an opt-out keyword cancels pending sends everywhere", async () => {
    const { org, campaignId, contacts } = await metaCampaign("dispatch-follow", 3);
    await runDispatchSlice(db(), campaignId);
    const [a, b, c] = await recipients(campaignId);
    const connection = (await loadConnection(db(), org.id, (await db().selectFrom("campaigns").select("connection_id").where("id", "=", campaignId).executeTakeFirstOrThrow()).connection_id!))!;
    // A second campaign to the same contacts is still waiting.
    const second = await insertCampaign(db(), org.id, { connectionId: connection.id });
    await startCampaign(db(), { orgId: org.id, campaignId: second.id, actor: { type: "system" } });

    await ingest(db(), connection, [statusEvent(a!.external_id!, "delivered"), statusEvent(b!.external_id!, "read"), statusEvent(c!.external_id!, "failed", { code: "131026", message: "undeliverable" })]);
    const after = await recipients(campaignId);
    expect(after.map((row) => row.status)).toEqual(["delivered", "read", "failed"]);
    expect(after[1]!.delivered_at).not.toBeNull();
    expect(after[2]).toMatchObject({ error_code: "131026", retryable: false });

    await ingest(db(), connection, [textEvent({ phone: contacts[0]!.phone!, text: "Quero saber mais" })]);
    await ingest(db(), connection, [textEvent({ phone: contacts[1]!.phone!, text: "sair" })]);
    const progress = await campaignProgress(db(), org.id, campaignId);
    expect(progress).toMatchObject({ replied: 1, optedOut: 1, delivered: 1, read: 1, failed: 1 });
    const secondRows = await recipients(second.id);
    expect(secondRows.find((row) => row.contact_id === contacts[1]!.id)).toMatchObject({ status: "cancelled" });
    expect(secondRows.filter((row) => row.status === "pending")).toHaveLength(2);
  });

  it("retries a passing error with backoff, fails a permanent one with its code at once; one bad contact never halts the rest", async () => {
    const { campaignId } = await metaCampaign("dispatch-errors", 4);
    graph.failNext(130429, { times: 1 });
    graph.failNext(131026, { times: 1 });
    const first = await runDispatchSlice(db(), campaignId);
    expect(first.stats).toMatchObject({ sent: 2, retried: 1, failed: 1 });
    expect(first.outcome).toMatchObject({ kind: "later", why: "retry_backoff" });
    const rows = await recipients(campaignId);
    const retried = rows.find((row) => row.error_code === "130429")!;
    expect(retried).toMatchObject({ status: "pending", attempts: 1 });
    expect(retried.next_attempt_at.getTime()).toBeGreaterThan(Date.now());
    expect(rows.find((row) => row.error_code === "131026")).toMatchObject({ status: "failed", retryable: false });

    await db().updateTable("campaign_recipients").set({ next_attempt_at: new Date() }).where("id", "=", retried.id).execute();
    expect((await runDispatchSlice(db(), campaignId)).outcome).toEqual({ kind: "completed" });
    expect((await recipients(campaignId)).find((row) => row.id === retried.id)).toMatchObject({ status: "sent", attempts: 2, error_code: null });
  });

  it("gives up on a passing error after the last attempt as a retryable failure", async () => {
    const { campaignId } = await metaCampaign("dispatch-give-up", 1);
    await db().updateTable("campaign_recipients").set({ attempts: 4 }).where("campaign_id", "=", campaignId).execute();
    graph.failNext(131000, { times: 1 });
    await runDispatchSlice(db(), campaignId);
    expect((await recipients(campaignId))[0]).toMatchObject({ status: "failed", retryable: true, error_code: "131000", attempts: 5 });
  });

  it("pauses itself on Meta's spam limit (131048) and when the number disconnects, with the reason", async () => {
    const spam = await metaCampaign("dispatch-spam", 3);
    graph.failNext(131048, { times: 1 });
    const { outcome } = await runDispatchSlice(db(), spam.campaignId, { maxInFlight: 1 });
    expect(outcome).toEqual({ kind: "paused", reason: "spam_rate_limit" });
    expect(await db().selectFrom("campaigns").select(["status", "pause_reason"]).where("id", "=", spam.campaignId).executeTakeFirstOrThrow()).toEqual({ status: "paused", pause_reason: "spam_rate_limit" });
    expect((await campaignProgress(db(), spam.org.id, spam.campaignId)).pending).toBe(2);

    const off = await metaCampaign("dispatch-disconnected", 2);
    await db().updateTable("channel_connections").set({ status: "disconnected" }).where("id", "=", off.connection.id).execute();
    expect((await runDispatchSlice(db(), off.campaignId)).outcome).toEqual({ kind: "paused", reason: "connection_disconnected" });
    expect(graph.sent.filter((message) => off.contacts.some((contact) => contact.phone!.endsWith(message.to)))).toHaveLength(0);
  });

  it("pauses when most recent sends fail permanently", async () => {
    const { org, campaignId } = await metaCampaign("dispatch-failure-rate", 30);
    // Exactly as many failures as it takes: 20 results, all failed, crosses the 50% line.
    graph.failNext(131026, { times: 20 });
    const { outcome } = await runDispatchSlice(db(), campaignId, { maxInFlight: 1 });
    expect(outcome).toEqual({ kind: "paused", reason: "failure_rate" });
    expect(await campaignProgress(db(), org.id, campaignId)).toMatchObject({ failed: 20, pending: 10 });
  });

  it("re-checks opt-out at send time: a contact who opted out after the start is skipped", async () => {
    const { org, campaignId, contacts } = await metaCampaign("dispatch-optout", 3);
    await db().updateTable("contacts").set({ opted_out: true }).where("id", "=", contacts[0]!.id).execute();
    await runDispatchSlice(db(), campaignId);
    expect((await recipients(campaignId)).find((row) => row.contact_id === contacts[0]!.id)).toMatchObject({ status: "skipped", skip_reason: "opted_out" });
    expect(await campaignProgress(db(), org.id, campaignId)).toMatchObject({ sent: 2, skipped: 1, optedOut: 1 });
    expect(sentTo(contacts[0]!.phone!)).toHaveLength(0);
  });

  it("a 'sending' row left by a dead run returns to pending and is sent; a live run's row is left alone", async () => {
    // No reconcile window: the row is due at once, as on channels that echo no reference (see campaigns-engine-reconcile).
    setReconcileWindowForTests(0);
    const { campaignId } = await metaCampaign("dispatch-recover", 2);
    const [dead, live] = await recipients(campaignId);
    await db().insertInto("campaign_dispatch_runs").values({ id: "live-run", campaign_id: campaignId }).execute();
    await db().updateTable("campaign_recipients").set({ status: "sending", claimed_by: "killed-run", attempts: 1 }).where("id", "=", dead!.id).execute();
    await db().updateTable("campaign_recipients").set({ status: "sending", claimed_by: "live-run", attempts: 1 }).where("id", "=", live!.id).execute();
    const { outcome } = await runDispatchSlice(db(), campaignId);
    expect(outcome).toMatchObject({ kind: "later", why: "in_flight_elsewhere" });
    const rows = await recipients(campaignId);
    expect(rows.find((row) => row.id === dead!.id)).toMatchObject({ status: "sent", attempts: 2 });
    expect(rows.find((row) => row.id === live!.id)).toMatchObject({ status: "sending", claimed_by: "live-run" });
    setReconcileWindowForTests(null);
  });

  it("the sweep gives a running campaign whose dispatcher died a fresh job; a live dispatcher is left alone", async () => {
    const { campaignId } = await metaCampaign("dispatch-sweep", 2);
    const jobs = () => sql<{ n: number }>`SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE key = ${`campaign:${campaignId}:dispatch`} AND locked_at IS NULL`.execute(db());
    // The start queued one; a worker killed while running it leaves it locked.
    await sql`UPDATE graphile_worker._private_jobs SET locked_at = now(), locked_by = 'killed-worker' WHERE key = ${`campaign:${campaignId}:dispatch`}`.execute(db());
    await db().insertInto("campaign_dispatch_runs").values({ id: `live-${campaignId}`, campaign_id: campaignId }).execute();
    await sweepCampaigns(db());
    expect((await jobs()).rows[0]!.n).toBe(0);
    // A worker that starts cannot tell a live run from the one it replaces: it queues one anyway.
    await sweepCampaigns(db(), { workerStarting: true });
    expect((await jobs()).rows[0]!.n).toBe(1);
    await sql`DELETE FROM graphile_worker._private_jobs WHERE key = ${`campaign:${campaignId}:dispatch`} AND locked_at IS NULL`.execute(db());
    // The run stops beating: the minute sweep queues a job too.
    await db().updateTable("campaign_dispatch_runs").set({ heartbeat_at: new Date(Date.now() - 60_000) }).where("campaign_id", "=", campaignId).execute();
    await sweepCampaigns(db());
    expect((await jobs()).rows[0]!.n).toBe(1);
  });

  it("sends nothing inside quiet hours and answers when they end", async () => {
    const zoneNow = new Date();
    const hhmm = (date: Date) => date.toISOString().slice(11, 16);
    const { org, campaignId } = await metaCampaign("dispatch-quiet", 2, {
      quietHours: { start: hhmm(new Date(zoneNow.getTime() - 3_600_000)), end: hhmm(new Date(zoneNow.getTime() + 3_600_000)) },
    });
    await db().updateTable("organizations").set({ timezone: "UTC" }).where("id", "=", org.id).execute();
    const { outcome, stats } = await runDispatchSlice(db(), campaignId);
    expect(stats.sent).toBe(0);
    expect(outcome).toMatchObject({ kind: "later", why: "quiet_hours" });
    const at = (outcome as { at: Date }).at.getTime();
    expect(Math.abs(at - (zoneNow.getTime() + 3_600_000))).toBeLessThan(61_000);
    expect((await campaignProgress(db(), org.id, campaignId)).pending).toBe(2);
    // Through the task: the campaign's job is put back for the end of the quiet hours.
    await runJobs(["campaign.dispatch"]);
    const job = await sql<{ run_at: Date }>`SELECT run_at FROM graphile_worker._private_jobs WHERE key = ${`campaign:${campaignId}:dispatch`}`.execute(db());
    expect(Math.abs(job.rows[0]!.run_at.getTime() - at)).toBeLessThan(61_000);
  });

  it("SMS: the same text never goes to the same number twice within the window; the skip is recorded", async () => {
    const { org, owner } = await createOrgWithOwner(db(), "dispatch-sms");
    const connection = await createTwilioConnection(db(), org.id, { baseUrl: twilio.baseUrl });
    await db().updateTable("channel_connections").set({ status: "connected" }).where("id", "=", connection.id).execute();
    // The fake checks this account's credentials.
    await sql`UPDATE channel_connections SET config = config || ${JSON.stringify({ accountSid: twilioAuth.accountSid })}::jsonb WHERE id = ${connection.id}`.execute(db());
    const { saveConnectionSecrets } = await import("../../app/modules/channels/connections.server.js");
    await saveConnectionSecrets(db(), connection.id, { authToken: twilioAuth.authToken });
    const [contact] = await insertContacts(db(), org.id, 1);
    const message = { type: "text", text: "Promoção de sábado: 20% off" };
    const actor = { type: "user" as const, id: owner.id };
    const first = await insertCampaign(db(), org.id, { connectionId: connection.id, message });
    const second = await insertCampaign(db(), org.id, { connectionId: connection.id, message });
    await startCampaign(db(), { orgId: org.id, campaignId: first.id, actor });
    await startCampaign(db(), { orgId: org.id, campaignId: second.id, actor });
    expect((await runDispatchSlice(db(), first.id)).stats.sent).toBe(1);
    expect((await runDispatchSlice(db(), second.id)).stats).toMatchObject({ sent: 0, skipped: 1 });
    expect((await recipients(second.id))[0]).toMatchObject({ status: "skipped", skip_reason: "sms_duplicate" });
    expect(twilio.messages.filter((sent) => sent.to === contact!.phone)).toHaveLength(1);
  });

  it("Twilio 21610 fails the recipient and opts the contact out", async () => {
    const { org, owner } = await createOrgWithOwner(db(), "dispatch-21610");
    const connection = await createTwilioConnection(db(), org.id, { baseUrl: twilio.baseUrl });
    await sql`UPDATE channel_connections SET status = 'connected', config = config || ${JSON.stringify({ accountSid: twilioAuth.accountSid })}::jsonb WHERE id = ${connection.id}`.execute(db());
    const { saveConnectionSecrets } = await import("../../app/modules/channels/connections.server.js");
    await saveConnectionSecrets(db(), connection.id, { authToken: twilioAuth.authToken });
    const [contact] = await insertContacts(db(), org.id, 1);
    const campaign = await insertCampaign(db(), org.id, { connectionId: connection.id, message: { type: "text", text: "Oferta única" } });
    await startCampaign(db(), { orgId: org.id, campaignId: campaign.id, actor: { type: "user", id: owner.id } });
    twilio.failNext(21610);
    await runDispatchSlice(db(), campaign.id);
    expect((await recipients(campaign.id))[0]).toMatchObject({ status: "failed", error_code: "21610", retryable: false });
    expect(await db().selectFrom("contacts").select(["opted_out", "opt_out_source"]).where("id", "=", contact!.id).executeTakeFirstOrThrow()).toEqual({ opted_out: true, opt_out_source: "provider" });
  });
});
