import { sql } from "kysely";
import type { Database } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import { type AuditEntry, recordAudit } from "../audit/audit.server";
import type { ContactFilter } from "./contact-filter";
import { contactsMatching } from "./contact-filter.server";
import type { ContactFormInput } from "./contact-schemas";
import { cursorTimestamp, decodeCursor, encodeCursor } from "./cursor.server";
import { type AttributeValue, type CustomField, parseAttributes } from "./custom-fields";
import { normalizePhone } from "./phone.server";
import { type TagSummary, tagsByContact } from "./tags.server";

export type Actor = AuditEntry["actor"];

export type ContactListItem = {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  optedOut: boolean;
  createdAt: string;
  tags: TagSummary[];
};

export type ContactPage = { contacts: ContactListItem[]; nextCursor: string | null; prevCursor: string | null };

export const PAGE_SIZE = 50;

/** One page in (created_at, id) order, newest first; `after`/`before` are cursors from a previous page. */
export async function listContactsPage(
  db: Database,
  orgId: string,
  filter: ContactFilter,
  page: { after?: string | null; before?: string | null; limit?: number } = {},
): Promise<ContactPage> {
  const limit = page.limit ?? PAGE_SIZE;
  const before = decodeCursor(page.before);
  const after = before ? undefined : decodeCursor(page.after);
  let query = (await contactsMatching(db, orgId, filter)).select([
    "contacts.id",
    "contacts.name",
    "contacts.phone",
    "contacts.email",
    "contacts.opted_out",
    cursorTimestamp.as("cursor_at"),
  ]);
  if (before) {
    query = query
      .where((eb) => eb(eb.refTuple("contacts.created_at", "contacts.id"), ">", eb.tuple(sql<Date>`${before.at}::timestamptz`, sql<string>`${before.id}::uuid`)))
      .orderBy("contacts.created_at", "asc")
      .orderBy("contacts.id", "asc");
  } else {
    if (after) query = query.where((eb) => eb(eb.refTuple("contacts.created_at", "contacts.id"), "<", eb.tuple(sql<Date>`${after.at}::timestamptz`, sql<string>`${after.id}::uuid`)));
    query = query.orderBy("contacts.created_at", "desc").orderBy("contacts.id", "desc");
  }
  const rows = await query.limit(limit + 1).execute();
  const hasMore = rows.length > limit;
  const pageRows = rows.slice(0, limit);
  if (before) pageRows.reverse();
  const tags = await tagsByContact(db, orgId, pageRows.map((row) => row.id));
  const first = pageRows[0];
  const last = pageRows.at(-1);
  const cursorOf = (row: (typeof pageRows)[number] | undefined) => (row ? encodeCursor({ at: row.cursor_at, id: row.id }) : null);
  return {
    contacts: pageRows.map((row) => ({
      id: row.id,
      name: row.name,
      phone: row.phone,
      email: row.email,
      optedOut: row.opted_out,
      createdAt: row.cursor_at,
      tags: tags.get(row.id) ?? [],
    })),
    nextCursor: before ? cursorOf(last) : hasMore ? cursorOf(last) : null,
    prevCursor: before ? (hasMore ? cursorOf(first) : null) : after ? cursorOf(first) : null,
  };
}

export type ContactDetail = {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  attributes: Record<string, AttributeValue>;
  optedOut: boolean;
  optedOutAt: Date | null;
  optOutReason: string | null;
  optOutSource: string | null;
  erasedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  tags: TagSummary[];
};

export async function findContact(db: Database, orgId: string, contactId: string): Promise<ContactDetail | undefined> {
  const row = await db.selectFrom("contacts").selectAll().where("org_id", "=", orgId).where("id", "=", contactId).executeTakeFirst();
  if (!row) return undefined;
  const tags = await tagsByContact(db, orgId, [row.id]);
  return {
    id: row.id,
    name: row.name,
    phone: row.phone,
    email: row.email,
    attributes: (row.attributes ?? {}) as Record<string, AttributeValue>,
    optedOut: row.opted_out,
    optedOutAt: row.opted_out_at,
    optOutReason: row.opt_out_reason,
    optOutSource: row.opt_out_source,
    erasedAt: row.erased_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    tags: tags.get(row.id) ?? [],
  };
}

export type ContactWriteResult =
  | { ok: true; id: string }
  | { ok: false; reason: "invalid"; fieldErrors: Record<string, string[]>; duplicateOf?: string }
  | { ok: false; reason: "not_found" };

type WriteInput = { orgId: string; country: string; fields: readonly CustomField[]; input: ContactFormInput };

/** Form input → columns, or the errors to show beside each field (message keys, `attr.<key>` for custom fields). */
function prepare({ country, fields, input }: Omit<WriteInput, "orgId">) {
  const fieldErrors: Record<string, string[]> = {};
  let phone: string | null = null;
  if (input.phone) {
    const normalized = normalizePhone(input.phone, country);
    if (normalized.ok) phone = normalized.e164;
    else fieldErrors.phone = ["contacts.phone.invalid"];
  }
  // The form shows every defined field and conform drops empty inputs, so a field missing here was cleared.
  const attributes = parseAttributes(fields, Object.fromEntries(fields.map((field) => [field.key, input.attr?.[field.key] ?? ""])));
  for (const [key, error] of Object.entries(attributes.errors)) fieldErrors[`attr.${key}`] = [error];
  return { fieldErrors, values: { name: input.name ?? "", phone, email: input.email ?? null }, attributes: attributes.values };
}

async function contactWithPhone(db: Database, orgId: string, phone: string | null, exceptId?: string) {
  if (!phone) return undefined;
  let query = db.selectFrom("contacts").select("id").where("org_id", "=", orgId).where("phone", "=", phone);
  if (exceptId) query = query.where("id", "<>", exceptId);
  return (await query.executeTakeFirst())?.id;
}

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === "23505";

function duplicate(duplicateOf: string): ContactWriteResult {
  return { ok: false, reason: "invalid", fieldErrors: { phone: ["contacts.phone.duplicate"] }, duplicateOf };
}

/** Attribute changes as a jsonb expression: set the given keys, drop the cleared ones, keep the rest. */
function mergeAttributes(values: Record<string, AttributeValue | null>) {
  const set = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== null));
  const cleared = Object.entries(values)
    .filter(([, value]) => value === null)
    .map(([key]) => key);
  return sql<string>`(contacts.attributes || ${JSON.stringify(set)}::jsonb) - ${cleared}::text[]`;
}

export async function createContact(db: Database, request: WriteInput): Promise<ContactWriteResult> {
  const { fieldErrors, values, attributes } = prepare(request);
  if (Object.keys(fieldErrors).length) return { ok: false, reason: "invalid", fieldErrors };
  const existing = await contactWithPhone(db, request.orgId, values.phone);
  if (existing) return duplicate(existing);
  const set = Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== null));
  try {
    const row = await db
      .insertInto("contacts")
      .values({ org_id: request.orgId, ...values, attributes: JSON.stringify(set) })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { ok: true, id: row.id };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const raced = await contactWithPhone(db, request.orgId, values.phone);
    if (raced) return duplicate(raced);
    throw error;
  }
}

export async function updateContact(db: Database, request: WriteInput & { contactId: string }): Promise<ContactWriteResult> {
  const { fieldErrors, values, attributes } = prepare(request);
  if (Object.keys(fieldErrors).length) return { ok: false, reason: "invalid", fieldErrors };
  const existing = await contactWithPhone(db, request.orgId, values.phone, request.contactId);
  if (existing) return duplicate(existing);
  try {
    const row = await db
      .updateTable("contacts")
      .set({ ...values, attributes: mergeAttributes(attributes), updated_at: new Date() })
      .where("org_id", "=", request.orgId)
      .where("id", "=", request.contactId)
      .where("erased_at", "is", null)
      .returning("id")
      .executeTakeFirst();
    return row ? { ok: true, id: row.id } : { ok: false, reason: "not_found" };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const raced = await contactWithPhone(db, request.orgId, values.phone, request.contactId);
    if (raced) return duplicate(raced);
    throw error;
  }
}

/** Deletes the row (tags go with it; leads keep their history without the contact). Audit holds no personal data. */
export async function deleteContact(db: Database, orgId: string, contactId: string, actor: Actor): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const deleted = await trx.deleteFrom("contacts").where("org_id", "=", orgId).where("id", "=", contactId).returning("id").executeTakeFirst();
    if (!deleted) return false;
    await recordAudit(trx, { orgId, actor, action: "contact.deleted", target: { type: "contact", id: contactId } });
    return true;
  });
}
