import { createHash, randomBytes } from "node:crypto";
import type { Database } from "#db/index.js";
import { recordAudit } from "../audit/audit.server";

const KEY_PREFIX = "mia_";
const hashKey = (key: string) => createHash("sha256").update(key).digest("hex");

export type ApiKeyRole = "admin" | "agent" | "viewer";

/** The full key is returned once and never stored: only its SHA-256 and a short display prefix are kept. */
export async function createApiKey(db: Database, input: { orgId: string; name: string; role: ApiKeyRole; createdBy: string }) {
  const key = `${KEY_PREFIX}${randomBytes(30).toString("base64url")}`;
  const row = await db
    .insertInto("api_keys")
    .values({ org_id: input.orgId, name: input.name, role: input.role, prefix: key.slice(0, 12), key_hash: hashKey(key), created_by: input.createdBy })
    .returning(["id"])
    .executeTakeFirstOrThrow();
  await recordAudit(db, { orgId: input.orgId, actor: { type: "user", id: input.createdBy }, action: "apiKey.created", target: { type: "api_key", id: row.id }, metadata: { name: input.name, role: input.role } });
  return { id: row.id, key };
}

export async function listApiKeys(db: Database, orgId: string) {
  return db
    .selectFrom("api_keys")
    .select(["id", "name", "prefix", "role", "last_used_at", "created_at"])
    .where("org_id", "=", orgId)
    .where("revoked_at", "is", null)
    .orderBy("created_at", "desc")
    .execute();
}

export async function revokeApiKey(db: Database, orgId: string, id: string, actorId: string): Promise<boolean> {
  const result = await db.updateTable("api_keys").set({ revoked_at: new Date() }).where("org_id", "=", orgId).where("id", "=", id).where("revoked_at", "is", null).executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  await recordAudit(db, { orgId, actor: { type: "user", id: actorId }, action: "apiKey.revoked", target: { type: "api_key", id } });
  return true;
}

/** Resolves `Authorization: Bearer mia_…` to its organization; null for unknown or revoked keys. */
export async function authenticateApiKey(db: Database, authorization: string | null) {
  const key = authorization?.match(/^Bearer\s+(mia_[A-Za-z0-9_-]{20,})$/)?.[1];
  if (!key) return null;
  const row = await db.selectFrom("api_keys").select(["id", "org_id", "role", "last_used_at"]).where("key_hash", "=", hashKey(key)).where("revoked_at", "is", null).executeTakeFirst();
  if (!row) return null;
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
    await db.updateTable("api_keys").set({ last_used_at: new Date() }).where("id", "=", row.id).execute();
  }
  return { keyId: row.id, orgId: row.org_id, role: row.role as ApiKeyRole };
}
