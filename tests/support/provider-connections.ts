import { randomBytes } from "node:crypto";
import { runOnce, Logger, type TaskList } from "graphile-worker";
import type { Database } from "../../db/index.js";
import { getEnv } from "../../app/lib/env.server.js";
import { saveConnectionSecrets } from "../../app/modules/channels/connections.server.js";
import { taskList } from "../../workers/tasks/index.js";

export const META_IDS = { phoneNumberId: "106540352242922", wabaId: "102290129340398" };

/** A WhatsApp Cloud API connection row with sealed secrets, pointed at a fake Graph API when `baseUrl` is given. */
export function metaSecrets() {
  return { accessToken: `EAAG${randomBytes(16).toString("hex")}`, appSecret: randomBytes(16).toString("hex"), verifyToken: randomBytes(12).toString("base64url") };
}

export async function createMetaConnection(
  db: Database,
  orgId: string,
  opts: { baseUrl?: string; status?: string; name?: string; secrets?: ReturnType<typeof metaSecrets> } = {},
) {
  const secrets = opts.secrets ?? metaSecrets();
  const row = await db
    .insertInto("channel_connections")
    .values({
      org_id: orgId,
      kind: "whatsapp_cloud",
      name: opts.name ?? "WhatsApp oficial",
      status: opts.status ?? "pending",
      config: JSON.stringify({ ...META_IDS, graphVersion: "v21.0", ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}) }),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await saveConnectionSecrets(db, row.id, secrets);
  return { id: row.id, orgId, ...META_IDS, ...secrets };
}

export async function createTwilioConnection(db: Database, orgId: string, opts: { baseUrl?: string } = {}) {
  const accountSid = `AC${randomBytes(16).toString("hex")}`;
  const authToken = randomBytes(16).toString("hex");
  const row = await db
    .insertInto("channel_connections")
    .values({ org_id: orgId, kind: "twilio_sms", name: "SMS", config: JSON.stringify({ accountSid, fromNumber: "+15005550006", ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}) }) })
    .returning("id")
    .executeTakeFirstOrThrow();
  await saveConnectionSecrets(db, row.id, { authToken });
  return { id: row.id, orgId, accountSid, authToken, fromNumber: "+15005550006" };
}

const silent = new Logger(() => () => {});

/** Runs every queued job of these tasks once, like a worker would (retries that are not yet due stay queued). */
export async function runJobs(identifiers: string[]) {
  const tasks: TaskList = Object.fromEntries(identifiers.map((identifier) => [identifier, taskList[identifier]!]));
  await runOnce({ connectionString: getEnv().DATABASE_URL, taskList: tasks, logger: silent });
}
