import { type FilterFieldDefinition, parseFilterParams, type SavedFilter } from "./contact-filter";
import { segmentNameSchema } from "./contact-schemas";

export type SegmentFormResult = { name: string; nameErrors?: string[]; filter: SavedFilter; errors: Record<string, string> };

/** The segment builder's fields (GET preview or POST save): a name plus the list's filter params. */
export function parseSegmentForm(source: URLSearchParams | FormData, fields: readonly FilterFieldDefinition[]): SegmentFormResult {
  const { filter, errors } = parseFilterParams(source, fields);
  // A segment never contains another segment (see savedFilterSchema).
  const { segmentId: _segmentId, ...saved } = filter;
  const rawName = source.get("name");
  const name = segmentNameSchema.safeParse(typeof rawName === "string" ? rawName : "");
  return name.success ? { name: name.data, filter: saved, errors } : { name: "", nameErrors: [name.error.issues[0]?.message ?? "validation.required"], filter: saved, errors };
}
