import { json } from "@remix-run/node";
import { getDb } from "~/lib/db.server";
import { getEnv } from "~/lib/env.server";
import { getRedis } from "~/lib/redis.server";
import { checkHealth } from "~/modules/health/health.server";

export async function loader() {
  const report = await checkHealth({ db: getDb(), redis: getRedis(), realtimeUrl: getEnv().REALTIME_INTERNAL_URL });
  return json(report, { status: report.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
