import type { Task } from "graphile-worker";
import { getDb } from "~/lib/db.server";
import { pruneSmsLedger } from "~/modules/outreach/sms-duplicates.server";

/** Hourly: drops expired sessions, invitations nobody used and stale SMS duplicate claims, so those tables stay small. */
export const sessionsPrune: Task = async (_payload, helpers) => {
  const db = getDb();
  const now = new Date();
  const sessions = await db.deleteFrom("sessions").where("expires_at", "<", now).executeTakeFirst();
  const invitations = await db
    .deleteFrom("invitations")
    .where("accepted_at", "is", null)
    .where("expires_at", "<", new Date(now.getTime() - 30 * 86_400_000))
    .executeTakeFirst();
  const smsClaims = await pruneSmsLedger(db);
  helpers.logger.info(`pruned ${sessions.numDeletedRows} sessions, ${invitations.numDeletedRows} invitations, ${smsClaims} SMS claims`);
};
