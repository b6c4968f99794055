import type { Database } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import { recordAudit } from "../audit/audit.server";
import { listMemberships } from "../orgs/organizations.server";
import type { OAuthProvider } from "./oauth-providers.server";
import { endAllSessions } from "./sessions.server";
import { createUser, EmailTakenError, findUserByEmail, findUserById, type User } from "./users.server";

/** A provider's account as the strategies report it; `email` is null when missing or malformed. */
export type OAuthProfile = { provider: OAuthProvider; providerUserId: string; email: string | null; emailVerified: boolean; name: string };

export type OAuthSignIn =
  | { ok: true; user: User; orgId: string | null; outcome: "signedIn" | "linked" | "created" }
  | { ok: false; code: "unverified_email" | "no_verified_email" };

/**
 * Who a provider's account is: the user it was linked to before; else the user with the same email,
 * linked now, but only when the provider vouches for that email (anything else would let whoever
 * controls a provider account with someone's address take over their account); else a new user.
 */
export async function signInWithOAuth(db: Database, profile: OAuthProfile, meta: { ip?: string | null; locale?: string | null } = {}): Promise<OAuthSignIn> {
  try {
    return await inTransaction(db, (trx) => resolveAccount(trx, profile, meta));
  } catch (error) {
    // Two callbacks for the same new account at once (a double-clicked "Allow"): the loser finds what the winner made.
    if (!db.isTransaction && isRaceLoss(error)) return inTransaction(db, (trx) => resolveAccount(trx, profile, meta));
    throw error;
  }
}

async function resolveAccount(db: Database, profile: OAuthProfile, meta: { ip?: string | null; locale?: string | null }): Promise<OAuthSignIn> {
  const identity = await db
    .selectFrom("user_identities")
    .select("user_id")
    .where("provider", "=", profile.provider)
    .where("provider_user_id", "=", profile.providerUserId)
    .executeTakeFirst();
  const linkedUser = identity ? await findUserById(db, identity.user_id) : undefined;
  if (linkedUser) return { ok: true, user: linkedUser, orgId: await firstOrgId(db, linkedUser.id), outcome: "signedIn" };

  const existing = profile.email ? await findUserByEmail(db, profile.email) : undefined;
  if (!profile.email || !profile.emailVerified) return { ok: false, code: existing ? "unverified_email" : "no_verified_email" };

  const user = existing ?? (await createUser(db, { email: profile.email, name: profile.name, emailVerified: true, locale: meta.locale ?? null }));
  await db.insertInto("user_identities").values({ user_id: user.id, provider: profile.provider, provider_user_id: profile.providerUserId, email: profile.email }).execute();
  if (!existing) return { ok: true, user, orgId: null, outcome: "created" };

  // The provider has just shown that this person controls the address. If the account was never
  // verified, whoever created it may not own the address (pre-account hijacking): its password and
  // sessions go, and the verified owner keeps the account.
  const claimed = await db
    .updateTable("users")
    .set({ email_verified_at: new Date(), password_hash: null, updated_at: new Date() })
    .where("id", "=", user.id)
    .where("email_verified_at", "is", null)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) > 0) await endAllSessions(db, user.id);
  const memberships = await listMemberships(db, user.id);
  for (const { org } of memberships) {
    await recordAudit(db, { orgId: org.id, actor: { type: "user", id: user.id }, action: "user.identityLinked", target: { type: "user", id: user.id }, metadata: { provider: profile.provider }, ip: meta.ip ?? null });
  }
  return { ok: true, user, orgId: memberships[0]?.org.id ?? null, outcome: "linked" };
}

async function firstOrgId(db: Database, userId: string) {
  const [first] = await listMemberships(db, userId);
  return first?.org.id ?? null;
}

function isRaceLoss(error: unknown) {
  return error instanceof EmailTakenError || (error as { code?: string } | null)?.code === "23505";
}
