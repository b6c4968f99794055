import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Database } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import { getSecretBox } from "~/lib/crypto/secret-box.server";
import { publishLiveEvent } from "~/lib/events/publisher.server";
import { LiveEventTypes } from "~/lib/events/types";
import { type AuditEntry, recordAudit } from "../audit/audit.server";
import { getAdapter } from "./registry.server";
import { type ChannelKind, type ConnectionContext, CHANNEL_KINDS } from "./types";

export const CONNECTION_STATUSES = ["pending", "qr", "connected", "disconnected", "logged_out", "error"] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];
export type ConnectionWarning = { message: string; at: string };

const MAX_WARNINGS = 10;
const uuid = z.uuid();
const secretsContext = (id: string) => `channel_connections:${id}:secrets`;

function sealSecrets(id: string, secrets: Record<string, string>): string {
  return getSecretBox().encrypt(JSON.stringify(secrets), secretsContext(id));
}

function openSecrets(id: string, sealed: string | null): Record<string, string> {
  return sealed ? (JSON.parse(getSecretBox().decrypt(sealed, secretsContext(id))) as Record<string, string>) : {};
}

function asObject(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function asWarnings(value: unknown): ConnectionWarning[] {
  return Array.isArray(value) ? value.filter((item): item is ConnectionWarning => typeof item?.message === "string") : [];
}

function connectionQuery(db: Database) {
  return db.selectFrom("channel_connections").select(["id", "org_id", "kind", "config", "secrets"]);
}

function toContext(row: { id: string; org_id: string; kind: string; config: unknown; secrets: string | null }): ConnectionContext {
  return { id: row.id, orgId: row.org_id, kind: row.kind as ChannelKind, config: asObject(row.config), secrets: openSecrets(row.id, row.secrets) };
}

/** The connection with its secrets opened, or null when it is not this organization's. */
export async function loadConnection(db: Database, orgId: string, connectionId: string): Promise<ConnectionContext | null> {
  if (!uuid.safeParse(connectionId).success) return null;
  const row = await connectionQuery(db).where("org_id", "=", orgId).where("id", "=", connectionId).executeTakeFirst();
  return row ? toContext(row) : null;
}

/** Webhook URLs name the connection, and the provider's signature (checked next) proves the sender. */
export async function loadConnectionForWebhook(db: Database, connectionId: string): Promise<ConnectionContext | null> {
  if (!uuid.safeParse(connectionId).success) return null;
  const row = await connectionQuery(db).where("id", "=", connectionId).executeTakeFirst();
  return row ? toContext(row) : null;
}

export async function saveConnectionSecrets(db: Database, id: string, secrets: Record<string, string>): Promise<void> {
  await db.updateTable("channel_connections").set({ secrets: sealSecrets(id, secrets), updated_at: new Date() }).where("id", "=", id).execute();
}

/**
 * `lastError`: a string records it, null clears it, undefined leaves it. `warning`: a string adds it
 * (newest first, deduplicated), null clears every warning.
 */
export async function setConnectionStatus(
  db: Database,
  id: string,
  status: ConnectionStatus,
  options: { lastError?: string | null; warning?: string | null } = {},
): Promise<void> {
  const row = await inTransaction(db, async (trx) => {
    const current = await trx.selectFrom("channel_connections").select(["org_id", "status", "warnings"]).where("id", "=", id).forUpdate().executeTakeFirst();
    if (!current) return null;
    let warnings = asWarnings(current.warnings);
    if (options.warning === null) warnings = [];
    else if (options.warning) {
      warnings = [{ message: options.warning, at: new Date().toISOString() }, ...warnings.filter((w) => w.message !== options.warning)].slice(0, MAX_WARNINGS);
    }
    await trx
      .updateTable("channel_connections")
      .set({ status, warnings: JSON.stringify(warnings), updated_at: new Date(), ...(options.lastError !== undefined ? { last_error: options.lastError } : {}) })
      .where("id", "=", id)
      .execute();
    return current;
  });
  if (row) await publishLiveEvent({ orgId: row.org_id, type: LiveEventTypes.channelStatusChanged, ids: { connectionId: id } });
}

// ---- Settings → Channels -------------------------------------------------------------------------

export type ConnectionSummary = {
  id: string;
  kind: ChannelKind;
  name: string;
  status: ConnectionStatus;
  address: string | null;
  config: Record<string, unknown>;
  warnings: ConnectionWarning[];
  lastError: string | null;
  createdAt: string;
};

function summaryQuery(db: Database, orgId: string) {
  return db
    .selectFrom("channel_connections")
    .select(["id", "kind", "name", "status", "address", "config", "warnings", "last_error", "created_at"])
    .where("org_id", "=", orgId);
}

function toSummary(row: Awaited<ReturnType<ReturnType<typeof summaryQuery>["executeTakeFirstOrThrow"]>>): ConnectionSummary {
  return {
    id: row.id,
    kind: row.kind as ChannelKind,
    name: row.name,
    status: row.status as ConnectionStatus,
    address: row.address,
    config: asObject(row.config),
    warnings: asWarnings(row.warnings),
    lastError: row.last_error,
    createdAt: row.created_at.toISOString(),
  };
}

/** Without secrets: viewers see this list too. */
export async function listConnections(db: Database, orgId: string): Promise<ConnectionSummary[]> {
  const rows = await summaryQuery(db, orgId).orderBy("created_at", "asc").orderBy("id", "asc").execute();
  return rows.map(toSummary);
}

export async function findConnectionSummary(db: Database, orgId: string, id: string): Promise<ConnectionSummary | null> {
  if (!uuid.safeParse(id).success) return null;
  const row = await summaryQuery(db, orgId).where("id", "=", id).executeTakeFirst();
  return row ? toSummary(row) : null;
}

export function isChannelKind(value: unknown): value is ChannelKind {
  return typeof value === "string" && (CHANNEL_KINDS as readonly string[]).includes(value);
}

type Actor = AuditEntry["actor"];
export type ConnectionFormResult = { ok: true; id: string } | { ok: false; fieldErrors: Record<string, string[]> };

/** `input` holds the adapter's config fields as typed in the form. */
export async function createConnection(
  db: Database,
  input: { orgId: string; kind: ChannelKind; name: string; fields: Record<string, string>; actor: Actor },
): Promise<ConnectionFormResult> {
  const adapter = getAdapter(input.kind);
  const validated = adapter.validateConfig(input.fields);
  if (!validated.ok) return validated;
  const id = randomUUID();
  await inTransaction(db, async (trx) => {
    await trx
      .insertInto("channel_connections")
      .values({
        id,
        org_id: input.orgId,
        kind: input.kind,
        name: input.name,
        // Nothing to prove for the built-in Sandbox; real providers stay pending until a test or webhook succeeds.
        status: input.kind === "sandbox" ? "connected" : "pending",
        config: JSON.stringify(validated.config),
        secrets: Object.keys(validated.secrets).length ? sealSecrets(id, validated.secrets) : null,
      })
      .execute();
    await recordAudit(trx, { orgId: input.orgId, actor: input.actor, action: "channel.created", target: { type: "channel_connection", id }, metadata: { kind: input.kind } });
  });
  await publishLiveEvent({ orgId: input.orgId, type: LiveEventTypes.channelStatusChanged, ids: { connectionId: id } });
  return { ok: true, id };
}

/** A secret field left blank keeps the stored value. */
export async function updateConnection(
  db: Database,
  input: { orgId: string; id: string; name: string; fields: Record<string, string>; actor: Actor },
): Promise<ConnectionFormResult | null> {
  const current = await loadConnection(db, input.orgId, input.id);
  if (!current) return null;
  const adapter = getAdapter(current.kind);
  const fields = { ...input.fields };
  for (const field of adapter.configFields) {
    if (field.secret && !fields[field.name]?.trim() && current.secrets[field.name]) fields[field.name] = current.secrets[field.name]!;
  }
  const validated = adapter.validateConfig(fields);
  if (!validated.ok) return validated;
  await inTransaction(db, async (trx) => {
    await trx
      .updateTable("channel_connections")
      .set({
        name: input.name,
        config: JSON.stringify({ ...current.config, ...validated.config }),
        secrets: Object.keys(validated.secrets).length ? sealSecrets(current.id, validated.secrets) : null,
        updated_at: new Date(),
      })
      .where("org_id", "=", input.orgId)
      .where("id", "=", current.id)
      .execute();
    await recordAudit(trx, { orgId: input.orgId, actor: input.actor, action: "channel.updated", target: { type: "channel_connection", id: current.id } });
  });
  return { ok: true, id: current.id };
}

/** Conversations and messages of the connection go with it (the schema cascades). */
export async function deleteConnection(db: Database, input: { orgId: string; id: string; actor: Actor }): Promise<boolean> {
  if (!uuid.safeParse(input.id).success) return false;
  const deleted = await inTransaction(db, async (trx) => {
    const row = await trx.deleteFrom("channel_connections").where("org_id", "=", input.orgId).where("id", "=", input.id).returning(["kind", "name"]).executeTakeFirst();
    if (row) await recordAudit(trx, { orgId: input.orgId, actor: input.actor, action: "channel.deleted", target: { type: "channel_connection", id: input.id }, metadata: row });
    return Boolean(row);
  });
  if (deleted) await publishLiveEvent({ orgId: input.orgId, type: LiveEventTypes.channelStatusChanged, ids: { connectionId: input.id } });
  return deleted;
}

/** Runs the adapter's real check and records the outcome on the connection. */
export async function testConnection(db: Database, orgId: string, id: string): Promise<{ ok: true; detail?: string } | { ok: false; message: string } | null> {
  const connection = await loadConnection(db, orgId, id);
  if (!connection) return null;
  let result: { ok: true; detail?: string } | { ok: false; message: string };
  try {
    result = await getAdapter(connection.kind).testConnection(connection);
  } catch (error) {
    result = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  // The Baileys sidecar owns the status of QR sessions; for the others a test is the proof of life.
  if (connection.kind !== "whatsapp_baileys") {
    await setConnectionStatus(db, id, result.ok ? "connected" : "error", { lastError: result.ok ? null : result.message });
  }
  return result;
}
