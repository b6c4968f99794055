import type { Database } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import { type AuditEntry, recordAudit } from "../audit/audit.server";
import { type SavedFilter, savedFilterSchema } from "./contact-filter";
import { countContacts } from "./contact-filter.server";

export type Segment = { id: string; name: string; filter: SavedFilter; createdAt: Date; updatedAt: Date };

function toSegment(row: { id: string; name: string; filter: unknown; created_at: Date; updated_at: Date }): Segment {
  const parsed = savedFilterSchema.safeParse(row.filter);
  return { id: row.id, name: row.name, filter: parsed.success ? parsed.data : {}, createdAt: row.created_at, updatedAt: row.updated_at };
}

export async function listSegments(db: Database, orgId: string): Promise<Segment[]> {
  const rows = await db.selectFrom("segments").select(["id", "name", "filter", "created_at", "updated_at"]).where("org_id", "=", orgId).orderBy("name").execute();
  return rows.map(toSegment);
}

/** Segments with how many contacts each matches now (one count per segment; organizations keep a handful). */
export async function listSegmentsWithCounts(db: Database, orgId: string): Promise<Array<Segment & { contactCount: number }>> {
  const segments = await listSegments(db, orgId);
  return Promise.all(segments.map(async (segment) => ({ ...segment, contactCount: await countContacts(db, orgId, { segmentId: segment.id }) })));
}

export async function findSegment(db: Database, orgId: string, segmentId: string): Promise<Segment | undefined> {
  const row = await db.selectFrom("segments").select(["id", "name", "filter", "created_at", "updated_at"]).where("org_id", "=", orgId).where("id", "=", segmentId).executeTakeFirst();
  return row ? toSegment(row) : undefined;
}

export async function createSegment(db: Database, orgId: string, input: { name: string; filter: SavedFilter; createdBy: string | null }): Promise<string> {
  const row = await db
    .insertInto("segments")
    .values({ org_id: orgId, name: input.name, filter: JSON.stringify(savedFilterSchema.parse(input.filter)), created_by: input.createdBy })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateSegment(db: Database, orgId: string, segmentId: string, input: { name: string; filter: SavedFilter }): Promise<boolean> {
  const row = await db
    .updateTable("segments")
    .set({ name: input.name, filter: JSON.stringify(savedFilterSchema.parse(input.filter)), updated_at: new Date() })
    .where("org_id", "=", orgId)
    .where("id", "=", segmentId)
    .returning("id")
    .executeTakeFirst();
  return Boolean(row);
}

export async function deleteSegment(db: Database, orgId: string, segmentId: string, actor: AuditEntry["actor"]): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const row = await trx.deleteFrom("segments").where("org_id", "=", orgId).where("id", "=", segmentId).returning(["id", "name"]).executeTakeFirst();
    if (!row) return false;
    await recordAudit(trx, { orgId, actor, action: "segment.deleted", target: { type: "segment", id: segmentId }, metadata: { name: row.name } });
    return true;
  });
}
