import { z } from "zod";
import type { Database } from "#db/index.js";
import { enqueueJob, ensureJobQueue } from "../inbox/jobs.server";

export const TEMPLATE_STATUSES = ["APPROVED", "PENDING", "REJECTED", "PAUSED", "DISABLED"] as const;
export const TEMPLATE_CATEGORIES = ["MARKETING", "UTILITY", "AUTHENTICATION"] as const;

export type TemplateComponent = { type: string; format?: string; text?: string; buttons?: Array<{ type?: string; text?: string; url?: string; phone_number?: string }> };

export type TemplateRow = {
  id: string;
  name: string;
  language: string;
  status: string;
  category: string;
  components: TemplateComponent[];
  syncedAt: string;
};

export type TemplateFilter = { status?: string; category?: string; q?: string };

const PAGE_SIZE = 50;
const cursorSchema = z.tuple([z.string().min(1).max(512), z.string().min(1).max(16)]);

/** A position in (name, language) order, which is unique per connection. */
export function encodeTemplateCursor(row: { name: string; language: string }): string {
  return Buffer.from(JSON.stringify([row.name, row.language])).toString("base64url");
}

function decodeTemplateCursor(value: string | null | undefined): [string, string] | undefined {
  if (!value || value.length > 1200) return undefined;
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(value, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function components(value: unknown): TemplateComponent[] {
  return Array.isArray(value) ? value.filter((item): item is TemplateComponent => typeof item?.type === "string") : [];
}

/** One page of the connection's templates (keyset on name, language), with the cursor of the next page. */
export async function listTemplates(db: Database, orgId: string, connectionId: string, filter: TemplateFilter, after?: string | null) {
  let query = db
    .selectFrom("message_templates")
    .select(["id", "name", "language", "status", "category", "components", "synced_at"])
    .where("org_id", "=", orgId)
    .where("connection_id", "=", connectionId);
  if (filter.status) query = query.where("status", "=", filter.status);
  if (filter.category) query = query.where("category", "=", filter.category);
  if (filter.q) query = query.where("name", "ilike", `%${filter.q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`);
  const cursor = decodeTemplateCursor(after);
  if (cursor) query = query.where((eb) => eb.tuple(eb.ref("name"), eb.ref("language")), ">", (eb) => eb.tuple(cursor[0], cursor[1]));
  const rows = await query.orderBy("name").orderBy("language").limit(PAGE_SIZE + 1).execute();
  const page = rows.slice(0, PAGE_SIZE).map(
    (row): TemplateRow => ({ id: row.id, name: row.name, language: row.language, status: row.status, category: row.category, components: components(row.components), syncedAt: row.synced_at.toISOString() }),
  );
  return { templates: page, next: rows.length > PAGE_SIZE ? encodeTemplateCursor(page[page.length - 1]!) : null };
}

/** Counts per status for the filter chips. */
export async function countTemplatesByStatus(db: Database, orgId: string, connectionId: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom("message_templates")
    .select(["status", (eb) => eb.fn.countAll<number>().as("count")])
    .where("org_id", "=", orgId)
    .where("connection_id", "=", connectionId)
    .groupBy("status")
    .execute();
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
}

export const TEMPLATE_SYNC_TASK = "templates.sync";

/** Queues a sync; the job key keeps one pending sync per connection however often "sync now" is pressed. */
export async function requestTemplateSync(db: Database, connection: { id: string; orgId: string }): Promise<void> {
  await ensureJobQueue();
  await enqueueJob(db, { identifier: TEMPLATE_SYNC_TASK, payload: { orgId: connection.orgId, connectionId: connection.id }, jobKey: `${TEMPLATE_SYNC_TASK}:${connection.id}`, maxAttempts: 5 });
}
