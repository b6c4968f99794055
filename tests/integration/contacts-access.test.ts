import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { startTestApp, type TestApp } from "../support/app-server.js";
import { insertContact, insertCustomField, insertSegment, insertTag, postEntries, tagContact } from "../support/contacts-factories.js";
import { addMember, createOrgWithOwner, TEST_PASSWORD } from "../support/factories.js";
import { type CrossOrgRequest, expectOtherOrgGets404 } from "../support/tenant-isolation.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const db = getDb();

describe("tenant isolation", () => {
  it("another organization's contact, tag, field and segment ids answer 404 on every contacts route, and change nothing", async () => {
    let victimIds: { contactId: string; tagId: string; fieldId: string; segmentId: string } | undefined;
    await expectOtherOrgGets404(
      app,
      db,
      async (victim): Promise<CrossOrgRequest[]> => {
        const contact = await insertContact(db, victim.org.id, { name: "Vítima", phone: "+5511999990000", email: "vitima@example.test" });
        const tag = await insertTag(db, victim.org.id, "Segredo", "#000000");
        await tagContact(db, victim.org.id, contact.id, tag.id);
        const field = await insertCustomField(db, victim.org.id, { key: "segredo", label: "Segredo", type: "text" });
        const segment = await insertSegment(db, victim.org.id, "Deles", { tagIds: [tag.id] });
        victimIds = { contactId: contact.id, tagId: tag.id, fieldId: field.id, segmentId: segment.id };
        const c = `/contacts/${contact.id}`;
        const s = `/contacts/segments/${segment.id}`;
        return [
          { method: "GET", path: c },
          { method: "GET", path: `${c}/edit` },
          { method: "GET", path: `${c}/delete` },
          { method: "GET", path: `${c}/erase` },
          { method: "GET", path: `${c}/export.json` },
          { method: "POST", path: c, form: { intent: "addTag", tagId: tag.id } },
          { method: "POST", path: c, form: { intent: "removeTag", tagId: tag.id } },
          { method: "POST", path: c, form: { intent: "optOut", source: "manual" } },
          { method: "POST", path: c, form: { intent: "optIn" } },
          { method: "POST", path: `${c}/edit`, form: { name: "Hijacked", phone: "+5511999990001" } },
          { method: "POST", path: `${c}/delete`, form: { confirm: "yes" } },
          { method: "POST", path: `${c}/erase`, form: { confirm: "yes" } },
          { method: "GET", path: `/contacts?segment=${segment.id}` },
          { method: "GET", path: `/contacts?tag=${tag.id}` },
          { method: "GET", path: `/contacts?notTag=${tag.id}` },
          { method: "GET", path: `/contacts/export.csv?segment=${segment.id}` },
          { method: "GET", path: `/contacts/export.csv?tag=${tag.id}` },
          { method: "GET", path: `/contacts/segments/count?segment=${segment.id}` },
          { method: "GET", path: `/contacts/segments/count?tag=${tag.id}` },
          { method: "GET", path: s },
          { method: "GET", path: `${s}/edit` },
          { method: "POST", path: `${s}/edit`, form: { name: "Hijacked" } },
          { method: "POST", path: `${s}/edit`, form: { intent: "delete" } },
          { method: "GET", path: `/contacts/segments/new?tag=${tag.id}` },
          { method: "POST", path: "/contacts/segments/new", form: { name: "Stolen", tag: tag.id } },
          { method: "POST", path: "/contacts?index", form: { intent: "bulk", action: "optOut", contactIds: contact.id } },
          { method: "POST", path: "/contacts?index", form: { intent: "bulk", action: "delete", confirm: "yes", contactIds: contact.id } },
          { method: "POST", path: "/contacts/tags", form: { intent: "update", tagId: tag.id, name: "Hijacked", color: "#ffffff" } },
          { method: "POST", path: "/contacts/tags", form: { intent: "delete", tagId: tag.id } },
          { method: "POST", path: "/contacts/fields", form: { intent: "update", fieldId: field.id, label: "Hijacked" } },
          { method: "POST", path: "/contacts/fields", form: { intent: "delete", fieldId: field.id } },
          // Not even a well-formed id: still a plain 404, never a database error.
          { method: "GET", path: "/contacts/not-a-uuid" },
          { method: "GET", path: "/contacts/segments/not-a-uuid" },
        ];
      },
      async (victim) => {
        const { contactId, tagId, fieldId, segmentId } = victimIds!;
        const contact = await db.selectFrom("contacts").select(["name", "phone", "opted_out", "erased_at"]).where("id", "=", contactId).executeTakeFirstOrThrow();
        expect(contact).toEqual({ name: "Vítima", phone: "+5511999990000", opted_out: false, erased_at: null });
        expect(await db.selectFrom("contact_tags").select("tag_id").where("contact_id", "=", contactId).execute()).toEqual([{ tag_id: tagId }]);
        expect(await db.selectFrom("tags").select(["name", "color"]).where("id", "=", tagId).executeTakeFirstOrThrow()).toEqual({ name: "Segredo", color: "#000000" });
        expect(await db.selectFrom("custom_fields").select("label").where("id", "=", fieldId).executeTakeFirstOrThrow()).toEqual({ label: "Segredo" });
        expect(await db.selectFrom("segments").select("name").where("id", "=", segmentId).executeTakeFirstOrThrow()).toEqual({ name: "Deles" });
        expect(await db.selectFrom("audit_log").select("action").where("org_id", "=", victim.org.id).execute()).toEqual([]);
      },
    );
  });

  it("a bulk action or tagging that mixes in another organization's ids changes nothing", async () => {
    const victim = await createOrgWithOwner(db, "victim-mix");
    const foreignContact = await insertContact(db, victim.org.id);
    const foreignTag = await insertTag(db, victim.org.id, "Deles");
    const { org, owner } = await createOrgWithOwner(db, "attacker-mix");
    const mine = await insertContact(db, org.id, { name: "Meu" });
    const myTag = await insertTag(db, org.id, "Minha");
    const client = app.client();
    await client.signIn(owner.email, TEST_PASSWORD);

    const mixed = await postEntries(client, "/contacts?index", [["intent", "bulk"], ["action", "optOut"], ["contactIds", mine.id], ["contactIds", foreignContact.id]]);
    expect(mixed.status).toBe(404);
    expect((await postEntries(client, "/contacts?index", [["intent", "bulk"], ["action", "addTag"], ["tagId", foreignTag.id], ["contactIds", mine.id]])).status).toBe(404);
    expect((await client.post(`/contacts/${mine.id}`, { intent: "addTag", tagId: foreignTag.id })).status).toBe(404);
    expect((await client.post(`/contacts/${mine.id}`, { intent: "removeTag", tagId: foreignTag.id })).status).toBe(404);
    expect((await client.post("/contacts/segments/new", { name: "Mix", tag: myTag.id, notTag: foreignTag.id })).status).toBe(404);
    expect((await db.selectFrom("contacts").select("opted_out").where("id", "=", mine.id).executeTakeFirstOrThrow()).opted_out).toBe(false);
    expect(await db.selectFrom("contact_tags").select("tag_id").where("contact_id", "=", mine.id).execute()).toEqual([]);
    expect(await db.selectFrom("segments").select("id").where("org_id", "=", org.id).execute()).toEqual([]);
  });
});

describe("roles", () => {
  it("a viewer reads contacts, tags and segments but cannot change or export anything", async () => {
    const { org } = await createOrgWithOwner(db, "viewer-org");
    const viewer = await addMember(db, org.id, "viewer");
    const contact = await insertContact(db, org.id, { name: "Lida" });
    const tag = await insertTag(db, org.id, "Lida");
    const field = await insertCustomField(db, org.id, { key: "k", type: "text" });
    const segment = await insertSegment(db, org.id, "Todos", {});
    const client = app.client();
    await client.signIn(viewer.email, TEST_PASSWORD);

    for (const path of ["/contacts", `/contacts/${contact.id}`, "/contacts/tags", "/contacts/segments", `/contacts/segments/${segment.id}`, "/contacts/segments/count"]) {
      expect({ path, status: (await client.get(path)).status }).toEqual({ path, status: 200 });
    }
    const list = await (await client.get("/contacts")).text();
    expect(list).not.toContain('href="/contacts/new"');
    expect(list).not.toContain('name="contactIds"');

    const forbidden: CrossOrgRequest[] = [
      { method: "GET", path: "/contacts/new" },
      { method: "POST", path: "/contacts/new", form: { phone: "11987654321" } },
      { method: "GET", path: `/contacts/${contact.id}/edit` },
      { method: "POST", path: `/contacts/${contact.id}/edit`, form: { name: "x", phone: "11987654321" } },
      { method: "POST", path: `/contacts/${contact.id}`, form: { intent: "optOut", source: "manual" } },
      { method: "POST", path: `/contacts/${contact.id}`, form: { intent: "addTag", tagId: tag.id } },
      { method: "POST", path: `/contacts/${contact.id}/delete`, form: { confirm: "yes" } },
      { method: "POST", path: `/contacts/${contact.id}/erase`, form: { confirm: "yes" } },
      { method: "GET", path: `/contacts/${contact.id}/export.json` },
      { method: "GET", path: "/contacts/export.csv" },
      { method: "POST", path: "/contacts?index", form: { intent: "bulk", action: "optOut", contactIds: contact.id } },
      { method: "POST", path: "/contacts/tags", form: { intent: "create", name: "Nova", color: "#000000" } },
      { method: "POST", path: "/contacts/tags", form: { intent: "delete", tagId: tag.id } },
      { method: "GET", path: "/contacts/segments/new" },
      { method: "POST", path: "/contacts/segments/new", form: { name: "Novo" } },
      { method: "POST", path: `/contacts/segments/${segment.id}/edit`, form: { intent: "delete" } },
      { method: "GET", path: "/contacts/fields" },
      { method: "POST", path: "/contacts/fields", form: { intent: "delete", fieldId: field.id } },
    ];
    for (const request of forbidden) {
      const response = request.method === "GET" ? await client.get(request.path) : await client.post(request.path, request.form ?? {});
      expect({ request, status: response.status }).toEqual({ request, status: 403 });
    }
    expect((await db.selectFrom("contacts").select(["name", "opted_out"]).where("id", "=", contact.id).executeTakeFirstOrThrow())).toEqual({ name: "Lida", opted_out: false });
    expect(await db.selectFrom("tags").select("id").where("org_id", "=", org.id).execute()).toHaveLength(1);
  });

  it("an agent works with contacts, tags and segments but cannot manage custom fields", async () => {
    const { org } = await createOrgWithOwner(db, "agent-org");
    const agent = await addMember(db, org.id, "agent");
    const client = app.client();
    await client.signIn(agent.email, TEST_PASSWORD);
    expect((await client.post("/contacts/new", { phone: "11987654321" })).status).toBe(302);
    expect((await client.post("/contacts/tags", { intent: "create", name: "Da agente", color: "#000000" })).status).toBe(302);
    expect((await client.post("/contacts/segments/new", { name: "Da agente" })).status).toBe(302);
    expect((await client.get("/contacts/fields")).status).toBe(403);
    expect((await client.post("/contacts/fields", { intent: "create", label: "Cidade", type: "text" })).status).toBe(403);
    expect(await (await client.get("/contacts")).text()).not.toContain('href="/contacts/fields"');
  });
});
