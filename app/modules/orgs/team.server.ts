import type { Database } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import { recordAudit } from "../audit/audit.server";
import { isRole, roleAtLeast, type Role } from "./roles";

export type TeamMember = { userId: string; name: string; email: string; role: Role; joinedAt: Date };
export type TeamChangeResult = { ok: true } | { ok: false; reason: "not_found" | "last_owner" | "forbidden" };

export async function listMembers(db: Database, orgId: string): Promise<TeamMember[]> {
  const rows = await db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.user_id")
    .select(["users.id", "users.name", "users.email", "memberships.role", "memberships.created_at"])
    .where("memberships.org_id", "=", orgId)
    .orderBy("users.name")
    .execute();
  return rows.map((row) => ({ userId: row.id, name: row.name, email: row.email, role: isRole(row.role) ? row.role : "viewer", joinedAt: row.created_at }));
}

/** Admins manage agents and viewers; only owners touch owners and admins. The last owner always stays. */
async function guardChange(trx: Database, orgId: string, actorRole: Role, userId: string, nextRole: Role | null): Promise<TeamChangeResult & { currentRole?: Role }> {
  const owners = await trx.selectFrom("memberships").select(["user_id", "role"]).where("org_id", "=", orgId).where("role", "=", "owner").forUpdate().execute();
  const target = await trx.selectFrom("memberships").select("role").where("org_id", "=", orgId).where("user_id", "=", userId).executeTakeFirst();
  if (!target || !isRole(target.role)) return { ok: false, reason: "not_found" };
  const touchesPrivileged = roleAtLeast(target.role, "admin") || (nextRole !== null && roleAtLeast(nextRole, "admin"));
  if (touchesPrivileged && actorRole !== "owner") return { ok: false, reason: "forbidden" };
  if (target.role === "owner" && nextRole !== "owner" && owners.length <= 1) return { ok: false, reason: "last_owner" };
  return { ok: true, currentRole: target.role };
}

export async function changeMemberRole(db: Database, input: { orgId: string; actor: { id: string; role: Role }; userId: string; role: Role }): Promise<TeamChangeResult> {
  return inTransaction(db, async (trx) => {
    const verdict = await guardChange(trx, input.orgId, input.actor.role, input.userId, input.role);
    if (!verdict.ok) return verdict;
    await trx.updateTable("memberships").set({ role: input.role }).where("org_id", "=", input.orgId).where("user_id", "=", input.userId).execute();
    await recordAudit(trx, { orgId: input.orgId, actor: { type: "user", id: input.actor.id }, action: "member.roleChanged", target: { type: "user", id: input.userId }, metadata: { from: verdict.currentRole, to: input.role } });
    return { ok: true };
  });
}

export async function removeMember(db: Database, input: { orgId: string; actor: { id: string; role: Role }; userId: string }): Promise<TeamChangeResult> {
  return inTransaction(db, async (trx) => {
    const verdict = await guardChange(trx, input.orgId, input.actor.role, input.userId, null);
    if (!verdict.ok) return verdict;
    await trx.deleteFrom("memberships").where("org_id", "=", input.orgId).where("user_id", "=", input.userId).execute();
    await trx.updateTable("sessions").set({ current_org_id: null }).where("user_id", "=", input.userId).where("current_org_id", "=", input.orgId).execute();
    await recordAudit(trx, { orgId: input.orgId, actor: { type: "user", id: input.actor.id }, action: "member.removed", target: { type: "user", id: input.userId }, metadata: { role: verdict.currentRole } });
    return { ok: true };
  });
}
