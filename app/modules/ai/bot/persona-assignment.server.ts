import { z } from "zod";
import type { Database } from "#db/index.js";
import { publishConversationUpdated } from "../../inbox/live.server";
import { personaForConversation } from "./personas.server";

/** The organization's channels, with the persona each one defaults to. */
export async function listConnectionOptions(db: Database, orgId: string): Promise<Array<{ id: string; name: string; kind: string; personaId: string | null }>> {
  const rows = await db.selectFrom("channel_connections").select(["id", "name", "kind", "persona_id"]).where("org_id", "=", orgId).orderBy("created_at").orderBy("id").execute();
  return rows.map((row) => ({ id: row.id, name: row.name, kind: row.kind, personaId: row.persona_id }));
}

export type ConversationPersonaChoice = { chosenId: string | null; answeringName: string | null; options: Array<{ id: string; name: string }> };

/** What the conversation screen shows: its own persona choice (if any), who answers now, and the choices. */
export async function conversationPersonaChoice(db: Database, orgId: string, conversationId: string): Promise<ConversationPersonaChoice> {
  const [own, options, answering] = await Promise.all([
    db.selectFrom("conversations").select("persona_id").where("org_id", "=", orgId).where("id", "=", conversationId).executeTakeFirst(),
    db.selectFrom("personas").select(["id", "name"]).where("org_id", "=", orgId).orderBy("name").execute(),
    personaForConversation(db, orgId, conversationId),
  ]);
  return { chosenId: own?.persona_id ?? null, answeringName: answering?.name ?? null, options };
}

/** Overrides (or, with null, clears) the persona of one conversation; false when either id is not this organization's. */
export async function setConversationPersona(db: Database, input: { orgId: string; conversationId: string; personaId: string | null }): Promise<boolean> {
  if (input.personaId) {
    if (!z.uuid().safeParse(input.personaId).success) return false;
    const persona = await db.selectFrom("personas").select("id").where("org_id", "=", input.orgId).where("id", "=", input.personaId).executeTakeFirst();
    if (!persona) return false;
  }
  const row = await db
    .updateTable("conversations")
    .set({ persona_id: input.personaId, updated_at: new Date() })
    .where("org_id", "=", input.orgId)
    .where("id", "=", input.conversationId)
    .returning("id")
    .executeTakeFirst();
  if (row) await publishConversationUpdated(input.orgId, input.conversationId);
  return Boolean(row);
}
