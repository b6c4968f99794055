import { DEFAULT_HANDOFF_KEYWORDS } from "./persona-schema";
import type { Persona } from "./personas.server";

/** The persona form's fields as strings, the shape the form fills and re-fills. */
export type PersonaFormDefaults = Record<string, string | string[] | undefined>;

export function newPersonaDefaults(org: { locale: string; timezone: string }, first: boolean): PersonaFormDefaults {
  return {
    tone: "friendly",
    language: org.locale === "en" ? "en" : "pt-BR",
    temperature: "0.3",
    maxReplyChars: "600",
    replyDelaySeconds: "5",
    handoffKeywords: DEFAULT_HANDOFF_KEYWORDS.join(", "),
    lowConfidenceThreshold: "0.5",
    sentimentHandoff: "on",
    maxBotTurns: "8",
    hoursDays: ["1", "2", "3", "4", "5"],
    hoursStart: "09:00",
    hoursEnd: "18:00",
    timezone: org.timezone,
    isDefault: first ? "on" : undefined,
    knowledgeBaseIds: [],
    connectionIds: [],
  };
}

export function personaFormValues(persona: Persona, org: { timezone: string }, channels: Array<{ id: string; personaId: string | null }>): PersonaFormDefaults {
  const hours = persona.businessHours;
  return {
    name: persona.name,
    systemPrompt: persona.systemPrompt,
    tone: persona.tone,
    language: persona.language,
    model: persona.model ?? "",
    temperature: String(persona.temperature),
    maxReplyChars: String(persona.maxReplyChars),
    greeting: persona.greeting,
    replyDelaySeconds: String(persona.replyDelaySeconds),
    handoffKeywords: persona.handoffKeywords.join(", "),
    lowConfidenceThreshold: String(persona.lowConfidenceThreshold),
    sentimentHandoff: persona.sentimentHandoff ? "on" : undefined,
    maxBotTurns: String(persona.maxBotTurns),
    hoursEnabled: hours ? "on" : undefined,
    hoursDays: hours ? hours.days.map(String) : ["1", "2", "3", "4", "5"],
    hoursStart: hours?.start ?? "09:00",
    hoursEnd: hours?.end ?? "18:00",
    timezone: hours?.timezone ?? org.timezone,
    awayMessage: persona.awayMessage,
    isDefault: persona.isDefault ? "on" : undefined,
    knowledgeBaseIds: persona.knowledgeBaseIds,
    connectionIds: channels.filter((channel) => channel.personaId === persona.id).map((channel) => channel.id),
  };
}

/** Channels for the form, naming the persona a channel answers with when it is another one. */
export function channelChoices(channels: Array<{ id: string; name: string; personaId: string | null }>, personas: Array<{ id: string; name: string }>, current: string | null) {
  const names = new Map(personas.map((persona) => [persona.id, persona.name]));
  return channels.map((channel) => ({
    id: channel.id,
    name: channel.name,
    otherPersona: channel.personaId && channel.personaId !== current ? (names.get(channel.personaId) ?? null) : null,
  }));
}
