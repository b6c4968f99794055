import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { runDispatchSlice, setCampaignPacingForBenchmarks } from "../../app/modules/campaigns/dispatch.server.js";
import { startCampaign } from "../../app/modules/campaigns/lifecycle.server.js";
import { takeDailyAllowance } from "../../app/modules/campaigns/warmup.server.js";
import { insertCampaign, insertContacts } from "../support/campaign-engine-fixtures.js";
import { discardQueuedEventJobs, startFakeSidecar, type FakeSidecar } from "../support/baileys-sidecar.js";
import { createOrgWithOwner } from "../support/factories.js";

const db = () => getDb();
let sidecar: FakeSidecar;
const connectionIds: string[] = [];
beforeAll(async () => {
  setCampaignPacingForBenchmarks(null);
  sidecar = await startFakeSidecar();
});
afterAll(async () => {
  await discardQueuedEventJobs(connectionIds);
  await sidecar.close();
});

async function pairedNumber(label: string) {
  const { org, owner } = await createOrgWithOwner(db(), label);
  const { id } = await db().insertInto("channel_connections").values({ org_id: org.id, kind: "whatsapp_baileys", name: label }).returning("id").executeTakeFirstOrThrow();
  connectionIds.push(id);
  expect(await sidecar.manager.connect(id)).toMatchObject({ ok: true });
  sidecar.fake.latest(id).pair();
  await vi.waitFor(() => expect(sidecar.fake.socketsOf(id)).toHaveLength(2));
  sidecar.fake.latest(id).open();
  await vi.waitFor(() => expect(sidecar.manager.status(id).status).toBe("connected"));
  await db().updateTable("channel_connections").set({ status: "connected" }).where("id", "=", id).execute();
  return { org, actor: { type: "user" as const, id: owner.id }, connectionId: id };
}

describe("campaigns on a WhatsApp number paired by QR", () => {
  it("shows 'typing…' before every message, and pauses a human interval between messages", { timeout: 30_000 }, async () => {
    const { org, actor, connectionId } = await pairedNumber("baileys-campaign");
    await insertContacts(db(), org.id, 2);
    const campaign = await insertCampaign(db(), org.id, { connectionId, pacing: { minDelaySeconds: 3, maxDelaySeconds: 3 } });
    await startCampaign(db(), { orgId: org.id, campaignId: campaign.id, actor });
    const { outcome, stats } = await runDispatchSlice(db(), campaign.id);
    expect(outcome).toEqual({ kind: "completed" });
    expect(stats.sent).toBe(2);
    const socket = sidecar.fake.latest(connectionId);
    expect(socket.sent).toHaveLength(2);
    // composing → paused around each message.
    expect(socket.presence.filter((entry) => entry.jid).map((entry) => entry.type)).toEqual(["composing", "paused", "composing", "paused"]);
    const typingStarts = socket.presence.filter((entry) => entry.type === "composing").map((entry) => entry.at);
    expect(typingStarts[1]! - typingStarts[0]!).toBeGreaterThanOrEqual(2_900);
    // The number's day counts against its warm-up plan, which started with this first campaign.
    const day = await db().selectFrom("connection_send_days").select("sent").where("connection_id", "=", connectionId).executeTakeFirstOrThrow();
    expect(day.sent).toBe(2);
    expect((await db().selectFrom("channel_connections").select("warmup_started_on").where("id", "=", connectionId).executeTakeFirstOrThrow()).warmup_started_on).not.toBeNull();
  });

  it("stops for the day at the warm-up cap and resumes at the next local midnight", async () => {
    const { org, actor, connectionId } = await pairedNumber("baileys-cap");
    await db().updateTable("organizations").set({ timezone: "America/Sao_Paulo" }).where("id", "=", org.id).execute();
    // Day 1 of the warm-up allows 20; all 20 are used already.
    await sql`INSERT INTO connection_send_days (connection_id, day, sent) VALUES (${connectionId}, (now() AT TIME ZONE 'America/Sao_Paulo')::date, 20)`.execute(db());
    await db().updateTable("channel_connections").set({ warmup_started_on: sql`(now() AT TIME ZONE 'America/Sao_Paulo')::date` }).where("id", "=", connectionId).execute();
    await insertContacts(db(), org.id, 1);
    const campaign = await insertCampaign(db(), org.id, { connectionId, pacing: { minDelaySeconds: 3, maxDelaySeconds: 3 } });
    await startCampaign(db(), { orgId: org.id, campaignId: campaign.id, actor });
    const { outcome, stats } = await runDispatchSlice(db(), campaign.id);
    expect(stats.sent).toBe(0);
    expect(outcome).toMatchObject({ kind: "later", why: "daily_cap" });
    const at = (outcome as { at: Date }).at;
    expect(new Intl.DateTimeFormat("en-GB", { timeZone: "America/Sao_Paulo", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(at)).toBe("00:00");
    expect(at.getTime()).toBeGreaterThan(Date.now());
    const row = await db().selectFrom("campaign_recipients").select(["status", "attempts"]).where("campaign_id", "=", campaign.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "pending", attempts: 0 });
  });

  it("the warm-up cap grows on later days", async () => {
    const { connectionId } = await pairedNumber("baileys-warmup");
    await db().updateTable("channel_connections").set({ warmup_started_on: sql`current_date - 2` }).where("id", "=", connectionId).execute();
    const allowance = await takeDailyAllowance(db(), { connectionId, dailyCap: 200, timeZone: "UTC" });
    expect(allowance).toEqual({ ok: true, sentToday: 1, capToday: 45 });
  });
});
