import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { RUN_STALE_MS } from "./dispatch.server";
import { enqueueDispatch } from "./jobs.server";

/**
 * A worker killed mid-slice leaves its dispatch job locked (graphile-worker frees it only after
 * hours). Running campaigns with work left and no live dispatcher get a new job, and scheduled ones
 * whose time passed get theirs back; `preserve` never delays a job that is already waiting.
 * Run by the `campaign.sweep` cron and when a worker starts.
 */
export async function sweepCampaigns(db: Database, options: { workerStarting?: boolean } = {}): Promise<number> {
  // A worker that starts may be replacing one that was killed seconds ago, whose runs still look alive:
  // queue every running campaign then (a second dispatcher beside a live one is safe, rows are claimed).
  const stale = options.workerStarting ? 0 : RUN_STALE_MS;
  const orphans = await db
    .selectFrom("campaigns")
    .select("campaigns.id")
    .where((eb) =>
      eb.or([
        eb.and([
          eb("campaigns.status", "=", "running"),
          eb.exists(eb.selectFrom("campaign_recipients").select(sql.lit(1).as("one")).whereRef("campaign_recipients.campaign_id", "=", "campaigns.id").where("campaign_recipients.status", "in", ["pending", "sending"])),
          eb.not(
            eb.exists(
              eb
                .selectFrom("campaign_dispatch_runs")
                .select(sql.lit(1).as("one"))
                .whereRef("campaign_dispatch_runs.campaign_id", "=", "campaigns.id")
                .where("campaign_dispatch_runs.finished_at", "is", null)
                .where("campaign_dispatch_runs.heartbeat_at", ">", sql<Date>`now() - make_interval(secs => ${stale / 1000})`),
            ),
          ),
        ]),
        eb.and([eb("campaigns.status", "=", "scheduled"), eb("campaigns.scheduled_at", "<=", sql<Date>`now()`)]),
      ]),
    )
    .limit(1_000)
    .execute();
  for (const campaign of orphans) await enqueueDispatch(db, campaign.id, { mode: "preserve" });
  return orphans.length;
}
