import type { Database } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import { acceptInvitation } from "../orgs/invitations.server";
import { createOrganization } from "../orgs/organizations.server";
import { createUser, type User } from "./users.server";

export type SignUpResult =
  | { ok: true; user: User; orgId: string }
  | { ok: false; field: "email" | "orgName" | "invite"; code: "email_taken" | "org_required" | "invalid" | "wrong_email"; email?: string | null };

/** A new account either joins the organization it was invited to or founds its own, in one transaction. */
export async function signUp(
  db: Database,
  input: { name: string; email: string; password: string; orgName?: string; invite?: string; locale?: string },
): Promise<SignUpResult> {
  if (!input.invite && !input.orgName) return { ok: false, field: "orgName", code: "org_required" };
  const exists = await db.selectFrom("users").select("id").where("email", "=", input.email).executeTakeFirst();
  if (exists) return { ok: false, field: "email", code: "email_taken" };
  try {
    return await inTransaction(db, async (trx) => {
      const user = await createUser(trx, { email: input.email, name: input.name, password: input.password, locale: input.locale ?? null });
      if (input.invite) {
        const accepted = await acceptInvitation(trx, input.invite, user);
        if (!accepted.ok) throw new SignUpAbort({ ok: false, field: "invite", code: accepted.reason, email: accepted.email });
        return { ok: true, user, orgId: accepted.orgId } as const;
      }
      const org = await createOrganization(trx, { name: input.orgName!, ownerId: user.id });
      return { ok: true, user, orgId: org.id } as const;
    });
  } catch (error) {
    if (error instanceof SignUpAbort) return error.result;
    if (error instanceof Error && error.message === "email_taken") return { ok: false, field: "email", code: "email_taken" };
    throw error;
  }
}

class SignUpAbort extends Error {
  constructor(public readonly result: SignUpResult) {
    super("sign-up aborted");
  }
}
