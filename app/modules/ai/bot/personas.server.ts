import type { Selectable, Transaction } from "kysely";
import type { Database, DB } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import { recordAudit } from "../../audit/audit.server";
import { parseKeywords, type PersonaFormInput } from "./persona-schema";

export type BusinessHours = { days: number[]; start: string; end: string; timezone: string };

export type Persona = {
  id: string;
  orgId: string;
  name: string;
  systemPrompt: string;
  tone: "friendly" | "formal" | "neutral" | "enthusiastic";
  language: "pt-BR" | "en";
  model: string | null;
  temperature: number;
  maxReplyChars: number;
  greeting: string;
  businessHours: BusinessHours | null;
  awayMessage: string;
  handoffKeywords: string[];
  lowConfidenceThreshold: number;
  sentimentHandoff: boolean;
  maxBotTurns: number;
  replyDelaySeconds: number;
  isDefault: boolean;
  knowledgeBaseIds: string[];
};

export type PersonaSummary = { id: string; name: string; language: string; tone: string; isDefault: boolean; knowledgeBaseCount: number };

function toPersona(row: Selectable<DB["personas"]>, knowledgeBaseIds: string[]): Persona {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    systemPrompt: row.system_prompt,
    tone: row.tone as Persona["tone"],
    language: row.language as Persona["language"],
    model: row.model,
    temperature: row.temperature,
    maxReplyChars: row.max_reply_chars,
    greeting: row.greeting,
    businessHours: (row.business_hours as BusinessHours | null) ?? null,
    awayMessage: row.away_message,
    handoffKeywords: row.handoff_keywords,
    lowConfidenceThreshold: row.low_confidence_threshold,
    sentimentHandoff: row.sentiment_handoff,
    maxBotTurns: row.max_bot_turns,
    replyDelaySeconds: row.reply_delay_seconds,
    isDefault: row.is_default,
    knowledgeBaseIds,
  };
}

export async function listPersonas(db: Database, orgId: string): Promise<PersonaSummary[]> {
  const rows = await db
    .selectFrom("personas")
    .select((eb) => [
      "personas.id",
      "personas.name",
      "personas.language",
      "personas.tone",
      "personas.is_default",
      eb.selectFrom("persona_knowledge_bases").whereRef("persona_knowledge_bases.persona_id", "=", "personas.id").select(eb.fn.countAll<number>().as("n")).as("kbs"),
    ])
    .where("personas.org_id", "=", orgId)
    .orderBy("personas.name")
    .execute();
  return rows.map((row) => ({ id: row.id, name: row.name, language: row.language, tone: row.tone, isDefault: row.is_default, knowledgeBaseCount: Number(row.kbs ?? 0) }));
}

export async function findPersona(db: Database, orgId: string, personaId: string): Promise<Persona | null> {
  const row = await db.selectFrom("personas").selectAll().where("org_id", "=", orgId).where("id", "=", personaId).executeTakeFirst();
  if (!row) return null;
  const links = await db.selectFrom("persona_knowledge_bases").select("knowledge_base_id").where("persona_id", "=", row.id).execute();
  return toPersona(row, links.map((link) => link.knowledge_base_id));
}

/** The knowledge bases a persona may be given (this organization's). */
export async function listKnowledgeBaseOptions(db: Database, orgId: string): Promise<Array<{ id: string; name: string }>> {
  return db.selectFrom("knowledge_bases").select(["id", "name"]).where("org_id", "=", orgId).orderBy("name").orderBy("id").execute();
}

function columnsOf(input: PersonaFormInput) {
  return {
    name: input.name,
    system_prompt: input.systemPrompt,
    tone: input.tone,
    language: input.language,
    model: input.model || null,
    temperature: input.temperature,
    max_reply_chars: input.maxReplyChars,
    greeting: input.greeting ?? "",
    business_hours: input.hoursEnabled
      ? JSON.stringify({ days: (input.hoursDays ?? []).map(Number).sort(), start: input.hoursStart, end: input.hoursEnd, timezone: input.timezone || "America/Sao_Paulo" })
      : null,
    away_message: input.awayMessage ?? "",
    handoff_keywords: parseKeywords(input.handoffKeywords ?? ""),
    low_confidence_threshold: input.lowConfidenceThreshold,
    sentiment_handoff: Boolean(input.sentimentHandoff),
    max_bot_turns: input.maxBotTurns,
    reply_delay_seconds: input.replyDelaySeconds,
  };
}

export type SaveResult =
  | { ok: true; personaId: string }
  | { ok: false; field: "name" | "knowledgeBaseIds" | "connectionIds"; code: "aiBot.validation.nameTaken" | "aiBot.validation.unknownKnowledgeBase" | "aiBot.validation.unknownChannel" };

type Trx = Transaction<DB>;

async function linkKnowledgeBases(trx: Trx, orgId: string, personaId: string, ids: string[]): Promise<boolean> {
  const unique = [...new Set(ids)];
  if (unique.length) {
    const found = await trx.selectFrom("knowledge_bases").select("id").where("org_id", "=", orgId).where("id", "in", unique).execute();
    if (found.length !== unique.length) return false;
  }
  await trx.deleteFrom("persona_knowledge_bases").where("persona_id", "=", personaId).execute();
  if (unique.length) {
    await trx.insertInto("persona_knowledge_bases").values(unique.map((id) => ({ org_id: orgId, persona_id: personaId, knowledge_base_id: id }))).execute();
  }
  return true;
}

/** The default persona answers wherever no connection or conversation names one; only one per organization. */
async function applyDefault(trx: Trx, orgId: string, personaId: string, wanted: boolean) {
  const current = await trx.selectFrom("personas").select("id").where("org_id", "=", orgId).where("is_default", "=", true).executeTakeFirst();
  // The first persona is the default, so turning the bot on works without another setting.
  const makeDefault = wanted || !current || current.id === personaId;
  if (!makeDefault) return;
  if (current && current.id !== personaId) await trx.updateTable("personas").set({ is_default: false }).where("id", "=", current.id).execute();
  await trx.updateTable("personas").set({ is_default: true }).where("id", "=", personaId).execute();
}

function isNameConflict(error: unknown) {
  return (error as { code?: string; constraint?: string }).code === "23505" && (error as { constraint?: string }).constraint === "personas_org_name_key";
}

class RollBack extends Error {
  constructor(readonly field: "knowledgeBaseIds" | "connectionIds") {
    super(field);
  }
}

/** The persona becomes the default of exactly these channels of the organization. */
async function linkConnections(trx: Trx, orgId: string, personaId: string, ids: string[] | undefined): Promise<boolean> {
  if (ids === undefined) return true;
  const unique = [...new Set(ids)];
  if (unique.length) {
    const found = await trx.selectFrom("channel_connections").select("id").where("org_id", "=", orgId).where("id", "in", unique).execute();
    if (found.length !== unique.length) return false;
  }
  let clear = trx.updateTable("channel_connections").set({ persona_id: null }).where("org_id", "=", orgId).where("persona_id", "=", personaId);
  if (unique.length) clear = clear.where("id", "not in", unique);
  await clear.execute();
  if (unique.length) await trx.updateTable("channel_connections").set({ persona_id: personaId }).where("org_id", "=", orgId).where("id", "in", unique).execute();
  return true;
}

function refusal(error: unknown): SaveResult | null {
  if (error instanceof RollBack) {
    return error.field === "knowledgeBaseIds"
      ? { ok: false, field: "knowledgeBaseIds", code: "aiBot.validation.unknownKnowledgeBase" }
      : { ok: false, field: "connectionIds", code: "aiBot.validation.unknownChannel" };
  }
  if (isNameConflict(error)) return { ok: false, field: "name", code: "aiBot.validation.nameTaken" };
  return null;
}

export async function createPersona(db: Database, input: { orgId: string; userId: string; values: PersonaFormInput }): Promise<SaveResult> {
  try {
    return await inTransaction(db, async (trx) => {
      const row = await trx
        .insertInto("personas")
        .values({ org_id: input.orgId, created_by: input.userId, ...columnsOf(input.values) })
        .returning("id")
        .executeTakeFirstOrThrow();
      if (!(await linkKnowledgeBases(trx, input.orgId, row.id, input.values.knowledgeBaseIds ?? []))) throw new RollBack("knowledgeBaseIds");
      if (!(await linkConnections(trx, input.orgId, row.id, input.values.connectionIds ?? []))) throw new RollBack("connectionIds");
      await applyDefault(trx, input.orgId, row.id, Boolean(input.values.isDefault));
      await recordAudit(trx, { orgId: input.orgId, actor: { type: "user", id: input.userId }, action: "persona.created", target: { type: "persona", id: row.id }, metadata: { name: input.values.name } });
      return { ok: true as const, personaId: row.id };
    });
  } catch (error) {
    const refused = refusal(error);
    if (refused) return refused;
    throw error;
  }
}

export async function updatePersona(db: Database, input: { orgId: string; userId: string; personaId: string; values: PersonaFormInput }): Promise<SaveResult | { ok: false; field: null; code: "not_found" }> {
  try {
    return await inTransaction(db, async (trx) => {
      const row = await trx
        .updateTable("personas")
        .set({ ...columnsOf(input.values), updated_at: new Date() })
        .where("org_id", "=", input.orgId)
        .where("id", "=", input.personaId)
        .returning("id")
        .executeTakeFirst();
      if (!row) return { ok: false as const, field: null, code: "not_found" as const };
      if (!(await linkKnowledgeBases(trx, input.orgId, row.id, input.values.knowledgeBaseIds ?? []))) throw new RollBack("knowledgeBaseIds");
      if (!(await linkConnections(trx, input.orgId, row.id, input.values.connectionIds ?? []))) throw new RollBack("connectionIds");
      await applyDefault(trx, input.orgId, row.id, Boolean(input.values.isDefault));
      await recordAudit(trx, { orgId: input.orgId, actor: { type: "user", id: input.userId }, action: "persona.updated", target: { type: "persona", id: row.id }, metadata: { name: input.values.name } });
      return { ok: true as const, personaId: row.id };
    });
  } catch (error) {
    const refused = refusal(error);
    if (refused) return refused;
    throw error;
  }
}

/** Conversations and connections that named it fall back to the default persona (foreign keys set null). */
export async function deletePersona(db: Database, input: { orgId: string; userId: string; personaId: string }): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const row = await trx.deleteFrom("personas").where("org_id", "=", input.orgId).where("id", "=", input.personaId).returning(["id", "name", "is_default"]).executeTakeFirst();
    if (!row) return false;
    if (row.is_default) {
      const next = await trx.selectFrom("personas").select("id").where("org_id", "=", input.orgId).orderBy("created_at").limit(1).executeTakeFirst();
      if (next) await trx.updateTable("personas").set({ is_default: true }).where("id", "=", next.id).execute();
    }
    await recordAudit(trx, { orgId: input.orgId, actor: { type: "user", id: input.userId }, action: "persona.deleted", target: { type: "persona", id: row.id }, metadata: { name: row.name } });
    return true;
  });
}

/** Which persona answers a conversation: its own choice, else its connection's, else the organization's default. */
export async function personaForConversation(db: Database, orgId: string, conversationId: string): Promise<Persona | null> {
  const row = await db
    .selectFrom("conversations")
    .innerJoin("channel_connections", "channel_connections.id", "conversations.connection_id")
    .select(["conversations.persona_id as own", "channel_connections.persona_id as connection"])
    .where("conversations.org_id", "=", orgId)
    .where("conversations.id", "=", conversationId)
    .executeTakeFirst();
  if (!row) return null;
  const chosen = row.own ?? row.connection;
  if (chosen) {
    const persona = await findPersona(db, orgId, chosen);
    if (persona) return persona;
  }
  const fallback = await db.selectFrom("personas").select("id").where("org_id", "=", orgId).where("is_default", "=", true).executeTakeFirst();
  return fallback ? findPersona(db, orgId, fallback.id) : null;
}
