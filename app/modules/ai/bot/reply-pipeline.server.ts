import { z } from "zod";
import type { Database } from "#db/index.js";
import { AiBudgetExceededError, AiUnavailableError } from "../errors";
import { retrievePassages } from "../knowledge/retrieve.server";
import { generateStructured, getAiMode } from "../runtime.server";
import { findHandoffKeyword, type HandoffReason, isWithinBusinessHours, looksNegative } from "./handoff-rules";
import { leaksSecrets } from "./output-guard";
import type { Persona } from "./personas.server";
import { buildSystemMessage, buildUserMessage, type PromptContact, REPLY_TASK, SAFETY_RULES, type TranscriptLine } from "./prompt";

/**
 * The one reply pipeline, shared by the inbox bot and the persona page's test chat: rules that need
 * no model first (handoff keyword, max turns, an upset customer), then retrieval from the persona's
 * knowledge bases, then either the model (structured answer with its confidence) or, offline, the
 * best passage quoted with its source. Every way out is a reply or a handoff with its reason.
 */

export type BotSource = { chunkId: string; documentId: string; title: string; excerpt: string };
export type BotDecision =
  | { kind: "reply"; text: string; sources: BotSource[]; confidence: number; mode: "openai" | "offline" }
  | { kind: "handoff"; reason: HandoffReason; detail: string | null; mode: "openai" | "offline" | null };

export type ReplyRequest = {
  orgId: string;
  persona: Persona;
  /** Recent history, oldest first, ending with the customer messages still unanswered. */
  history: TranscriptLine[];
  /** The unanswered customer messages (the tail of `history`). */
  pending: string[];
  /** Only this conversation's contact; null in the test chat. */
  contact: PromptContact | null;
  /** Bot replies since a person last wrote in the conversation. */
  botTurns: number;
  conversationId?: string;
  now?: Date;
};

/** Offline, a passage must be at least this close (cosine of the hashed embeddings) to be quoted. */
export const OFFLINE_MIN_SCORE = 0.3;
const PASSAGES = 4;
const EXCERPT_CHARS = 240;

const replySchema = z.object({
  reply: z.string(),
  confidence: z.number().min(0).max(1),
  sentiment: z.enum(["positive", "neutral", "negative"]),
  wantsHuman: z.boolean(),
  sources: z.array(z.number().int()),
});

type Passage = Awaited<ReturnType<typeof retrievePassages>>[number];

function toSource(passage: Passage): BotSource {
  const excerpt = passage.content.length > EXCERPT_CHARS ? `${passage.content.slice(0, EXCERPT_CHARS).trimEnd()}…` : passage.content;
  return { chunkId: passage.chunkId, documentId: passage.documentId, title: passage.documentTitle, excerpt };
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const sentenceEnd = Math.max(cut.lastIndexOf(". "), cut.lastIndexOf("! "), cut.lastIndexOf("? "));
  return sentenceEnd > max / 2 ? cut.slice(0, sentenceEnd + 1) : `${cut.trimEnd()}…`;
}

const SOURCE_LABEL = { "pt-BR": "Fonte", en: "Source" } as const;

/** Fused rank orders the candidates; offline, the quote is the one closest in meaning. */
function closest(passages: Passage[]): Passage | undefined {
  return passages.reduce<Passage | undefined>((best, passage) => (!best || passage.vectorScore > best.vectorScore ? passage : best), undefined);
}

function offlineReply(request: ReplyRequest, passages: Passage[]): BotDecision {
  const best = closest(passages);
  if (!best || best.vectorScore < OFFLINE_MIN_SCORE) return { kind: "handoff", reason: "low_confidence", detail: best ? `best score ${best.vectorScore.toFixed(2)}` : "no passage", mode: "offline" };
  const { persona } = request;
  // The greeting opens the bot's first answer in the conversation, not every answer after a handoff.
  const greeted = request.history.some((line) => line.from === "assistant");
  const greeting = !greeted && persona.greeting ? `${persona.greeting}\n\n` : "";
  const footer = `\n\n(${SOURCE_LABEL[persona.language]}: ${best.documentTitle})`;
  const room = Math.max(40, persona.maxReplyChars - greeting.length - footer.length - 2);
  const text = `${greeting}“${clip(best.content.trim(), room)}”${footer}`;
  return { kind: "reply", text, sources: [toSource(best)], confidence: best.vectorScore, mode: "offline" };
}

async function retrieve(db: Database, request: ReplyRequest): Promise<Passage[]> {
  if (request.persona.knowledgeBaseIds.length === 0) return [];
  return retrievePassages(db, { orgId: request.orgId, knowledgeBaseIds: request.persona.knowledgeBaseIds, query: request.pending.join("\n"), limit: PASSAGES });
}

function failureHandoff(error: unknown, mode: "openai" | "offline" | null): BotDecision {
  if (error instanceof AiBudgetExceededError) return { kind: "handoff", reason: "budget", detail: error.message, mode };
  if (error instanceof AiUnavailableError) return { kind: "handoff", reason: "unavailable", detail: error.message, mode };
  throw error;
}

export { closest as closestPassage };

export async function composeReply(db: Database, request: ReplyRequest): Promise<BotDecision> {
  const { persona } = request;
  const pendingText = request.pending.join("\n");
  const keyword = findHandoffKeyword(pendingText, persona.handoffKeywords);
  if (keyword) return { kind: "handoff", reason: "keyword", detail: keyword, mode: null };
  if (request.botTurns >= persona.maxBotTurns) return { kind: "handoff", reason: "max_turns", detail: String(persona.maxBotTurns), mode: null };
  if (persona.sentimentHandoff && looksNegative(pendingText)) return { kind: "handoff", reason: "sentiment", detail: null, mode: null };

  let mode: "openai" | "offline" | null = null;
  try {
    mode = (await getAiMode(db, request.orgId)).kind;
    const passages = await retrieve(db, request);
    if (mode === "offline") return offlineReply(request, passages);

    const numbered = passages.map((passage, index) => ({ n: index + 1, title: passage.documentTitle, content: passage.content, passage }));
    const system = buildSystemMessage(persona, numbered);
    const { object } = await generateStructured(db, {
      orgId: request.orgId,
      model: persona.model ?? undefined,
      schema: replySchema,
      system,
      prompt: buildUserMessage(request.contact, request.history, REPLY_TASK),
      schemaName: "bot_reply",
      temperature: persona.temperature,
      purpose: request.conversationId ? "bot.reply" : "bot.test",
      personaId: persona.id,
      conversationId: request.conversationId ?? null,
    });
    if (object.wantsHuman) return { kind: "handoff", reason: "keyword", detail: "asked for a person", mode };
    if (persona.sentimentHandoff && object.sentiment === "negative") return { kind: "handoff", reason: "sentiment", detail: null, mode };
    const text = clip(object.reply.trim(), persona.maxReplyChars);
    if (!text || object.confidence < persona.lowConfidenceThreshold) {
      return { kind: "handoff", reason: "low_confidence", detail: `confidence ${object.confidence.toFixed(2)}`, mode };
    }
    if (leaksSecrets(text, [persona.systemPrompt, ...SAFETY_RULES])) return { kind: "handoff", reason: "guard", detail: null, mode };
    const cited = numbered.filter((item) => object.sources.includes(item.n)).map((item) => toSource(item.passage));
    return { kind: "reply", text, sources: cited, confidence: object.confidence, mode };
  } catch (error) {
    return failureHandoff(error, mode);
  }
}

/** Outside business hours a handoff also tells the customer when the team is back. */
export function isTeamAvailable(persona: Persona, now = new Date()): boolean {
  return isWithinBusinessHours(persona.businessHours, now);
}
