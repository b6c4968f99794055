import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js/max";

export type PhoneResult = { ok: true; e164: string } | { ok: false; reason: "empty" | "invalid" };

/**
 * Normalizes what people type ("(11) 98765-4321", "+55 11 98765 4321", "5511987654321") to E.164,
 * reading numbers without a country code in the organization's country. Shared by forms, import and API;
 * server-only because the full metadata is ~150 KB.
 */
export function normalizePhone(input: string | null | undefined, defaultCountry: string = "BR"): PhoneResult {
  const raw = (input ?? "").trim();
  if (!raw) return { ok: false, reason: "empty" };
  const digits = raw.replace(/[^\d+]/g, "");
  // "5511…" without "+" is common in Brazilian spreadsheets; try it as international first.
  const candidates = digits.startsWith("+") ? [digits] : [raw, `+${digits}`];
  for (const candidate of candidates) {
    const parsed = parsePhoneNumberFromString(candidate, defaultCountry.toUpperCase() as CountryCode);
    if (parsed?.isValid()) return { ok: true, e164: parsed.number };
  }
  return { ok: false, reason: "invalid" };
}
