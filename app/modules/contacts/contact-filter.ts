import { z } from "zod";
import { CUSTOM_FIELD_KEY, type CustomFieldType, isIsoDate, parseDecimal } from "./custom-fields";

// Shared by server and browser: the one filter model behind the contacts list, segments, CSV export,
// and (later) campaign and cadence audiences. Error messages are i18n keys.

export const FILTER_OPERATORS = {
  text: ["eq", "contains", "is_set"],
  number: ["eq", "gt", "lt"],
  date: ["before", "after", "on"],
  select: ["eq", "in"],
} as const satisfies Record<CustomFieldType, readonly string[]>;

export type FilterOperator = (typeof FILTER_OPERATORS)[CustomFieldType][number];

const key = z.string().regex(CUSTOM_FIELD_KEY);
const isoDate = z.string().refine(isIsoDate, "contacts.filter.invalidDate");
const selectValue = z.string().trim().min(1).max(100);

export const customFieldConditionSchema = z.discriminatedUnion("type", [
  z
    .object({ key, type: z.literal("text"), op: z.enum(FILTER_OPERATORS.text), value: z.string().trim().max(200).optional() })
    .refine((condition) => condition.op === "is_set" || Boolean(condition.value), { path: ["value"], message: "contacts.filter.valueRequired" }),
  z.object({ key, type: z.literal("number"), op: z.enum(FILTER_OPERATORS.number), value: z.number({ error: "contacts.field.invalidNumber" }).finite() }),
  z.object({ key, type: z.literal("date"), op: z.enum(FILTER_OPERATORS.date), value: isoDate }),
  z
    .object({ key, type: z.literal("select"), op: z.enum(FILTER_OPERATORS.select), value: z.array(selectValue).min(1, "contacts.filter.valueRequired").max(50) })
    .refine((condition) => condition.op === "in" || condition.value.length === 1, { path: ["value"], message: "contacts.filter.oneValue" }),
]);

export type CustomFieldCondition = z.infer<typeof customFieldConditionSchema>;

const filterShape = {
  /** Fragments of name, phone or e-mail; every word must match. */
  search: z.string().trim().max(100, "validation.tooLong").optional(),
  tagIds: z.array(z.uuid()).max(20).optional(),
  /** With several tagIds: contacts with any of them (default) or with all of them. */
  tagMode: z.enum(["any", "all"]).optional(),
  excludeTagIds: z.array(z.uuid()).max(20).optional(),
  optedOut: z.boolean().optional(),
  /** Inclusive calendar days (YYYY-MM-DD) in the organization's time zone. */
  createdFrom: isoDate.optional(),
  createdTo: isoDate.optional(),
  custom: z.array(customFieldConditionSchema).max(20).optional(),
};

/** What a segment stores: a segment never points at another segment. */
export const savedFilterSchema = z.object(filterShape);
export type SavedFilter = z.infer<typeof savedFilterSchema>;

export const contactFilterSchema = z.object({ ...filterShape, segmentId: z.uuid().optional() });
export type ContactFilter = z.infer<typeof contactFilterSchema>;

export type FilterFieldDefinition = { key: string; type: CustomFieldType };

/**
 * URL/form encoding shared by the list's GET form, the segment builder and the CSV export link:
 * q, tag (repeated), tagMode, notTag (repeated), optedOut=yes|no, from, to, segment,
 * cf.<key>.op and cf.<key>.value (repeated for "in").
 */
export const FILTER_PARAM = {
  search: "q",
  tag: "tag",
  tagMode: "tagMode",
  excludeTag: "notTag",
  optedOut: "optedOut",
  createdFrom: "from",
  createdTo: "to",
  segment: "segment",
  customOp: (fieldKey: string) => `cf.${fieldKey}.op`,
  customValue: (fieldKey: string) => `cf.${fieldKey}.value`,
} as const;

type ParamSource = Pick<URLSearchParams, "get" | "getAll"> | FormData;

function text(source: ParamSource, name: string): string | undefined {
  const value = source.get(name);
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

function texts(source: ParamSource, name: string): string[] {
  return source
    .getAll(name)
    .filter((value): value is string => typeof value === "string")
    .map((value) => value.trim())
    .filter(Boolean);
}

function customCondition(source: ParamSource, field: FilterFieldDefinition): unknown {
  const op = text(source, FILTER_PARAM.customOp(field.key));
  if (!op) return undefined;
  const values = texts(source, FILTER_PARAM.customValue(field.key));
  const [first] = values;
  switch (field.type) {
    case "text":
      return op === "is_set" ? { key: field.key, type: field.type, op } : { key: field.key, type: field.type, op, value: first };
    case "number":
      return { key: field.key, type: field.type, op, value: first === undefined ? undefined : (parseDecimal(first) ?? Number.NaN) };
    case "date":
      return { key: field.key, type: field.type, op, value: first };
    case "select":
      return { key: field.key, type: field.type, op, value: values };
  }
}

export type FilterParseResult = {
  filter: ContactFilter;
  /** Message keys by form field name (e.g. `from`, `cf.city.value`); invalid parts are left out of `filter`. */
  errors: Record<string, string>;
};

/** Reads a filter from GET params or a submitted form. Unknown custom field keys are ignored. */
export function parseFilterParams(source: ParamSource, fields: readonly FilterFieldDefinition[]): FilterParseResult {
  const errors: Record<string, string> = {};
  const filter: ContactFilter = {};
  const take = <T>(name: string, schema: z.ZodType<T>, raw: unknown): T | undefined => {
    if (raw === undefined || (Array.isArray(raw) && raw.length === 0)) return undefined;
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    errors[name] = parsed.error.issues[0]?.message ?? "contacts.filter.invalid";
    return undefined;
  };

  filter.search = take(FILTER_PARAM.search, filterShape.search, text(source, FILTER_PARAM.search));
  filter.tagIds = take(FILTER_PARAM.tag, filterShape.tagIds, texts(source, FILTER_PARAM.tag));
  // "any" is the default, and the mode means nothing without tags: keep the filter empty then.
  const tagMode = take(FILTER_PARAM.tagMode, filterShape.tagMode, text(source, FILTER_PARAM.tagMode));
  filter.tagMode = tagMode === "all" && filter.tagIds?.length ? "all" : undefined;
  filter.excludeTagIds = take(FILTER_PARAM.excludeTag, filterShape.excludeTagIds, texts(source, FILTER_PARAM.excludeTag));
  const optedOut = text(source, FILTER_PARAM.optedOut);
  filter.optedOut = optedOut === "yes" ? true : optedOut === "no" ? false : undefined;
  filter.createdFrom = take(FILTER_PARAM.createdFrom, isoDate, text(source, FILTER_PARAM.createdFrom));
  filter.createdTo = take(FILTER_PARAM.createdTo, isoDate, text(source, FILTER_PARAM.createdTo));
  filter.segmentId = take(FILTER_PARAM.segment, z.uuid("contacts.filter.invalid"), text(source, FILTER_PARAM.segment));

  const custom: CustomFieldCondition[] = [];
  for (const field of fields) {
    const raw = customCondition(source, field);
    if (raw === undefined) continue;
    const parsed = customFieldConditionSchema.safeParse(raw);
    if (parsed.success) custom.push(parsed.data);
    else errors[FILTER_PARAM.customValue(field.key)] = parsed.error.issues[0]?.message ?? "contacts.filter.invalid";
  }
  if (custom.length) filter.custom = custom;

  for (const name of Object.keys(filter) as Array<keyof ContactFilter>) {
    if (filter[name] === undefined) delete filter[name];
  }
  return { filter, errors };
}

/** The inverse of parseFilterParams, for links (pagination, export, "save as segment"). */
export function filterToParams(filter: ContactFilter): URLSearchParams {
  const params = new URLSearchParams();
  if (filter.search) params.set(FILTER_PARAM.search, filter.search);
  for (const id of filter.tagIds ?? []) params.append(FILTER_PARAM.tag, id);
  if (filter.tagMode && filter.tagMode !== "any") params.set(FILTER_PARAM.tagMode, filter.tagMode);
  for (const id of filter.excludeTagIds ?? []) params.append(FILTER_PARAM.excludeTag, id);
  if (filter.optedOut !== undefined) params.set(FILTER_PARAM.optedOut, filter.optedOut ? "yes" : "no");
  if (filter.createdFrom) params.set(FILTER_PARAM.createdFrom, filter.createdFrom);
  if (filter.createdTo) params.set(FILTER_PARAM.createdTo, filter.createdTo);
  if (filter.segmentId) params.set(FILTER_PARAM.segment, filter.segmentId);
  for (const condition of filter.custom ?? []) {
    params.set(FILTER_PARAM.customOp(condition.key), condition.op);
    const values = condition.type === "select" ? condition.value : condition.type === "text" && condition.op === "is_set" ? [] : [String(condition.value ?? "")];
    for (const value of values) params.append(FILTER_PARAM.customValue(condition.key), value);
  }
  return params;
}

/** The form's current values by param name, for re-rendering a filter form without JS state. */
export function filterFormValues(filter: ContactFilter): Record<string, string[]> {
  const values: Record<string, string[]> = {};
  for (const [name, value] of filterToParams(filter)) (values[name] ??= []).push(value);
  return values;
}

export function isEmptyFilter(filter: ContactFilter): boolean {
  return Object.values(filter).every((value) => value === undefined || (Array.isArray(value) && value.length === 0));
}
