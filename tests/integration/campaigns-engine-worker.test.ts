import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { getEnv } from "../../app/lib/env.server.js";
import { setCampaignPacingForBenchmarks } from "../../app/modules/campaigns/dispatch.server.js";
import { cancelCampaign, pauseCampaign, resumeCampaign, startCampaign } from "../../app/modules/campaigns/lifecycle.server.js";
import { postgresSlotStore } from "../../app/modules/campaigns/pacing.server.js";
import { campaignProgress } from "../../app/modules/campaigns/progress.server.js";
import { startWorker } from "../../workers/runner.js";
import { startFakeMetaGraph, type FakeMetaGraph } from "../fakes/meta-graph.js";
import { insertCampaign, insertContacts } from "../support/campaign-engine-fixtures.js";
import { createOrgWithOwner } from "../support/factories.js";
import { clearJobQueue } from "../support/inbox-fixtures.js";
import { createMetaConnection, metaSecrets, META_IDS } from "../support/provider-connections.js";

const db = () => getDb();
const secrets = metaSecrets();
let graph: FakeMetaGraph;
const sendTimes: Array<{ at: number; to: string }> = [];
let workers: Array<Awaited<ReturnType<typeof startWorker>>> = [];

beforeAll(async () => {
  setCampaignPacingForBenchmarks(null);
  await clearJobQueue(db());
  graph = await startFakeMetaGraph({ accessToken: secrets.accessToken, ...META_IDS, appSecret: secrets.appSecret });
  // When each send reached the "provider".
  const push = graph.sent.push.bind(graph.sent);
  graph.sent.push = (...items) => {
    for (const item of items) sendTimes.push({ at: Date.now(), to: item.to });
    return push(...items);
  };
  // Two worker processes' worth of runners on the same database share one pacing per connection.
  for (let index = 0; index < 2; index++) workers.push(await startWorker({ connectionString: getEnv().DATABASE_URL, db: db(), concurrency: 2, tasks: ["campaign.dispatch"] }));
});
afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  workers = [];
  await graph?.close();
});

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function setup(label: string) {
  const { org, owner } = await createOrgWithOwner(db(), label);
  const connection = await createMetaConnection(db(), org.id, { baseUrl: graph.baseUrl, status: "connected", secrets });
  return { org, actor: { type: "user" as const, id: owner.id }, connection };
}

const statusOf = (campaignId: string) => db().selectFrom("campaigns").select("status").where("id", "=", campaignId).executeTakeFirstOrThrow();

describe("campaigns on real workers", () => {
  it("pacing holds per connection across two workers: two campaigns on one number never exceed its rate together", { timeout: 40_000 }, async () => {
    const { org, actor, connection } = await setup("worker-pacing");
    const contacts = await insertContacts(db(), org.id, 24);
    const phones = new Set(contacts.map((contact) => contact.phone!.replace(/^\+/, "")));
    const tagHalf = async (from: number) => {
      const campaign = await insertCampaign(db(), org.id, { connectionId: connection.id, audience: { kind: "list" }, pacing: { ratePerSecond: 5 } });
      await db()
        .insertInto("campaign_list_entries")
        .values(contacts.slice(from, from + 12).map((contact, index) => ({ campaign_id: campaign.id, row_number: index + 1, phone: contact.phone!, name: null })))
        .execute();
      return campaign.id;
    };
    const ids = [await tagHalf(0), await tagHalf(12)];
    for (const campaignId of ids) expect(await startCampaign(db(), { orgId: org.id, campaignId, actor })).toMatchObject({ ok: true, recipients: 12 });
    await eventually(() => Promise.all(ids.map(statusOf)), (rows) => rows.every((row) => row.status === "completed"), 30_000);

    const times = sendTimes.filter((send) => phones.has(send.to.replace(/^\+/, ""))).map((send) => send.at);
    expect(times).toHaveLength(24);
    // Both campaigns were sending at the same time (two dispatchers, one on each runner).
    const runs = await db().selectFrom("campaign_dispatch_runs").select(["campaign_id", "started_at", "finished_at"]).where("campaign_id", "in", ids).execute();
    expect(new Set(runs.map((run) => run.campaign_id)).size).toBe(2);
    // 5 per second: 24 sends need at least 23 intervals of 200 ms, and no second ever holds more than 5 (+1 at its edge).
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(23 * 200 - 250);
    const busiest = Math.max(...times.map((start) => times.filter((at) => at >= start && at < start + 1000).length));
    expect(busiest).toBeLessThanOrEqual(6);
  });

  it("the Postgres fallback reserves one slot per interval under contention", async () => {
    const store = postgresSlotStore(db());
    const key = `test:${Date.now()}`;
    const before = Date.now();
    // When each caller may send: the moment its answer arrived plus the wait it was told.
    const slots = await Promise.all(Array.from({ length: 10 }, async () => (await store.reserve(key, 100, 1)) + Date.now()));
    slots.sort((a, b) => a - b);
    expect(slots.at(-1)! - slots[0]!).toBeGreaterThanOrEqual(9 * 100 - 100);
    const row = await db().selectFrom("send_pacing_slots").select("next_at").where("key", "=", key).executeTakeFirstOrThrow();
    // Ten reservations moved the next free slot ten intervals on, whatever order they ran in.
    expect(row.next_at.getTime() - before).toBeGreaterThanOrEqual(10 * 100 - 50);
  });

  it("pause stops sends within about a second; resume continues; cancel stops and cancels what is pending", { timeout: 40_000 }, async () => {
    const { org, actor, connection } = await setup("worker-pause");
    const contacts = await insertContacts(db(), org.id, 40);
    const phones = new Set(contacts.map((contact) => contact.phone!.replace(/^\+/, "")));
    const sentHere = () => sendTimes.filter((send) => phones.has(send.to.replace(/^\+/, ""))).length;
    const campaign = await insertCampaign(db(), org.id, { connectionId: connection.id, pacing: { ratePerSecond: 4 } });
    await startCampaign(db(), { orgId: org.id, campaignId: campaign.id, actor });
    await eventually(async () => sentHere(), (count) => count >= 3);

    expect(await pauseCampaign(db(), { orgId: org.id, campaignId: campaign.id, actor })).toEqual({ ok: true });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const afterPause = sentHere();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(sentHere()).toBe(afterPause);
    const paused = await campaignProgress(db(), org.id, campaign.id);
    expect(paused.sending).toBe(0);
    expect(paused.sent).toBe(afterPause);

    expect(await resumeCampaign(db(), { orgId: org.id, campaignId: campaign.id, actor })).toEqual({ ok: true });
    await eventually(async () => sentHere(), (count) => count >= afterPause + 3);

    expect(await cancelCampaign(db(), { orgId: org.id, campaignId: campaign.id, actor })).toEqual({ ok: true });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const afterCancel = sentHere();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(sentHere()).toBe(afterCancel);
    const final = await campaignProgress(db(), org.id, campaign.id);
    expect(final).toMatchObject({ pending: 0, sending: 0, sent: afterCancel });
    expect(final.cancelled).toBe(40 - afterCancel);
  });

  it("a scheduled campaign starts on time by its job's run_at", { timeout: 30_000 }, async () => {
    const { org, actor, connection } = await setup("worker-scheduled");
    await insertContacts(db(), org.id, 3);
    const scheduledAt = new Date(Date.now() + 2_000);
    const campaign = await insertCampaign(db(), org.id, { connectionId: connection.id, scheduledAt });
    expect(await startCampaign(db(), { orgId: org.id, campaignId: campaign.id, actor })).toMatchObject({ ok: true, scheduledFor: scheduledAt });
    expect((await statusOf(campaign.id)).status).toBe("scheduled");
    await eventually(() => statusOf(campaign.id), (row) => row.status === "completed", 20_000);
    const started = await db().selectFrom("campaigns").select("started_at").where("id", "=", campaign.id).executeTakeFirstOrThrow();
    expect(started.started_at!.getTime()).toBeGreaterThanOrEqual(scheduledAt.getTime() - 50);
    expect(await campaignProgress(db(), org.id, campaign.id)).toMatchObject({ sent: 3 });
  });
});
