import type { MessageKey } from "~/lib/i18n";
import { type AttributeValue, type CustomField, parseAttributeValue } from "../contacts/custom-fields";
import { normalizePhone } from "../contacts/phone.server";
import type { ImportMapping } from "./mapping";

// One CSV record → the contact it describes, or why it cannot be imported.

export type ImportPlan = {
  country: string;
  name?: number;
  firstName?: number;
  lastName?: number;
  phone: number;
  email?: number;
  tags: number[];
  fields: Array<{ index: number; field: CustomField }>;
};

export type ContactDraft = { name: string; phone: string; email: string | null; attributes: Record<string, AttributeValue>; tagNames: string[] };
export type RowProblem = { key: MessageKey; vars?: Record<string, string | number> };
export type MappedRow = { ok: true; contact: ContactDraft } | { ok: false; problem: RowProblem };

export const MAX_NAME_LENGTH = 200;
export const MAX_TAG_LENGTH = 50;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Columns mapped to custom fields that no longer exist are dropped; without a phone column there is no plan. */
export function buildPlan(mapping: ImportMapping, customFields: readonly CustomField[], country: string): ImportPlan | undefined {
  const plan: Partial<ImportPlan> & { tags: number[]; fields: ImportPlan["fields"] } = { country, tags: [], fields: [] };
  mapping.columns.forEach((target, index) => {
    if (target === "tags") plan.tags.push(index);
    else if (target.startsWith("custom:")) {
      const field = customFields.find((candidate) => `custom:${candidate.key}` === target);
      if (field) plan.fields.push({ index, field });
    } else if (target === "name" || target === "firstName" || target === "lastName" || target === "phone" || target === "email") {
      plan[target] ??= index;
    }
  });
  return plan.phone === undefined ? undefined : (plan as ImportPlan);
}

const cell = (record: readonly string[], index: number | undefined) => (index === undefined ? "" : (record[index] ?? "").trim());

export function isBlankRecord(record: readonly string[]): boolean {
  return record.every((value) => value.trim() === "");
}

export function mapRow(record: readonly string[], plan: ImportPlan): MappedRow {
  const rawPhone = cell(record, plan.phone);
  const phone = normalizePhone(rawPhone, plan.country);
  if (!phone.ok) return { ok: false, problem: phone.reason === "empty" ? { key: "imports.row.phoneMissing" } : { key: "imports.row.phoneInvalid", vars: { phone: rawPhone } } };

  const rawEmail = cell(record, plan.email);
  if (rawEmail && (rawEmail.length > 254 || !EMAIL.test(rawEmail))) return { ok: false, problem: { key: "imports.row.emailInvalid", vars: { email: rawEmail } } };

  const name = cell(record, plan.name) || [cell(record, plan.firstName), cell(record, plan.lastName)].filter(Boolean).join(" ");
  if (name.length > MAX_NAME_LENGTH) return { ok: false, problem: { key: "imports.row.nameTooLong", vars: { max: MAX_NAME_LENGTH } } };

  const attributes: Record<string, AttributeValue> = {};
  for (const { index, field } of plan.fields) {
    const parsed = parseAttributeValue(field, record[index]);
    if (!parsed.ok) return { ok: false, problem: { key: "imports.row.field", vars: { field: field.label, value: cell(record, index), problem: parsed.error } } };
    // An empty cell leaves whatever the contact already has.
    if (parsed.value !== null) attributes[field.key] = parsed.value;
  }

  const tagNames = new Map<string, string>(); // tag names are case-insensitive (citext)
  for (const index of plan.tags) {
    for (const tag of cell(record, index).split(/[,;|]/)) {
      const trimmed = tag.trim();
      if (!trimmed) continue;
      if (trimmed.length > MAX_TAG_LENGTH) return { ok: false, problem: { key: "imports.row.tagTooLong", vars: { max: MAX_TAG_LENGTH } } };
      if (!tagNames.has(trimmed.toLowerCase())) tagNames.set(trimmed.toLowerCase(), trimmed);
    }
  }

  return { ok: true, contact: { name, phone: phone.e164, email: rawEmail || null, attributes, tagNames: [...tagNames.values()] } };
}
