import { z } from "zod";

// Shared by server and browser (and the CSV import): custom field definitions and how a typed-in
// value becomes the JSON stored under contacts.attributes[key]. Error messages are i18n keys.

export const CUSTOM_FIELD_TYPES = ["text", "number", "date", "select"] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];
export const CUSTOM_FIELD_KEY = /^[a-z][a-z0-9_]{0,39}$/;
export const MAX_TEXT_VALUE = 500;

export type CustomField = { id: string; key: string; label: string; type: CustomFieldType; options: string[]; position: number };
export type AttributeValue = string | number;

export function isCustomFieldType(value: unknown): value is CustomFieldType {
  return typeof value === "string" && (CUSTOM_FIELD_TYPES as readonly string[]).includes(value);
}

/** Calendar date as YYYY-MM-DD that exists (no 2024-02-30). */
export function isIsoDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** "Data de nascimento" → "data_de_nascimento". */
export function keyFromLabel(label: string): string {
  const base = label
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 40);
  return /^[a-z]/.test(base) ? base : `f_${base}`.slice(0, 40).replace(/_+$/, "");
}

export type ParsedValue = { ok: true; value: AttributeValue | null } | { ok: false; error: string };

/** "1.234,5" (pt-BR) and "1234.5" both read as 1234.5. */
export function parseDecimal(input: string): number | undefined {
  const cleaned = input.replace(/\s/g, "");
  const normalized = cleaned.includes(",") ? cleaned.replace(/\./g, "").replace(",", ".") : cleaned;
  if (!/^[-+]?\d*\.?\d+$/.test(normalized)) return undefined;
  const value = Number(normalized);
  return Number.isFinite(value) ? value : undefined;
}

/** Reads what a person typed for a field; an empty input clears the value (null). */
export function parseAttributeValue(field: Pick<CustomField, "type" | "options">, input: string | null | undefined): ParsedValue {
  const raw = (input ?? "").trim();
  if (raw === "") return { ok: true, value: null };
  switch (field.type) {
    case "text":
      return raw.length > MAX_TEXT_VALUE ? { ok: false, error: "validation.tooLong" } : { ok: true, value: raw };
    case "number": {
      const value = parseDecimal(raw);
      return value === undefined ? { ok: false, error: "contacts.field.invalidNumber" } : { ok: true, value };
    }
    case "date": {
      // Brazilian spreadsheets and people write 31/12/2024; browsers send 2024-12-31.
      const brazilian = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(raw);
      const iso = brazilian ? `${brazilian[3]}-${brazilian[2]!.padStart(2, "0")}-${brazilian[1]!.padStart(2, "0")}` : raw;
      return isIsoDate(iso) ? { ok: true, value: iso } : { ok: false, error: "contacts.field.invalidDate" };
    }
    case "select": {
      const option = field.options.find((candidate) => candidate.toLocaleLowerCase() === raw.toLocaleLowerCase());
      return option === undefined ? { ok: false, error: "contacts.field.invalidOption" } : { ok: true, value: option };
    }
  }
}

export type AttributesResult = { values: Record<string, AttributeValue | null>; errors: Record<string, string> };

/** Validates every defined field present in `input` (by key); keys without a definition are ignored. */
export function parseAttributes(fields: readonly CustomField[], input: Record<string, string | undefined>): AttributesResult {
  const values: Record<string, AttributeValue | null> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    if (!(field.key in input)) continue;
    const parsed = parseAttributeValue(field, input[field.key]);
    if (parsed.ok) values[field.key] = parsed.value;
    else errors[field.key] = parsed.error;
  }
  return { values, errors };
}

/** A browser sends an empty input as "": treat it like a missing field. */
const blankAsMissing = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? undefined : value), schema);

const label = z.string({ error: "validation.required" }).trim().min(1, "validation.required").max(60, "validation.tooLong");
const options = z
  .string()
  .optional()
  .transform((value) => [...new Set((value ?? "").split(/\r?\n/).map((line) => line.trim()).filter(Boolean))])
  .pipe(z.array(z.string().max(100, "validation.tooLong")).max(100, "contacts.fields.tooManyOptions"));

export const customFieldActionSchema = z.discriminatedUnion("intent", [
  z
    .object({
      intent: z.literal("create"),
      label,
      /** Optional: derived from the label when left blank. */
      key: blankAsMissing(z.string().trim().toLowerCase().regex(CUSTOM_FIELD_KEY, "contacts.fields.invalidKey").optional()),
      type: z.enum(CUSTOM_FIELD_TYPES, { error: "validation.required" }),
      options,
    })
    .refine((input) => input.type !== "select" || input.options.length > 0, { path: ["options"], message: "contacts.fields.optionsRequired" }),
  z.object({ intent: z.literal("update"), fieldId: z.uuid(), label, options, position: blankAsMissing(z.coerce.number().int().min(0).max(1000).optional()) }),
  z.object({ intent: z.literal("delete"), fieldId: z.uuid() }),
]);
