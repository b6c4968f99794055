// Checks that need no model: they run first, so a customer asking for a person never waits on the AI.

export type HandoffReason = "keyword" | "max_turns" | "low_confidence" | "sentiment" | "budget" | "unavailable" | "guard" | "no_persona";

/** Lower case, accents and punctuation gone, single spaces: "Quero um ATENDENTE!" → "quero um atendente". */
export function normalizeText(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** The first handoff keyword the text contains as whole words ("agente" does not match "agent"). */
export function findHandoffKeyword(text: string, keywords: string[]): string | null {
  const haystack = ` ${normalizeText(text)} `;
  for (const keyword of keywords) {
    const needle = normalizeText(keyword);
    if (needle && haystack.includes(` ${needle} `)) return keyword;
  }
  return null;
}

// Words that reliably mean an upset customer, in both languages; the model judges sentiment when there is one.
const NEGATIVE_WORDS = [
  "pessimo",
  "pessima",
  "horrivel",
  "absurdo",
  "ridiculo",
  "vergonha",
  "raiva",
  "lixo",
  "procon",
  "reclame aqui",
  "processar",
  "palhacada",
  "nunca mais",
  "terrible",
  "awful",
  "horrible",
  "ridiculous",
  "disgusting",
  "furious",
  "angry",
  "scam",
  "lawsuit",
  "worst",
];

export function looksNegative(text: string): boolean {
  const haystack = ` ${normalizeText(text)} `;
  return NEGATIVE_WORDS.some((word) => haystack.includes(` ${word} `));
}

const DAY_INDEX: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** Whether `at` falls inside the persona's business hours (in their time zone); no hours set means always open. */
export function isWithinBusinessHours(hours: { days: number[]; start: string; end: string; timezone: string } | null, at: Date): boolean {
  if (!hours) return true;
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: hours.timezone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(at);
  const part = (type: string) => parts.find((item) => item.type === type)?.value ?? "";
  const day = DAY_INDEX[part("weekday")] ?? -1;
  const time = `${part("hour").padStart(2, "0")}:${part("minute")}`;
  return hours.days.includes(day) && time >= hours.start && time < hours.end;
}
