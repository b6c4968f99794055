// Shared by server and browser (the inbox reply box shows the count while typing): no server imports.

/** GSM 03.38 basic table: one septet each. */
const GSM_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
/** Extension table: an escape septet plus one, so two each. */
const GSM_EXTENSION = new Set("\f^{}\\[~]|€");

export type SmsEncoding = "GSM-7" | "UCS-2";

export type SmsSegmentCount = {
  encoding: SmsEncoding;
  segments: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) the text takes. */
  units: number;
  /** Units one segment holds at this length: 160/70 for a single message, 153/67 once it is split. */
  perSegment: number;
  /** Units left in the last segment before another one starts. */
  remaining: number;
  /** Characters outside GSM-7 that forced UCS-2 (e.g. "ã", "😀"), so the user can replace them. */
  unicodeCharacters: string[];
};

const LIMITS = { "GSM-7": { single: 160, multi: 153 }, "UCS-2": { single: 70, multi: 67 } } as const;

/**
 * How many SMS segments a text costs. A multipart message spends part of each segment on the
 * concatenation header, and a character is never split across two segments: a GSM extension
 * character (2 septets) or an emoji (a UTF-16 surrogate pair) moves whole to the next one.
 */
export function countSmsSegments(text: string): SmsSegmentCount {
  const characters = Array.from(text); // code points
  const unicodeCharacters = [...new Set(characters.filter((char) => !GSM_BASIC.has(char) && !GSM_EXTENSION.has(char)))];
  const encoding: SmsEncoding = unicodeCharacters.length ? "UCS-2" : "GSM-7";
  const sizes = characters.map((char) => (encoding === "GSM-7" ? (GSM_EXTENSION.has(char) ? 2 : 1) : char.length));
  const units = sizes.reduce((sum, size) => sum + size, 0);
  const limits = LIMITS[encoding];
  if (units === 0) return { encoding, segments: 0, units, perSegment: limits.single, remaining: limits.single, unicodeCharacters };
  if (units <= limits.single) return { encoding, segments: 1, units, perSegment: limits.single, remaining: limits.single - units, unicodeCharacters };

  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > limits.multi) {
      segments += 1;
      used = 0;
    }
    used += size;
  }
  return { encoding, segments, units, perSegment: limits.multi, remaining: limits.multi - used, unicodeCharacters };
}
