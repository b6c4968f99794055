import type { Database } from "#db/index.js";

export type AuditEntry = {
  orgId: string;
  actor: { type: "user" | "api" | "system" | "ai"; id?: string | null };
  action: string;
  target?: { type: string; id: string };
  metadata?: Record<string, unknown>;
  ip?: string | null;
};

export async function recordAudit(db: Database, entry: AuditEntry): Promise<void> {
  await db
    .insertInto("audit_log")
    .values({
      org_id: entry.orgId,
      actor_type: entry.actor.type,
      actor_id: entry.actor.id ?? null,
      action: entry.action,
      target_type: entry.target?.type ?? null,
      target_id: entry.target?.id ?? null,
      metadata: JSON.stringify(entry.metadata ?? {}),
      ip: entry.ip ?? null,
    })
    .execute();
}

export async function listAudit(db: Database, orgId: string, limit = 50) {
  return db
    .selectFrom("audit_log")
    .leftJoin("users", "users.id", "audit_log.actor_id")
    .select(["audit_log.id", "audit_log.action", "audit_log.actor_type", "users.name as actor_name", "audit_log.target_type", "audit_log.target_id", "audit_log.metadata", "audit_log.created_at"])
    .where("audit_log.org_id", "=", orgId)
    .orderBy("audit_log.created_at", "desc")
    .orderBy("audit_log.id", "desc")
    .limit(limit)
    .execute();
}
