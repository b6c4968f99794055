// The logger reads MASTERIA_PROCESS when its module loads, so set it before importing anything.
process.env.MASTERIA_PROCESS ??= "realtime";
export {};

const { loadEnvOrExit } = await import("~/lib/env.server");
const { createEventBus } = await import("~/lib/events/bus.server");
const { logger } = await import("~/lib/logger.server");
const { createRealtimeServer } = await import("./server");
const { startBaileys } = await import("./baileys/start");

const env = loadEnvOrExit("realtime");
const bus = createEventBus({ redisUrl: env.REDIS_URL, databaseUrl: env.DATABASE_URL });
const baileys = await startBaileys({ env, bus, logger });
const realtime = await createRealtimeServer({ bus, secret: env.REALTIME_SECRET, logger, internalRoutes: baileys.routes });

realtime.server.listen(env.REALTIME_PORT, () => {
  logger.info({ port: env.REALTIME_PORT, bus: env.REDIS_URL ? "redis" : "postgres" }, "realtime listening");
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal, connections: realtime.connectionCount() }, "realtime shutting down");
  setTimeout(() => process.exit(1), 10_000).unref();
  try {
    await baileys.stop();
    await realtime.close();
    await bus.close();
  } catch (error) {
    logger.error({ err: error }, "realtime shutdown failed");
  }
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
