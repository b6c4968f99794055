import { z } from "zod";
import type { Database } from "#db/index.js";

export type CannedResponse = { id: string; shortcut: string; body: string };
export type CannedResult = { ok: true; id: string } | { ok: false; fieldErrors: { shortcut: string[] } };

const uuid = z.uuid();
const TAKEN: CannedResult = { ok: false, fieldErrors: { shortcut: ["inbox.canned.taken"] } };

export async function listCannedResponses(db: Database, orgId: string): Promise<CannedResponse[]> {
  return db.selectFrom("canned_responses").select(["id", "shortcut", "body"]).where("org_id", "=", orgId).orderBy("shortcut").execute();
}

export async function findCannedResponse(db: Database, orgId: string, id: string): Promise<CannedResponse | null> {
  if (!uuid.safeParse(id).success) return null;
  return (await db.selectFrom("canned_responses").select(["id", "shortcut", "body"]).where("org_id", "=", orgId).where("id", "=", id).executeTakeFirst()) ?? null;
}

function isUniqueViolation(error: unknown) {
  return (error as { code?: string }).code === "23505";
}

export async function createCannedResponse(db: Database, orgId: string, input: { shortcut: string; body: string }): Promise<CannedResult> {
  try {
    const row = await db.insertInto("canned_responses").values({ org_id: orgId, shortcut: input.shortcut, body: input.body }).returning("id").executeTakeFirstOrThrow();
    return { ok: true, id: row.id };
  } catch (error) {
    if (isUniqueViolation(error)) return TAKEN;
    throw error;
  }
}

/** Null when the response is not this organization's. */
export async function updateCannedResponse(db: Database, orgId: string, id: string, input: { shortcut: string; body: string }): Promise<CannedResult | null> {
  try {
    const row = await db.updateTable("canned_responses").set(input).where("org_id", "=", orgId).where("id", "=", id).returning("id").executeTakeFirst();
    return row ? { ok: true, id: row.id } : null;
  } catch (error) {
    if (isUniqueViolation(error)) return TAKEN;
    throw error;
  }
}

export async function deleteCannedResponse(db: Database, orgId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom("canned_responses").where("org_id", "=", orgId).where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
