import { randomUUID } from "node:crypto";
import os from "node:os";
import { getSecretBox } from "~/lib/crypto/secret-box.server";
import { getDb } from "~/lib/db.server";
import type { Env } from "~/lib/env.server";
import type { EventBus } from "~/lib/events/bus.server";
import { getStorage } from "~/lib/storage/storage.server";
import type { RealtimeLogger } from "../server";
import { BaileysManager } from "./manager";
import { baileysRoutes } from "./routes";
import type { BaileysRuntime } from "./socket";

declare global {
  /** Set by a test harness (e2e) before the sidecar starts, to run against the fake socket. */
  var __masteriaBaileysRuntime: BaileysRuntime | undefined;
}

/** The sidecar's WhatsApp (QR) sessions: resumes the paired ones it can lease and serves the internal endpoints. */
export async function startBaileys({ env, bus, logger }: { env: Env; bus: EventBus; logger: RealtimeLogger }) {
  // Status changes are published through the process-wide publisher: let it use this process's bus.
  globalThis.__masteriaEventBus ??= bus;
  const runtime = globalThis.__masteriaBaileysRuntime ?? (await import("./baileys-runtime")).baileysRuntime;
  const manager = new BaileysManager({
    db: getDb(),
    box: getSecretBox(),
    runtime,
    storage: getStorage(),
    holder: { id: `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`, url: advertisedUrl(env) },
    publish: (event) => bus.publish(event),
    logger,
  });
  await manager.start();
  return { manager, routes: baileysRoutes(manager), stop: () => manager.stop() };
}

/** Where web and worker reach this very instance: set explicitly, derived on Fly (one name per machine), else the shared URL. */
function advertisedUrl(env: Env): string {
  if (env.REALTIME_ADVERTISE_URL) return env.REALTIME_ADVERTISE_URL;
  const { FLY_MACHINE_ID, FLY_APP_NAME } = process.env;
  if (FLY_MACHINE_ID && FLY_APP_NAME) return `http://${FLY_MACHINE_ID}.vm.${FLY_APP_NAME}.internal:${env.REALTIME_PORT}`;
  return env.REALTIME_INTERNAL_URL;
}
