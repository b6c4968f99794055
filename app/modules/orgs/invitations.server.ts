import { createHash, randomBytes } from "node:crypto";
import type { Database } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import { recordAudit } from "../audit/audit.server";
import { isRole, type Role } from "./roles";

const INVITATION_TTL_MS = 7 * 86_400_000;
const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export type InvitationView = { id: string; orgId: string; orgName: string; role: Role; email: string | null; inviterName: string | null; expiresAt: Date };
export type AcceptResult = { ok: true; orgId: string; orgName: string } | { ok: false; reason: "invalid" | "wrong_email"; email?: string | null };

export async function createInvitation(db: Database, input: { orgId: string; role: Exclude<Role, "owner">; email?: string | null; invitedBy: string }) {
  const token = randomBytes(24).toString("base64url");
  const invitation = await db
    .insertInto("invitations")
    .values({
      org_id: input.orgId,
      role: input.role,
      email: input.email || null,
      token_hash: hashToken(token),
      invited_by: input.invitedBy,
      expires_at: new Date(Date.now() + INVITATION_TTL_MS),
    })
    .returning(["id", "expires_at"])
    .executeTakeFirstOrThrow();
  await recordAudit(db, { orgId: input.orgId, actor: { type: "user", id: input.invitedBy }, action: "invitation.created", target: { type: "invitation", id: invitation.id }, metadata: { role: input.role, email: input.email ?? null } });
  return { token, id: invitation.id, expiresAt: invitation.expires_at };
}

function usable(db: Database) {
  return db
    .selectFrom("invitations")
    .innerJoin("organizations", "organizations.id", "invitations.org_id")
    .leftJoin("users as inviter", "inviter.id", "invitations.invited_by")
    .select(["invitations.id", "invitations.org_id", "organizations.name as org_name", "invitations.role", "invitations.email", "inviter.name as inviter_name", "invitations.expires_at"])
    .where("invitations.accepted_at", "is", null)
    .where("invitations.revoked_at", "is", null)
    .where("invitations.expires_at", ">", new Date());
}

export async function findUsableInvitation(db: Database, token: string): Promise<InvitationView | null> {
  if (!token || token.length > 200) return null;
  const row = await usable(db).where("invitations.token_hash", "=", hashToken(token)).executeTakeFirst();
  if (!row || !isRole(row.role)) return null;
  return { id: row.id, orgId: row.org_id, orgName: row.org_name, role: row.role, email: row.email, inviterName: row.inviter_name, expiresAt: row.expires_at };
}

/** Single use: the row is locked, checked and marked in one transaction, so two accepts cannot both win. */
export async function acceptInvitation(db: Database, token: string, user: { id: string; email: string }): Promise<AcceptResult> {
  return inTransaction(db, async (trx) => {
    const invitation = await usable(trx).where("invitations.token_hash", "=", hashToken(token)).forUpdate("invitations").executeTakeFirst();
    if (!invitation) return { ok: false, reason: "invalid" } as const;
    if (invitation.email && invitation.email.toLowerCase() !== user.email.toLowerCase()) return { ok: false, reason: "wrong_email", email: invitation.email } as const;
    await trx.insertInto("memberships").values({ org_id: invitation.org_id, user_id: user.id, role: invitation.role }).onConflict((oc) => oc.columns(["org_id", "user_id"]).doNothing()).execute();
    await trx.updateTable("invitations").set({ accepted_at: new Date(), accepted_by: user.id }).where("id", "=", invitation.id).execute();
    await recordAudit(trx, { orgId: invitation.org_id, actor: { type: "user", id: user.id }, action: "invitation.accepted", target: { type: "invitation", id: invitation.id }, metadata: { role: invitation.role } });
    return { ok: true, orgId: invitation.org_id, orgName: invitation.org_name } as const;
  });
}

export async function listPendingInvitations(db: Database, orgId: string) {
  return usable(db).where("invitations.org_id", "=", orgId).orderBy("invitations.created_at", "desc").execute();
}

export async function revokeInvitation(db: Database, orgId: string, invitationId: string, actorId: string): Promise<boolean> {
  const result = await db
    .updateTable("invitations")
    .set({ revoked_at: new Date() })
    .where("org_id", "=", orgId)
    .where("id", "=", invitationId)
    .where("accepted_at", "is", null)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  await recordAudit(db, { orgId, actor: { type: "user", id: actorId }, action: "invitation.revoked", target: { type: "invitation", id: invitationId } });
  return true;
}
