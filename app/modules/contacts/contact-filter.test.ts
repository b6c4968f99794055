import { describe, expect, it } from "vitest";
import { type ContactFilter, contactFilterSchema, filterFormValues, filterToParams, isEmptyFilter, parseFilterParams, savedFilterSchema } from "./contact-filter";

const fields = [
  { key: "city", type: "select" as const },
  { key: "score", type: "number" as const },
  { key: "birthday", type: "date" as const },
  { key: "note", type: "text" as const },
];
const tagA = "5b0f8f3e-6c1e-4d5a-9a43-0d7f5b0e2a11";
const tagB = "8e8a7c1d-2f4b-4a9e-b1c3-7d6e5f4a3b22";

describe("filter params", () => {
  it("round-trips every part of a filter through URL params", () => {
    const filter: ContactFilter = {
      search: "maria silva",
      tagIds: [tagA, tagB],
      tagMode: "all",
      excludeTagIds: [tagB],
      optedOut: false,
      createdFrom: "2025-01-01",
      createdTo: "2025-01-31",
      segmentId: tagA,
      custom: [
        { key: "city", type: "select", op: "in", value: ["Recife", "São Paulo"] },
        { key: "score", type: "number", op: "gt", value: 10.5 },
        { key: "birthday", type: "date", op: "before", value: "2000-12-31" },
        { key: "note", type: "text", op: "is_set" },
      ],
    };
    const parsed = parseFilterParams(filterToParams(filter), fields);
    expect(parsed.errors).toEqual({});
    expect(parsed.filter).toEqual(filter);
    expect(contactFilterSchema.parse(parsed.filter)).toEqual(filter);
  });

  it("ignores empty inputs of a submitted GET form", () => {
    const params = new URLSearchParams("q=&segment=&optedOut=&from=&to=&tagMode=any&cf.city.op=&cf.score.op=&cf.score.value=");
    const { filter, errors } = parseFilterParams(params, fields);
    expect(errors).toEqual({});
    expect(isEmptyFilter(filter)).toBe(true);
  });

  it("reads a pt-BR decimal and a phone-looking search as typed", () => {
    const { filter } = parseFilterParams(new URLSearchParams({ q: "(11) 98765-4321", "cf.score.op": "lt", "cf.score.value": "1.234,5" }), fields);
    expect(filter.search).toBe("(11) 98765-4321");
    expect(filter.custom).toEqual([{ key: "score", type: "number", op: "lt", value: 1234.5 }]);
  });

  it("reports invalid parts by param name and leaves them out", () => {
    const params = new URLSearchParams({ from: "2025-02-30", tag: "not-a-uuid", "cf.score.op": "gt", "cf.score.value": "muito", "cf.note.op": "contains", "cf.city.op": "eq" });
    params.append("cf.city.value", "Recife");
    params.append("cf.city.value", "Natal");
    const { filter, errors } = parseFilterParams(params, fields);
    expect(Object.keys(errors).sort()).toEqual(["cf.city.value", "cf.note.value", "cf.score.value", "from", "tag"]);
    expect(errors["cf.score.value"]).toBe("contacts.field.invalidNumber");
    expect(errors["cf.city.value"]).toBe("contacts.filter.oneValue");
    expect(filter).toEqual({});
  });

  it("ignores conditions on fields the organization does not have", () => {
    const { filter } = parseFilterParams(new URLSearchParams({ "cf.ghost.op": "eq", "cf.ghost.value": "x" }), fields);
    expect(filter.custom).toBeUndefined();
  });

  it("a saved filter cannot name a segment", () => {
    expect(savedFilterSchema.parse({ segmentId: tagA, search: "a" })).toEqual({ search: "a" });
  });

  it("gives form values by param name", () => {
    expect(filterFormValues({ tagIds: [tagA, tagB], optedOut: true })).toEqual({ tag: [tagA, tagB], optedOut: ["yes"] });
  });
});
