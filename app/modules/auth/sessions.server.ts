import { createHash, randomBytes } from "node:crypto";
import type { Database } from "#db/index.js";
import { SESSION_TTL_DAYS, sessionCookie } from "./session-cookie.server";

export type SessionRecord = {
  idHash: string;
  userId: string;
  currentOrgId: string | null;
  expiresAt: Date;
};

const hashSessionId = (id: string) => createHash("sha256").update(id).digest("hex");

function clientInfo(request: Request, ip: string | undefined) {
  return { ip: ip ?? null, user_agent: request.headers.get("user-agent")?.slice(0, 300) ?? null };
}

/**
 * Always a brand-new id: signing in never reuses an id the browser already had (session fixation),
 * and the session the browser held before, if any, ends.
 */
export async function startSession(db: Database, request: Request, userId: string, orgId: string | null, ip?: string) {
  const previous = await readSessionId(request);
  if (previous) await db.deleteFrom("sessions").where("id_hash", "=", hashSessionId(previous)).execute();
  const id = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + SESSION_TTL_DAYS * 86_400_000);
  await db
    .insertInto("sessions")
    .values({ id_hash: hashSessionId(id), user_id: userId, current_org_id: orgId, expires_at: expiresAt, ...clientInfo(request, ip) })
    .execute();
  return { setCookie: await sessionCookie().serialize(id, { expires: expiresAt }) };
}

export async function readSessionId(request: Request): Promise<string | null> {
  const value = await sessionCookie().parse(request.headers.get("Cookie"));
  return typeof value === "string" && value.length > 0 ? value : null;
}

export async function findSession(db: Database, request: Request): Promise<SessionRecord | null> {
  const id = await readSessionId(request);
  if (!id) return null;
  const row = await db
    .selectFrom("sessions")
    .select(["id_hash", "user_id", "current_org_id", "expires_at", "last_seen_at"])
    .where("id_hash", "=", hashSessionId(id))
    .where("expires_at", ">", new Date())
    .executeTakeFirst();
  if (!row) return null;
  if (Date.now() - row.last_seen_at.getTime() > 5 * 60_000) {
    await db.updateTable("sessions").set({ last_seen_at: new Date() }).where("id_hash", "=", row.id_hash).execute();
  }
  return { idHash: row.id_hash, userId: row.user_id, currentOrgId: row.current_org_id, expiresAt: row.expires_at };
}

export async function setSessionOrganization(db: Database, session: SessionRecord, orgId: string) {
  await db.updateTable("sessions").set({ current_org_id: orgId }).where("id_hash", "=", session.idHash).execute();
}

export async function endSession(db: Database, request: Request) {
  const id = await readSessionId(request);
  if (id) await db.deleteFrom("sessions").where("id_hash", "=", hashSessionId(id)).execute();
  return { setCookie: await sessionCookie().serialize("", { maxAge: 0, expires: new Date(0) }) };
}

export async function endAllSessions(db: Database, userId: string) {
  const result = await db.deleteFrom("sessions").where("user_id", "=", userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}
