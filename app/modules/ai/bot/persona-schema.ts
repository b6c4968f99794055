import { z } from "zod";

// Shared by the persona form (browser pre-validation) and the server; messages are i18n keys.

export const PERSONA_TONES = ["friendly", "formal", "neutral", "enthusiastic"] as const;
export const PERSONA_LANGUAGES = ["pt-BR", "en"] as const;
export const DEFAULT_HANDOFF_KEYWORDS = ["atendente", "humano", "human", "agent", "pessoa"];

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** "atendente, humano" → ["atendente", "humano"]: trimmed, lower-cased, no duplicates. */
export function parseKeywords(text: string): string[] {
  return [...new Set(text.split(/[,\n]/).map((word) => word.trim().toLowerCase()).filter(Boolean))];
}

export const personaFormSchema = z
  .object({
    name: z.string({ error: "validation.required" }).trim().min(1, "validation.required").max(80, "validation.tooLong"),
    systemPrompt: z.string({ error: "validation.required" }).trim().min(10, "aiBot.validation.promptShort").max(8000, "validation.tooLong"),
    tone: z.enum(PERSONA_TONES, { error: "validation.required" }),
    language: z.enum(PERSONA_LANGUAGES, { error: "validation.required" }),
    model: z
      .string()
      .trim()
      .max(80, "validation.tooLong")
      .regex(/^[\w.:/-]+$/, "aiBot.validation.model")
      .optional(),
    temperature: z.number({ error: "aiBot.validation.number" }).min(0, "aiBot.validation.temperature").max(2, "aiBot.validation.temperature"),
    maxReplyChars: z.number({ error: "aiBot.validation.number" }).int("aiBot.validation.integer").min(50, "aiBot.validation.maxReply").max(4000, "aiBot.validation.maxReply"),
    greeting: z.string().trim().max(500, "validation.tooLong").optional(),
    hoursEnabled: z.boolean().optional(),
    hoursDays: z.array(z.enum(["0", "1", "2", "3", "4", "5", "6"])).optional(),
    hoursStart: z.string().trim().regex(TIME, "aiBot.validation.time").optional(),
    hoursEnd: z.string().trim().regex(TIME, "aiBot.validation.time").optional(),
    timezone: z.string().trim().max(64, "validation.tooLong").refine(isTimeZone, "aiBot.validation.timezone").optional(),
    awayMessage: z.string().trim().max(500, "validation.tooLong").optional(),
    handoffKeywords: z
      .string()
      .max(1000, "validation.tooLong")
      .optional()
      .refine((text) => parseKeywords(text ?? "").length <= 30, "aiBot.validation.tooManyKeywords")
      .refine((text) => parseKeywords(text ?? "").every((word) => word.length <= 40), "aiBot.validation.keywordLong"),
    lowConfidenceThreshold: z.number({ error: "aiBot.validation.number" }).min(0, "aiBot.validation.fraction").max(1, "aiBot.validation.fraction"),
    sentimentHandoff: z.boolean().optional(),
    maxBotTurns: z.number({ error: "aiBot.validation.number" }).int("aiBot.validation.integer").min(1, "aiBot.validation.maxTurns").max(100, "aiBot.validation.maxTurns"),
    replyDelaySeconds: z.number({ error: "aiBot.validation.number" }).int("aiBot.validation.integer").min(0, "aiBot.validation.delay").max(120, "aiBot.validation.delay"),
    isDefault: z.boolean().optional(),
    knowledgeBaseIds: z.array(z.uuid()).max(20).optional(),
    connectionIds: z.array(z.uuid()).max(50).optional(),
  })
  .refine((input) => !input.hoursEnabled || (input.hoursDays?.length ?? 0) > 0, { path: ["hoursDays"], message: "aiBot.validation.pickDays" })
  .refine((input) => !input.hoursEnabled || Boolean(input.hoursStart), { path: ["hoursStart"], message: "validation.required" })
  .refine((input) => !input.hoursEnabled || Boolean(input.hoursEnd), { path: ["hoursEnd"], message: "validation.required" })
  .refine((input) => !input.hoursEnabled || !input.hoursStart || !input.hoursEnd || input.hoursStart < input.hoursEnd, {
    path: ["hoursEnd"],
    message: "aiBot.validation.hoursOrder",
  });

export type PersonaFormInput = z.infer<typeof personaFormSchema>;

export const testChatSchema = z.object({
  intent: z.literal("test"),
  text: z.string({ error: "validation.required" }).trim().min(1, "validation.required").max(2000, "validation.tooLong"),
  /** The transcript so far, carried by the form itself so the test chat works without JavaScript. */
  transcript: z.string().max(60_000).optional(),
});
