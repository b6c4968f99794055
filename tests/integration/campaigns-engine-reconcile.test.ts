import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { loadConnection } from "../../app/modules/channels/connections.server.js";
import { runDispatchSlice, setCampaignPacingForBenchmarks } from "../../app/modules/campaigns/dispatch.server.js";
import { startCampaign } from "../../app/modules/campaigns/lifecycle.server.js";
import { setReconcileWindowForTests } from "../../app/modules/campaigns/reconcile.server.js";
import type { ConnectionContext } from "../../app/modules/channels/types.js";
import { whatsappCloudAdapter } from "../../app/modules/channels/whatsapp-cloud.server.js";
import { twilioSmsAdapter } from "../../app/modules/channels/twilio-sms.server.js";
import { applyInboundEvent, UnknownMessageError } from "../../app/modules/inbox/ingest.server.js";
import { claimSmsText } from "../../app/modules/outreach/sms-duplicates.server.js";
import { metaWebhooks, startFakeMetaGraph, type FakeMetaGraph } from "../fakes/meta-graph.js";
import { startFakeTwilio, type FakeTwilio } from "../fakes/twilio.js";
import { insertCampaign, insertContacts } from "../support/campaign-engine-fixtures.js";
import { createOrgWithOwner } from "../support/factories.js";
import { createSandbox, ingest } from "../support/inbox-fixtures.js";
import { createMetaConnection, createTwilioConnection, metaSecrets, META_IDS } from "../support/provider-connections.js";

const db = () => getDb();
const secrets = metaSecrets();
let graph: FakeMetaGraph;
let twilio: FakeTwilio;
const twilioAuth = { accountSid: `AC${"2".repeat(32)}`, authToken: "twilio-test-token-456" };

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
afterEach(() => setReconcileWindowForTests(null));

async function metaCampaign(label: string, contacts: number) {
  const { org, owner } = await createOrgWithOwner(db(), label);
  const row = await createMetaConnection(db(), org.id, { baseUrl: graph.baseUrl, status: "connected", secrets });
  const people = await insertContacts(db(), org.id, contacts);
  const campaign = await insertCampaign(db(), org.id, { connectionId: row.id });
  expect(await startCampaign(db(), { orgId: org.id, campaignId: campaign.id, actor: { type: "user", id: owner.id } })).toMatchObject({ ok: true });
  const connection = (await loadConnection(db(), org.id, row.id))!;
  return { org, connection, contacts: people, campaignId: campaign.id };
}

const recipients = (campaignId: string) => db().selectFrom("campaign_recipients").selectAll().where("campaign_id", "=", campaignId).orderBy("id").execute();
const sentTo = (phone: string) => graph.sent.filter((message) => message.to === phone.replace(/^\+/, "") || message.to === phone);

/** A row a killed worker left 'sending' (its run never beat a heartbeat). */
const leaveSending = (recipientId: number) =>
  db().updateTable("campaign_recipients").set({ status: "sending", claimed_by: "killed-run", claimed_at: new Date(), attempts: 1 }).where("id", "=", recipientId).execute();

/** Meta's "sent" status webhook, parsed by the real adapter from its wire format. */
function metaStatus(connection: ConnectionContext, wamid: string, reference: string, status = "sent") {
  const rawBody = JSON.stringify(metaWebhooks.status({ ...META_IDS, wamid, status, recipient: "5511900000000", bizOpaqueCallbackData: reference }));
  return whatsappCloudAdapter.parseInbound(connection, { url: "http://localhost/webhooks/meta", method: "POST", headers: new Headers(), rawBody });
}

describe("reconciling uncertain campaign sends through status webhooks", () => {
  it("every send carries its recipient's reference; a dead run's row waits the window and becomes 'sent' from its status webhook", async () => {
    const { org, connection, campaignId } = await metaCampaign("reconcile-webhook", 2);
    const [uncertain, fresh] = await recipients(campaignId);
    await leaveSending(uncertain!.id);

    const { outcome, stats } = await runDispatchSlice(db(), campaignId);
    expect(stats.sent).toBe(1);
    expect(outcome).toMatchObject({ kind: "later", why: "retry_backoff" });
    expect(sentTo(fresh!.phone!)[0]).toMatchObject({ biz_opaque_callback_data: `cr:${fresh!.id}` });
    // Not resent inside the window: it may already have reached the provider.
    expect(sentTo(uncertain!.phone!)).toHaveLength(0);
    const waiting = (await recipients(campaignId))[0]!;
    expect(waiting).toMatchObject({ status: "pending", claimed_by: null });
    expect(waiting.uncertain_since).toBeInstanceOf(Date);
    expect(waiting.next_attempt_at.getTime() - Date.now()).toBeGreaterThan(50_000);
    expect((await runDispatchSlice(db(), campaignId)).stats.sent).toBe(0);

    // The provider reports the send the dead worker never recorded: "sent", then "delivered".
    const events = metaStatus(connection, "wamid.reconciled-1", `cr:${uncertain!.id}`);
    expect(events[0]).toMatchObject({ kind: "status", reference: `cr:${uncertain!.id}` });
    await ingest(db(), connection, [...events, ...metaStatus(connection, "wamid.reconciled-1", `cr:${uncertain!.id}`, "delivered")]);
    const recorded = (await recipients(campaignId))[0]!;
    // Recorded as sent, then moved on by the "delivered" status like any campaign message.
    expect(recorded).toMatchObject({ status: "delivered", external_id: "wamid.reconciled-1", attempts: 1 });
    const message = await db().selectFrom("messages").selectAll().where("id", "=", recorded.message_id!).executeTakeFirstOrThrow();
    expect(message).toMatchObject({ org_id: org.id, sender_type: "campaign", direction: "outbound", status: "delivered", external_id: "wamid.reconciled-1" });
    expect(message.body).toMatch(/^(Olá|Oi) Cliente, temos ofertas!$/);
    expect((await runDispatchSlice(db(), campaignId)).outcome).toEqual({ kind: "completed" });
    expect(sentTo(uncertain!.phone!)).toHaveLength(0);
  });

  it("a status arriving before any dispatcher recovered the dead run's row records it all the same", async () => {
    const { connection, campaignId } = await metaCampaign("reconcile-early", 1);
    const [row] = await recipients(campaignId);
    await leaveSending(row!.id);
    await ingest(db(), connection, metaStatus(connection, "wamid.early-1", `cr:${row!.id}`));
    expect((await recipients(campaignId))[0]).toMatchObject({ status: "sent", external_id: "wamid.early-1", claimed_by: null, uncertain_since: null });
    expect((await runDispatchSlice(db(), campaignId)).outcome).toEqual({ kind: "completed" });
    expect(sentTo(row!.phone!)).toHaveLength(0);
  });

  it("two statuses of one uncertain send applied at once record one message", async () => {
    const { org, connection, campaignId } = await metaCampaign("reconcile-race", 1);
    const [row] = await recipients(campaignId);
    await leaveSending(row!.id);
    const events = [...metaStatus(connection, "wamid.race-1", `cr:${row!.id}`), ...metaStatus(connection, "wamid.race-1", `cr:${row!.id}`, "delivered")];
    await Promise.all(events.map((event) => applyInboundEvent(db(), connection, event)));
    const messages = await db().selectFrom("messages").select(["external_id", "status"]).where("org_id", "=", org.id).execute();
    expect(messages).toEqual([{ external_id: "wamid.race-1", status: "delivered" }]);
    expect((await recipients(campaignId))[0]).toMatchObject({ status: "delivered", external_id: "wamid.race-1" });
  });

  it("the Sandbox's simulated statuses carry the reference too", async () => {
    const { org, owner } = await createOrgWithOwner(db(), "reconcile-sandbox");
    const connection = await createSandbox(db(), org.id);
    await insertContacts(db(), org.id, 1);
    const campaign = await insertCampaign(db(), org.id, { connectionId: connection.id });
    await startCampaign(db(), { orgId: org.id, campaignId: campaign.id, actor: { type: "user", id: owner.id } });
    const [row] = await recipients(campaign.id);
    expect((await runDispatchSlice(db(), campaign.id)).stats.sent).toBe(1);
    const ticks = await sql<{ payload: { externalId: string; reference?: string } }>`
      SELECT payload FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
      WHERE t.identifier = 'sandbox.tick' AND j.payload->>'connectionId' = ${connection.id}`.execute(db());
    expect(ticks.rows).toHaveLength(2);
    expect(ticks.rows.every((tick) => tick.payload.reference === `cr:${row!.id}`)).toBe(true);
  });

  it("without a webhook the row is resent once the window has passed", async () => {
    setReconcileWindowForTests(300);
    const { campaignId } = await metaCampaign("reconcile-expiry", 1);
    const [row] = await recipients(campaignId);
    await leaveSending(row!.id);
    expect((await runDispatchSlice(db(), campaignId)).stats.sent).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const { outcome, stats } = await runDispatchSlice(db(), campaignId);
    expect(stats.sent).toBe(1);
    expect(outcome).toEqual({ kind: "completed" });
    expect((await recipients(campaignId))[0]).toMatchObject({ status: "sent", attempts: 2 });
    expect(sentTo(row!.phone!)).toHaveLength(1);
  });

  it("a late webhook for the first send of a row already resent is stored too (an honest duplicate), leaving the row as it is", async () => {
    setReconcileWindowForTests(0);
    const { org, connection, campaignId } = await metaCampaign("reconcile-late", 1);
    const [row] = await recipients(campaignId);
    await leaveSending(row!.id);
    expect((await runDispatchSlice(db(), campaignId)).stats.sent).toBe(1);
    const resent = (await recipients(campaignId))[0]!;
    await ingest(db(), connection, metaStatus(connection, "wamid.first-attempt", `cr:${row!.id}`));
    expect((await recipients(campaignId))[0]).toMatchObject({ status: "sent", external_id: resent.external_id, message_id: resent.message_id });
    const messages = await db().selectFrom("messages").select("external_id").where("org_id", "=", org.id).where("sender_type", "=", "campaign").execute();
    expect(messages.map((message) => message.external_id).sort()).toEqual([resent.external_id, "wamid.first-attempt"].sort());
  });

  it("another org's reference, or a row a live run still holds, is not reconciled", async () => {
    const { campaignId } = await metaCampaign("reconcile-owner", 2);
    const [uncertain, live] = await recipients(campaignId);
    await leaveSending(uncertain!.id);
    await runDispatchSlice(db(), campaignId);
    const other = await metaCampaign("reconcile-intruder", 1);
    const [event] = metaStatus(other.connection, "wamid.intruder", `cr:${uncertain!.id}`);
    await expect(applyInboundEvent(db(), other.connection, event!)).rejects.toBeInstanceOf(UnknownMessageError);
    expect((await recipients(campaignId))[0]).toMatchObject({ status: "pending", external_id: null });
    expect(await db().selectFrom("messages").select("id").where("external_id", "=", "wamid.intruder").execute()).toHaveLength(0);

    expect(live!.status).toBe("pending");

    // A live run's own record is moments away: its status waits (and is retried) instead.
    await db().insertInto("campaign_dispatch_runs").values({ id: "live-run-reconcile", campaign_id: other.campaignId }).execute();
    const [otherRow] = await recipients(other.campaignId);
    await db().updateTable("campaign_recipients").set({ status: "sending", claimed_by: "live-run-reconcile" }).where("id", "=", otherRow!.id).execute();
    const [liveEvent] = metaStatus(other.connection, "wamid.live", `cr:${otherRow!.id}`);
    await expect(applyInboundEvent(db(), other.connection, liveEvent!)).rejects.toBeInstanceOf(UnknownMessageError);
    expect((await recipients(other.campaignId))[0]).toMatchObject({ status: "sending", claimed_by: "live-run-reconcile" });
  });

  it("SMS: the reference rides on the StatusCallback URL, and a recovered row is sent again, not skipped as its own duplicate", async () => {
    setReconcileWindowForTests(0);
    const { org, owner } = await createOrgWithOwner(db(), "reconcile-sms");
    const row = await createTwilioConnection(db(), org.id, { baseUrl: twilio.baseUrl });
    await sql`UPDATE channel_connections SET status = 'connected', config = config || ${JSON.stringify({ accountSid: twilioAuth.accountSid })}::jsonb WHERE id = ${row.id}`.execute(db());
    const { saveConnectionSecrets } = await import("../../app/modules/channels/connections.server.js");
    await saveConnectionSecrets(db(), row.id, { authToken: twilioAuth.authToken });
    await insertContacts(db(), org.id, 2);
    const text = "Promoção de domingo: frete grátis";
    const campaign = await insertCampaign(db(), org.id, { connectionId: row.id, message: { type: "text", text } });
    await startCampaign(db(), { orgId: org.id, campaignId: campaign.id, actor: { type: "user", id: owner.id } });
    const [crashed, other] = await recipients(campaign.id);
    // The killed attempt had claimed the text for this number before calling Twilio.
    expect((await claimSmsText(db(), { orgId: org.id, phone: crashed!.phone!, text, owner: `cr:${crashed!.id}` })).ok).toBe(true);
    await leaveSending(crashed!.id);

    const { stats } = await runDispatchSlice(db(), campaign.id);
    expect(stats).toMatchObject({ sent: 2, skipped: 0 });
    expect((await recipients(campaign.id))[0]).toMatchObject({ status: "sent", skip_reason: null });
    const toFirst = twilio.messages.filter((message) => message.to === crashed!.phone);
    expect(toFirst).toHaveLength(1);
    expect(new URL(toFirst[0]!.statusCallback!).searchParams.get("ref")).toBe(`cr:${crashed!.id}`);
    expect(twilio.messages.filter((message) => message.to === other!.phone)).toHaveLength(1);
    // Another sender of the same text to that number is still a duplicate.
    expect((await claimSmsText(db(), { orgId: org.id, phone: crashed!.phone!, text, owner: "cr:999999999" })).ok).toBe(false);

    // Twilio's status callback comes back to that URL: the adapter reads the reference from it.
    const connection = (await loadConnection(db(), org.id, row.id))!;
    const events = twilioSmsAdapter.parseInbound(connection, {
      url: toFirst[0]!.statusCallback!,
      method: "POST",
      headers: new Headers(),
      rawBody: new URLSearchParams({ MessageSid: `SM${"a".repeat(32)}`, MessageStatus: "delivered" }).toString(),
    });
    expect(events[0]).toMatchObject({ kind: "status", status: "delivered", reference: `cr:${crashed!.id}` });
  });
});
