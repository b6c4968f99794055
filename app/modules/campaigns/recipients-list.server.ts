import { z } from "zod";
import type { Database } from "#db/index.js";
import { RECIPIENT_STATUSES, type RecipientStatus, SKIP_REASONS } from "./campaign-types";

export const RECIPIENTS_PAGE_SIZE = 50;

export const recipientFilterSchema = z.object({
  status: z.enum(RECIPIENT_STATUSES).optional().catch(undefined),
  skipReason: z.enum(SKIP_REASONS).optional().catch(undefined),
  errorCode: z.string().trim().min(1).max(60).optional().catch(undefined),
  after: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().catch(undefined),
});
export type RecipientFilter = z.infer<typeof recipientFilterSchema>;

export function parseRecipientFilter(params: URLSearchParams): RecipientFilter {
  return recipientFilterSchema.parse({
    status: params.get("status") || undefined,
    skipReason: params.get("skipReason") || undefined,
    errorCode: params.get("errorCode") || undefined,
    after: params.get("after") || undefined,
  });
}

export type RecipientRow = {
  id: string;
  contactId: string | null;
  contactName: string | null;
  phone: string | null;
  status: RecipientStatus;
  skipReason: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  retryable: boolean | null;
  attempts: number;
  sentAt: string | null;
  repliedAt: string | null;
};

/** One page of the campaign's recipients in snapshot order, keyset by id. */
export async function listRecipients(db: Database, orgId: string, campaignId: string, filter: RecipientFilter): Promise<{ recipients: RecipientRow[]; nextAfter: string | null }> {
  let query = db
    .selectFrom("campaign_recipients")
    .leftJoin("contacts", (join) => join.onRef("contacts.id", "=", "campaign_recipients.contact_id").on("contacts.org_id", "=", orgId))
    .select([
      "campaign_recipients.id",
      "campaign_recipients.contact_id",
      "contacts.name as contact_name",
      "campaign_recipients.phone",
      "campaign_recipients.status",
      "campaign_recipients.skip_reason",
      "campaign_recipients.error_code",
      "campaign_recipients.error_message",
      "campaign_recipients.retryable",
      "campaign_recipients.attempts",
      "campaign_recipients.sent_at",
      "campaign_recipients.replied_at",
    ])
    .where("campaign_recipients.org_id", "=", orgId)
    .where("campaign_recipients.campaign_id", "=", campaignId);
  if (filter.status) query = query.where("campaign_recipients.status", "=", filter.status);
  if (filter.skipReason) query = query.where("campaign_recipients.skip_reason", "=", filter.skipReason);
  if (filter.errorCode) query = query.where("campaign_recipients.error_code", "=", filter.errorCode);
  if (filter.after) query = query.where("campaign_recipients.id", ">", filter.after);
  const rows = await query.orderBy("campaign_recipients.id").limit(RECIPIENTS_PAGE_SIZE + 1).execute();
  const page = rows.slice(0, RECIPIENTS_PAGE_SIZE);
  return {
    recipients: page.map((row) => ({
      id: String(row.id),
      contactId: row.contact_id,
      contactName: row.contact_name ?? null,
      phone: row.phone,
      status: row.status as RecipientStatus,
      skipReason: row.skip_reason,
      errorCode: row.error_code,
      errorMessage: row.error_message,
      retryable: row.retryable,
      attempts: row.attempts,
      sentAt: row.sent_at?.toISOString() ?? null,
      repliedAt: row.replied_at?.toISOString() ?? null,
    })),
    nextAfter: rows.length > RECIPIENTS_PAGE_SIZE ? String(page.at(-1)!.id) : null,
  };
}

/** The error codes this campaign's failures carry, for the filter's choices. */
export async function recipientErrorCodes(db: Database, orgId: string, campaignId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("campaign_recipients")
    .select("error_code")
    .distinct()
    .where("org_id", "=", orgId)
    .where("campaign_id", "=", campaignId)
    .where("status", "=", "failed")
    .where("error_code", "is not", null)
    .orderBy("error_code")
    .limit(50)
    .execute();
  return rows.map((row) => row.error_code!);
}

/** How many failures "retry failed" would requeue. */
export async function countRetryableFailures(db: Database, orgId: string, campaignId: string): Promise<number> {
  const { count } = await db
    .selectFrom("campaign_recipients")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("org_id", "=", orgId)
    .where("campaign_id", "=", campaignId)
    .where("status", "=", "failed")
    .where("retryable", "=", true)
    .executeTakeFirstOrThrow();
  return Number(count);
}
