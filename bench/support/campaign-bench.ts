import { type ChildProcess, fork } from "node:child_process";
import os from "node:os";
import pg from "pg";
import { createDb, type Database } from "../../db/index.js";
import { migrateToLatest } from "../../db/migrator.js";
import { adminDatabaseUrl, databaseUrlFor, testSecrets } from "../../tests/support/test-env.js";

export const META_IDS = { phoneNumberId: "106540352242922", wabaId: "102290129340398" };
export const ACCESS_TOKEN = `EAAGbench${"x".repeat(24)}`;
export const BENCH_APP_SECRET = "benchappsecret";

async function admin(query: string) {
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database for one bench, and the process env pointed at it. */
export async function freshBenchDatabase(name: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const database = `${process.env.TEST_DB_PREFIX ?? "masteria"}_bench_${name}`;
  await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await admin(`CREATE DATABASE "${database}"`);
  const url = databaseUrlFor(database);
  const setup = createDb(url, { max: 2 });
  await migrateToLatest(setup);
  await setup.destroy();
  Object.assign(process.env, { ...testSecrets, NODE_ENV: "production", LOG_LEVEL: "silent", DATABASE_URL: url, APP_URL: "http://localhost:3000" });
  return { url, drop: () => (process.env.KEEP_BENCH_DB === "1" ? Promise.resolve() : admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)) };
}

export type FakeMeta = {
  baseUrl: string;
  stats(): Promise<{ requests: number; perRecipient: Record<string, number> }>;
  reset(): Promise<void>;
  latency(ms: number): Promise<void>;
  /** The fake posts a signed "sent" status webhook to `url` for every message it accepts (null: stops). */
  statusWebhooks(url: string | null, appSecret: string): Promise<void>;
  stop(): void;
};

export async function startFakeMetaProcess(): Promise<FakeMeta> {
  const child: ChildProcess = fork(new URL("./fake-meta-process.ts", import.meta.url).pathname, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ask = <T>(message: object, answer: string) =>
    new Promise<T>((resolve) => {
      const listener = (reply: { type: string }) => {
        if (reply.type !== answer) return;
        child.off("message", listener);
        resolve(reply as T);
      };
      child.on("message", listener);
      child.send(message);
    });
  const ready = await ask<{ baseUrl: string }>({ type: "start", accessToken: ACCESS_TOKEN, ...META_IDS }, "ready");
  return {
    baseUrl: ready.baseUrl,
    stats: () => ask({ type: "stats" }, "stats"),
    reset: async () => void (await ask({ type: "reset" }, "reset")),
    latency: async (ms) => void (await ask({ type: "latency", ms }, "latency")),
    statusWebhooks: async (url, appSecret) => void (await ask({ type: "webhooks", url, appSecret }, "webhooks")),
    stop: () => child.kill("SIGTERM"),
  };
}

/** An organization with a connected WhatsApp Cloud connection on the fake, and `count` contacts. */
export async function seedCampaignAudience(db: Database, baseUrl: string, count: number) {
  const { createOrganization } = await import("../../app/modules/orgs/organizations.server.js");
  const { saveConnectionSecrets } = await import("../../app/modules/channels/connections.server.js");
  const user = await db.insertInto("users").values({ email: `bench-${Date.now()}@example.com`, name: "Bench" }).returning("id").executeTakeFirstOrThrow();
  const org = await createOrganization(db, { name: "Bench", ownerId: user.id });
  const connection = await db
    .insertInto("channel_connections")
    .values({ org_id: org.id, kind: "whatsapp_cloud", name: "Bench", status: "connected", config: JSON.stringify({ ...META_IDS, graphVersion: "v21.0", baseUrl }) })
    .returning("id")
    .executeTakeFirstOrThrow();
  await saveConnectionSecrets(db, connection.id, { accessToken: ACCESS_TOKEN, appSecret: BENCH_APP_SECRET, verifyToken: "benchverifytoken" });
  for (let at = 0; at < count; at += 5_000) {
    const rows = Array.from({ length: Math.min(5_000, count - at) }, (_, index) => ({
      org_id: org.id,
      name: `Cliente ${at + index + 1}`,
      phone: `+55119${String(10_000_000 + at + index).padStart(8, "0")}`,
    }));
    await db.insertInto("contacts").values(rows).execute();
  }
  return { orgId: org.id, userId: user.id, connectionId: connection.id };
}

export async function insertBenchCampaign(db: Database, orgId: string, connectionId: string, name: string) {
  return db
    .insertInto("campaigns")
    .values({ org_id: orgId, name, connection_id: connectionId, message: JSON.stringify({ type: "text", text: "{Olá|Oi} {{first_name|cliente}}, a Black Friday começou!" }) })
    .returning("id")
    .executeTakeFirstOrThrow();
}

export function duplicatesIn(perRecipient: Record<string, number>): number {
  return Object.values(perRecipient).reduce((sum, count) => sum + Math.max(0, count - 1), 0);
}

export const loadAverage = () => os.loadavg().map((value) => value.toFixed(2)).join(" / ");
