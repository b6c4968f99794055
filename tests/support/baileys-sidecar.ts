import { sql } from "kysely";
import { createSecretBox, parseKeyRing } from "../../app/lib/crypto/secret-box.server.js";
import { getDb } from "../../app/lib/db.server.js";
import { createEventBus } from "../../app/lib/events/bus.server.js";
import { logger } from "../../app/lib/logger.server.js";
import { getStorage } from "../../app/lib/storage/storage.server.js";
import { BaileysManager } from "../../workers/realtime/baileys/manager.js";
import { baileysRoutes } from "../../workers/realtime/baileys/routes.js";
import { createRealtimeServer } from "../../workers/realtime/server.js";
import { createFakeBaileysRuntime } from "../fakes/baileys-socket.js";
import { freeLoopbackPort } from "../fakes/oauth-provider.js";
import { testSecrets } from "./test-env.js";

/**
 * A realtime sidecar on loopback with the Baileys manager over fake sockets: the web build and the
 * adapter reach it through the lease row's holder URL, as they would reach the real one.
 */
export async function startFakeSidecar() {
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  const fake = createFakeBaileysRuntime();
  const bus = createEventBus({ redisUrl: process.env.REDIS_URL, databaseUrl: process.env.DATABASE_URL!, channel: `test_baileys_${process.pid}_${port}` });
  const manager = new BaileysManager({
    db: getDb(),
    box: createSecretBox(parseKeyRing(testSecrets.ENCRYPTION_KEYS)),
    runtime: fake.runtime,
    holder: { id: `test-sidecar-${port}`, url },
    // The same storage as the app under test: the adapter hands outbound files over through it.
    storage: getStorage(),
    logger,
    publish: (event) => bus.publish(event),
    renewEveryMs: 3_600_000,
  });
  const realtime = await createRealtimeServer({ bus, secret: testSecrets.REALTIME_SECRET, logger, internalRoutes: baileysRoutes(manager) });
  await new Promise<void>((resolve) => realtime.server.listen(port, "127.0.0.1", resolve));
  return {
    url,
    fake,
    manager,
    async close() {
      await manager.stop();
      await realtime.close();
      await bus.close();
    },
  };
}

export type FakeSidecar = Awaited<ReturnType<typeof startFakeSidecar>>;

/**
 * Removes the `webhookEvent.process` jobs queued for these connections' events. No worker runs in
 * these tests; left queued, they would be picked up by another file's worker in the same database.
 */
export async function discardQueuedEventJobs(connectionIds: string[]): Promise<void> {
  if (connectionIds.length === 0) return;
  await sql`
    SELECT graphile_worker.complete_jobs(array_agg(jobs.id))
    FROM graphile_worker._private_jobs AS jobs
    JOIN webhook_events AS events ON jobs.payload->>'webhookEventId' = events.id::text
    WHERE events.connection_id = ANY(${connectionIds}::uuid[])
    HAVING count(*) > 0`.execute(getDb());
}
