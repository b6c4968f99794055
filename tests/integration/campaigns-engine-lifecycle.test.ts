import { describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { cancelCampaign, pauseCampaign, resumeCampaign, retryFailedRecipients, startCampaign } from "../../app/modules/campaigns/lifecycle.server.js";
import { campaignProgress } from "../../app/modules/campaigns/progress.server.js";
import { insertCampaign, insertContacts } from "../support/campaign-engine-fixtures.js";
import { insertContact, insertTag, tagContact } from "../support/contacts-factories.js";
import { createOrgWithOwner } from "../support/factories.js";
import { createSandbox } from "../support/inbox-fixtures.js";

const db = () => getDb();

async function setup(label: string) {
  const { org, owner } = await createOrgWithOwner(db(), label);
  const connection = await createSandbox(db(), org.id);
  return { org, actor: { type: "user" as const, id: owner.id }, connection };
}

const dispatchJobs = (campaignId: string) =>
  db()
    .selectFrom("graphile_worker.jobs" as never)
    .select(["run_at" as never, "key" as never])
    .where("key" as never, "=", `campaign:${campaignId}:dispatch` as never)
    .execute() as Promise<Array<{ run_at: Date; key: string }>>;

describe("campaign lifecycle", () => {
  it("snapshots the audience at start: opted-out and phoneless contacts are skipped with the reason; each contact once", async () => {
    const { org, actor, connection } = await setup("campaign-start");
    await insertContacts(db(), org.id, 5);
    const optedOut = await insertContact(db(), org.id, { opted_out: true });
    const phoneless = await insertContact(db(), org.id, { phone: null });
    const campaign = await insertCampaign(db(), org.id, { connectionId: connection.id });

    expect(await startCampaign(db(), { orgId: org.id, campaignId: campaign.id, actor })).toEqual({ ok: true, recipients: 5, skipped: 2 });
    const skipped = await db().selectFrom("campaign_recipients").select(["contact_id", "skip_reason"]).where("campaign_id", "=", campaign.id).where("status", "=", "skipped").execute();
    expect(new Map(skipped.map((row) => [row.contact_id, row.skip_reason]))).toEqual(new Map([[optedOut.id, "opted_out"], [phoneless.id, "no_phone"]]));
    expect((await db().selectFrom("campaigns").select("status").where("id", "=", campaign.id).executeTakeFirstOrThrow()).status).toBe("running");
    expect(await dispatchJobs(campaign.id)).toHaveLength(1);
    expect(await startCampaign(db(), { orgId: org.id, campaignId: campaign.id, actor })).toEqual({ ok: false, code: "invalid_state" });
    const audit = await db().selectFrom("audit_log").select("action").where("org_id", "=", org.id).where("target_id", "=", campaign.id).execute();
    expect(audit.map((row) => row.action)).toEqual(["campaign.started"]);
  });

  it("tags and list audiences: list numbers are normalized, unknown ones become contacts, repeats and invalid ones are skipped", async () => {
    const { org, actor, connection } = await setup("campaign-audiences");
    const tag = await insertTag(db(), org.id);
    const [a, b] = await insertContacts(db(), org.id, 3);
    await tagContact(db(), org.id, a!.id, tag.id);
    const tagged = await insertCampaign(db(), org.id, { connectionId: connection.id, audience: { kind: "tags", tagIds: [tag.id], match: "any" } });
    expect(await startCampaign(db(), { orgId: org.id, campaignId: tagged.id, actor })).toEqual({ ok: true, recipients: 1, skipped: 0 });

    const list = await insertCampaign(db(), org.id, { connectionId: connection.id, audience: { kind: "list" } });
    const local = b!.phone!.replace("+55", ""); // the organization's country is assumed
    await db()
      .insertInto("campaign_list_entries")
      .values([
        { campaign_id: list.id, row_number: 1, phone: local, name: "Bia" },
        { campaign_id: list.id, row_number: 2, phone: "+55 11 91234-0000", name: "Nova" },
        { campaign_id: list.id, row_number: 3, phone: "5511912340000", name: "Nova de novo" },
        { campaign_id: list.id, row_number: 4, phone: "123", name: "Errado" },
      ])
      .execute();
    expect(await startCampaign(db(), { orgId: org.id, campaignId: list.id, actor })).toEqual({ ok: true, recipients: 2, skipped: 2 });
    const rows = await db().selectFrom("campaign_recipients").select(["contact_id", "phone", "status", "skip_reason"]).where("campaign_id", "=", list.id).orderBy("id").execute();
    expect(rows.map((row) => [row.phone, row.status, row.skip_reason])).toEqual(
      expect.arrayContaining([
        [b!.phone, "pending", null],
        ["+5511912340000", "pending", null],
        ["+5511912340000", "skipped", "duplicate_phone"],
        ["123", "skipped", "invalid_phone"],
      ]),
    );
    const created = await db().selectFrom("contacts").select("name").where("org_id", "=", org.id).where("phone", "=", "+5511912340000").executeTakeFirstOrThrow();
    expect(created.name).toBe("Nova");
  });

  it("refuses what cannot be sent: no connection, empty audience, empty message, another org's campaign", async () => {
    const { org, actor, connection } = await setup("campaign-refusals");
    const other = await setup("campaign-refusals-other");
    const noConnection = await insertCampaign(db(), org.id, { connectionId: null });
    expect(await startCampaign(db(), { orgId: org.id, campaignId: noConnection.id, actor })).toEqual({ ok: false, code: "no_connection" });
    const empty = await insertCampaign(db(), org.id, { connectionId: connection.id });
    expect(await startCampaign(db(), { orgId: org.id, campaignId: empty.id, actor })).toEqual({ ok: false, code: "empty_audience" });
    expect((await db().selectFrom("campaigns").select("status").where("id", "=", empty.id).executeTakeFirstOrThrow()).status).toBe("draft");
    await insertContacts(db(), org.id, 1);
    const blank = await insertCampaign(db(), org.id, { connectionId: connection.id, message: { type: "text", text: "  " } });
    expect(await startCampaign(db(), { orgId: org.id, campaignId: blank.id, actor })).toEqual({ ok: false, code: "invalid_message" });
    expect(await startCampaign(db(), { orgId: other.org.id, campaignId: empty.id, actor: other.actor })).toEqual({ ok: false, code: "not_found" });
    expect(await pauseCampaign(db(), { orgId: other.org.id, campaignId: empty.id, actor: other.actor })).toEqual({ ok: false, code: "not_found" });
    expect(await startCampaign(db(), { orgId: org.id, campaignId: "not-a-uuid", actor })).toEqual({ ok: false, code: "not_found" });
  });

  it("a future schedule waits for its time; pause, resume, cancel and retry move the state machine", async () => {
    const { org, actor, connection } = await setup("campaign-states");
    await insertContacts(db(), org.id, 3);
    const at = new Date(Date.now() + 3_600_000);
    const scheduled = await insertCampaign(db(), org.id, { connectionId: connection.id, scheduledAt: at });
    expect(await startCampaign(db(), { orgId: org.id, campaignId: scheduled.id, actor })).toMatchObject({ ok: true, recipients: 0, scheduledFor: at });
    const jobs = await dispatchJobs(scheduled.id);
    expect(jobs.map((job) => new Date(job.run_at).getTime())).toEqual([at.getTime()]);
    expect(await campaignProgress(db(), org.id, scheduled.id)).toMatchObject({ total: 0 });
    expect(await cancelCampaign(db(), { orgId: org.id, campaignId: scheduled.id, actor })).toEqual({ ok: true });

    const campaign = await insertCampaign(db(), org.id, { connectionId: connection.id });
    await startCampaign(db(), { orgId: org.id, campaignId: campaign.id, actor });
    expect(await resumeCampaign(db(), { orgId: org.id, campaignId: campaign.id, actor })).toEqual({ ok: false, code: "invalid_state" });
    expect(await pauseCampaign(db(), { orgId: org.id, campaignId: campaign.id, actor, reason: "Conferir o texto" })).toEqual({ ok: true });
    expect(await db().selectFrom("campaigns").select(["status", "pause_reason"]).where("id", "=", campaign.id).executeTakeFirstOrThrow()).toEqual({ status: "paused", pause_reason: "Conferir o texto" });
    expect(await resumeCampaign(db(), { orgId: org.id, campaignId: campaign.id, actor })).toEqual({ ok: true });

    const [first, second] = await db().selectFrom("campaign_recipients").select("id").where("campaign_id", "=", campaign.id).orderBy("id").execute();
    await db().updateTable("campaign_recipients").set({ status: "failed", retryable: true, error_code: "130429" }).where("id", "=", first!.id).execute();
    await db().updateTable("campaign_recipients").set({ status: "failed", retryable: false, error_code: "131026" }).where("id", "=", second!.id).execute();
    expect(await retryFailedRecipients(db(), { orgId: org.id, campaignId: campaign.id, actor })).toEqual({ ok: true, requeued: 1 });
    expect(await campaignProgress(db(), org.id, campaign.id)).toMatchObject({ total: 3, pending: 2, failed: 1 });

    expect(await cancelCampaign(db(), { orgId: org.id, campaignId: campaign.id, actor })).toEqual({ ok: true });
    expect(await campaignProgress(db(), org.id, campaign.id)).toMatchObject({ total: 3, pending: 0, cancelled: 2, failed: 1 });
    const audit = await db().selectFrom("audit_log").select("action").where("target_id", "=", campaign.id).orderBy("created_at").orderBy("id").execute();
    expect(audit.map((row) => row.action)).toEqual(["campaign.started", "campaign.paused", "campaign.resumed", "campaign.retried", "campaign.cancelled"]);
  });
});
