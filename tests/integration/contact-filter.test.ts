import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import type { ContactFilter } from "../../app/modules/contacts/contact-filter.js";
import { contactsMatching, countContacts, countContactsUpTo, SegmentNotFoundError } from "../../app/modules/contacts/contact-filter.server.js";
import { insertContact, insertCustomField, insertSegment, insertTag, tagContact } from "../support/contacts-factories.js";
import { createOrgWithOwner } from "../support/factories.js";

const db = getDb();
let orgId: string;
let otherOrgId: string;
const ids: Record<string, string> = {};
const tags: Record<string, string> = {};

async function names(filter: ContactFilter, org = orgId) {
  const rows = await (await contactsMatching(db, org, filter)).select("contacts.name").orderBy("contacts.name").execute();
  return rows.map((row) => row.name);
}

beforeAll(async () => {
  ({ org: { id: orgId } } = await createOrgWithOwner(db, "filters"));
  ({ org: { id: otherOrgId } } = await createOrgWithOwner(db, "filters-other"));
  await db.updateTable("organizations").set({ timezone: "America/Sao_Paulo" }).where("id", "=", orgId).execute();
  await insertCustomField(db, orgId, { key: "city", type: "select", options: ["Recife", "Natal", "São Paulo"] });
  await insertCustomField(db, orgId, { key: "score", type: "number" });
  await insertCustomField(db, orgId, { key: "birthday", type: "date" });
  await insertCustomField(db, orgId, { key: "note", type: "text" });
  const people = [
    { name: "Ana Souza", phone: "+5511987650001", email: "ana@loja.com.br", attributes: { city: "Recife", score: 10, birthday: "1990-05-01", note: "Cliente VIP" }, created_at: new Date("2025-01-01T02:00:00Z") },
    { name: "Bruno Lima", phone: "+5521998760002", email: "bruno@exemplo.com", attributes: { city: "Natal", score: 3.5, birthday: "2001-12-24" }, created_at: new Date("2025-01-01T04:00:00Z") },
    { name: "Carla 100%_Silva", phone: "+5581977770003", email: null, attributes: { city: "São Paulo", score: "não é número", note: "" }, created_at: new Date("2025-01-02T12:00:00Z"), opted_out: true },
    { name: "Davi Souza", phone: null, email: "davi@loja.com.br", attributes: {}, created_at: new Date("2025-02-01T12:00:00Z") },
  ];
  for (const person of people) ids[person.name] = (await insertContact(db, orgId, person)).id;
  tags.vip = (await insertTag(db, orgId, "VIP")).id;
  tags.lead = (await insertTag(db, orgId, "Lead")).id;
  await tagContact(db, orgId, ids["Ana Souza"]!, tags.vip);
  await tagContact(db, orgId, ids["Ana Souza"]!, tags.lead);
  await tagContact(db, orgId, ids["Bruno Lima"]!, tags.lead);
  // Another organization's look-alike must never show up.
  await insertContact(db, otherOrgId, { name: "Ana Souza", phone: "+5511987650001", email: "ana@loja.com.br" });
  // An erased contact is gone from every audience.
  await insertContact(db, orgId, { name: "", phone: null, email: null }).then((row) => db.updateTable("contacts").set({ erased_at: new Date(), opted_out: true }).where("id", "=", row.id).execute());
});

describe("contactsMatching", () => {
  it("searches names, phone digits typed any way, and e-mails; every word must match", async () => {
    expect(await names({ search: "souza" })).toEqual(["Ana Souza", "Davi Souza"]);
    expect(await names({ search: "ana souza" })).toEqual(["Ana Souza"]);
    expect(await names({ search: "(21) 99876-0002" })).toEqual(["Bruno Lima"]);
    expect(await names({ search: "98765" })).toEqual(["Ana Souza"]);
    expect(await names({ search: "@loja.com" })).toEqual(["Ana Souza", "Davi Souza"]);
    expect(await names({ search: "100%_" })).toEqual(["Carla 100%_Silva"]);
    expect(await names({ search: "%" })).toEqual(["Carla 100%_Silva"]);
  });

  it("ignores accents on both sides: joao finds João, CONCEIÇÃO finds Conceicao", async () => {
    const joao = await insertContact(db, orgId, { name: "João Conceição", phone: null, email: null });
    const plain = await insertContact(db, orgId, { name: "Joao Conceicao Filho", phone: null, email: null });
    try {
      expect((await names({ search: "joao conceicao" })).sort()).toEqual(["Joao Conceicao Filho", "João Conceição"].sort());
      expect(await names({ search: "CONCEIÇÃO filho" })).toEqual(["Joao Conceicao Filho"]);
    } finally {
      await db.deleteFrom("contacts").where("id", "in", [joao.id, plain.id]).execute();
    }
  });

  it("filters by tags: any, all, and without", async () => {
    expect(await names({ tagIds: [tags.vip!, tags.lead!] })).toEqual(["Ana Souza", "Bruno Lima"]);
    expect(await names({ tagIds: [tags.vip!, tags.lead!], tagMode: "all" })).toEqual(["Ana Souza"]);
    expect(await names({ excludeTagIds: [tags.lead!] })).toEqual(["Carla 100%_Silva", "Davi Souza"]);
  });

  it("filters by opt-out and by calendar days in the organization's time zone", async () => {
    expect(await names({ optedOut: true })).toEqual(["Carla 100%_Silva"]);
    expect(await names({ optedOut: false })).toEqual(["Ana Souza", "Bruno Lima", "Davi Souza"]);
    // Ana was created 2025-01-01T02:00Z, which is still Dec 31 in São Paulo (UTC-3).
    expect(await names({ createdFrom: "2025-01-01", createdTo: "2025-01-01" })).toEqual(["Bruno Lima"]);
    expect(await names({ createdTo: "2024-12-31" })).toEqual(["Ana Souza"]);
    expect(await names({ createdFrom: "2025-01-02" })).toEqual(["Carla 100%_Silva", "Davi Souza"]);
  });

  it("applies typed custom field operators, ignoring values of the wrong type", async () => {
    expect(await names({ custom: [{ key: "city", type: "select", op: "eq", value: ["Recife"] }] })).toEqual(["Ana Souza"]);
    expect(await names({ custom: [{ key: "city", type: "select", op: "in", value: ["Recife", "São Paulo"] }] })).toEqual(["Ana Souza", "Carla 100%_Silva"]);
    expect(await names({ custom: [{ key: "score", type: "number", op: "gt", value: 3.5 }] })).toEqual(["Ana Souza"]);
    expect(await names({ custom: [{ key: "score", type: "number", op: "lt", value: 100 }] })).toEqual(["Ana Souza", "Bruno Lima"]);
    expect(await names({ custom: [{ key: "score", type: "number", op: "eq", value: 3.5 }] })).toEqual(["Bruno Lima"]);
    expect(await names({ custom: [{ key: "birthday", type: "date", op: "before", value: "2000-01-01" }] })).toEqual(["Ana Souza"]);
    expect(await names({ custom: [{ key: "birthday", type: "date", op: "after", value: "2000-01-01" }] })).toEqual(["Bruno Lima"]);
    expect(await names({ custom: [{ key: "birthday", type: "date", op: "on", value: "2001-12-24" }] })).toEqual(["Bruno Lima"]);
    expect(await names({ custom: [{ key: "note", type: "text", op: "contains", value: "vip" }] })).toEqual(["Ana Souza"]);
    expect(await names({ custom: [{ key: "note", type: "text", op: "eq", value: "cliente vip" }] })).toEqual(["Ana Souza"]);
    expect(await names({ custom: [{ key: "note", type: "text", op: "is_set" }] })).toEqual(["Ana Souza"]);
  });

  it("a condition on a field that does not exist (or changed type) matches no one", async () => {
    expect(await names({ custom: [{ key: "ghost", type: "text", op: "is_set" }] })).toEqual([]);
    expect(await names({ custom: [{ key: "score", type: "text", op: "is_set" }] })).toEqual([]);
  });

  it("resolves a segment into its saved filter and ANDs it with the rest", async () => {
    const segment = await insertSegment(db, orgId, "Leads", { tagIds: [tags.lead], segmentId: "ignored" });
    expect(await names({ segmentId: segment.id })).toEqual(["Ana Souza", "Bruno Lima"]);
    expect(await names({ segmentId: segment.id, search: "bruno" })).toEqual(["Bruno Lima"]);
    expect(await countContacts(db, orgId, { segmentId: segment.id })).toBe(2);
    const broken = await insertSegment(db, orgId, "Broken", { tagIds: ["not-a-uuid"] });
    expect(await names({ segmentId: broken.id })).toEqual([]);
  });

  it("counts exactly what it lists, also when row-by-row conditions wait behind the count's fence", async () => {
    const filters: ContactFilter[] = [
      {},
      { tagIds: [tags.lead!], custom: [{ key: "score", type: "number", op: "gt", value: 3 }] },
      { tagIds: [tags.lead!], custom: [{ key: "score", type: "number", op: "lt", value: 5 }, { key: "city", type: "select", op: "eq", value: ["Natal"] }] },
      { search: "souza", custom: [{ key: "note", type: "text", op: "contains", value: "vip" }] },
      { excludeTagIds: [tags.vip!], custom: [{ key: "birthday", type: "date", op: "after", value: "1980-01-01" }] },
      { custom: [{ key: "ghost", type: "number", op: "gt", value: 1 }] },
    ];
    for (const filter of filters) {
      const listed = (await names(filter)).length;
      expect({ filter, count: await countContacts(db, orgId, filter) }).toEqual({ filter, count: listed });
      expect(await countContactsUpTo(db, orgId, filter, 1)).toEqual({ count: Math.min(listed, 1), capped: listed > 1 });
    }
  });

  it("never reaches into another organization", async () => {
    const foreignSegment = await insertSegment(db, otherOrgId, "Theirs", {});
    await expect(contactsMatching(db, orgId, { segmentId: foreignSegment.id })).rejects.toBeInstanceOf(SegmentNotFoundError);
    const foreignTag = await insertTag(db, otherOrgId, "Theirs");
    expect(await names({ tagIds: [foreignTag.id] })).toEqual([]);
    expect(await countContacts(db, orgId, {})).toBe(4);
    expect(await countContacts(db, otherOrgId, {})).toBe(1);
  });
});
