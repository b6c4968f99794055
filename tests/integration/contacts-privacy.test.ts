import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { startTestApp, type TestApp } from "../support/app-server.js";
import { insertContact, insertCustomField, insertLead, insertTag, tagContact } from "../support/contacts-factories.js";
import { createOrgWithOwner, TEST_PASSWORD } from "../support/factories.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const db = getDb();

async function ownerClient(label: string) {
  const { org, owner } = await createOrgWithOwner(db, label);
  const client = app.client();
  await client.signIn(owner.email, TEST_PASSWORD);
  return { org, owner, client };
}

const auditActions = async (orgId: string, targetId: string) =>
  (await db.selectFrom("audit_log").select("action").where("org_id", "=", orgId).where("target_id", "=", targetId).orderBy("id").execute()).map((entry) => entry.action);

describe("opt-out", () => {
  it("records flag, reason, time and source; shows it on the list and the detail; and clears it", async () => {
    const { org, client } = await ownerClient("optout");
    const contact = await insertContact(db, org.id, { name: "Rita Optout" });
    const before = Date.now();
    const response = await client.post(`/contacts/${contact.id}`, { intent: "optOut", reason: "Respondeu SAIR", source: "keyword" });
    expect(response.status).toBe(302);
    const row = await db.selectFrom("contacts").select(["opted_out", "opted_out_at", "opt_out_reason", "opt_out_source"]).where("id", "=", contact.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ opted_out: true, opt_out_reason: "Respondeu SAIR", opt_out_source: "keyword" });
    expect(row.opted_out_at!.getTime()).toBeGreaterThanOrEqual(before - 1000);

    const detail = await (await client.get(`/contacts/${contact.id}`)).text();
    expect(detail).toContain("Este contato pediu para não receber mensagens.");
    expect(detail).toContain("Respondeu SAIR");
    expect(detail).toContain("Palavra-chave (ex.: SAIR)");
    const list = await (await client.get("/contacts?optedOut=yes")).text();
    expect(list).toContain("Rita Optout");
    expect(list).toContain("Descadastrado");

    const badSource = await client.post(`/contacts/${contact.id}`, { intent: "optOut", source: "carrier-pigeon" });
    expect(badSource.status).toBe(400);

    expect((await client.post(`/contacts/${contact.id}`, { intent: "optIn" })).status).toBe(302);
    const cleared = await db.selectFrom("contacts").select(["opted_out", "opted_out_at", "opt_out_reason", "opt_out_source"]).where("id", "=", contact.id).executeTakeFirstOrThrow();
    expect(cleared).toEqual({ opted_out: false, opted_out_at: null, opt_out_reason: null, opt_out_source: null });
    expect(await auditActions(org.id, contact.id)).toEqual(["contact.optedOut", "contact.optedIn"]);
  });
});

describe("LGPD", () => {
  async function arrange(label: string) {
    const context = await ownerClient(label);
    const { org } = context;
    await insertCustomField(db, org.id, { key: "cidade", label: "Cidade", type: "text" });
    const contact = await insertContact(db, org.id, { name: "Joana Dados", phone: "+5511955554444", email: "joana@exemplo.com", attributes: { cidade: "Olinda" } });
    const tag = await insertTag(db, org.id, "Cliente");
    await tagContact(db, org.id, contact.id, tag.id);
    const lead = await insertLead(db, org.id, contact.id, "Festa de aniversário");
    return { ...context, contact, tag, lead };
  }

  it("exports everything held about a contact as a JSON download, and audits it", async () => {
    const { org, client, contact, lead } = await arrange("export");
    await client.post(`/contacts/${contact.id}`, { intent: "optOut", reason: "pediu", source: "manual" });
    const response = await client.get(`/contacts/${contact.id}/export.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="contato-${contact.id}.json"`);
    const data = await response.json();
    expect(data.contact).toMatchObject({ id: contact.id, name: "Joana Dados", phone: "+5511955554444", email: "joana@exemplo.com", optedOut: true, optOutReason: "pediu" });
    expect(data.customFields).toEqual([{ key: "cidade", label: "Cidade", type: "text", value: "Olinda" }]);
    expect(data.tags.map((tag: { name: string }) => tag.name)).toEqual(["Cliente"]);
    expect(data.leads).toHaveLength(1);
    expect(data.leads[0]).toMatchObject({ id: lead.leadId, title: "Festa de aniversário", pipeline: "Vendas", stage: "Proposta", status: "open", valueCents: 150000 });
    expect(data.leads[0].events).toEqual([expect.objectContaining({ type: "created", toStage: "Proposta", actorType: "user", reason: "primeiro contato" })]);
    expect(data.auditLog.map((entry: { action: string }) => entry.action)).toEqual(["contact.optedOut"]);
    expect(await auditActions(org.id, contact.id)).toEqual(["contact.optedOut", "contact.exported"]);
  });

  it("erases personal data but keeps the row, its id and lead history", async () => {
    const { org, client, contact, lead } = await arrange("erase");
    const countBefore = await db.selectFrom("contacts").select((eb) => eb.fn.countAll<number>().as("n")).where("org_id", "=", org.id).executeTakeFirstOrThrow();

    await db.insertInto("contact_identities").values({ org_id: org.id, contact_id: contact.id, kind: "wa_lid", value: "98765432101234@lid" }).execute();
    const unconfirmed = await client.post(`/contacts/${contact.id}/erase`, {});
    expect(unconfirmed.status).toBe(400);
    expect(await unconfirmed.text()).toContain("Marque a confirmação para continuar.");
    const erased = await client.post(`/contacts/${contact.id}/erase`, { confirm: "yes" });
    expect(erased.status).toBe(302);
    expect(erased.headers.get("location")).toBe(`/contacts/${contact.id}`);

    const row = await db.selectFrom("contacts").selectAll().where("id", "=", contact.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: "", phone: null, email: null, attributes: {}, opted_out: true, opt_out_reason: null });
    expect(row.erased_at).not.toBeNull();
    expect(row.search_text?.trim()).toBe("");
    const serialized = JSON.stringify(row).toLowerCase();
    for (const personal of ["joana", "5511955554444", "exemplo.com", "olinda"]) expect(serialized).not.toContain(personal);
    expect(await db.selectFrom("contact_tags").select("tag_id").where("contact_id", "=", contact.id).execute()).toEqual([]);
    expect(await db.selectFrom("contact_identities").select("value").where("contact_id", "=", contact.id).execute()).toEqual([]);

    const countAfter = await db.selectFrom("contacts").select((eb) => eb.fn.countAll<number>().as("n")).where("org_id", "=", org.id).executeTakeFirstOrThrow();
    expect(countAfter.n).toBe(countBefore.n);
    const keptLead = await db.selectFrom("leads").select("contact_id").where("id", "=", lead.leadId).executeTakeFirstOrThrow();
    expect(keptLead.contact_id).toBe(contact.id);
    expect(await auditActions(org.id, contact.id)).toEqual(["contact.erased"]);

    // Gone from lists and searches; the detail page says what happened; it cannot be edited or re-tagged.
    expect(await (await client.get("/contacts")).text()).not.toContain(contact.id);
    expect(await (await client.get(`/contacts/${contact.id}`)).text()).toContain("Os dados pessoais deste contato foram apagados");
    expect((await client.get(`/contacts/${contact.id}/edit`)).status).toBe(404);
    expect((await client.post(`/contacts/${contact.id}`, { intent: "optIn" })).status).toBe(404);
    // Erasing twice is harmless.
    expect((await client.post(`/contacts/${contact.id}/erase`, { confirm: "yes" })).status).toBe(302);
  });

  it("deletes a contact only after confirmation, keeps its leads, and audits it", async () => {
    const { org, client, contact, lead } = await arrange("delete");
    expect((await client.get(`/contacts/${contact.id}/delete`)).status).toBe(200);
    expect((await client.post(`/contacts/${contact.id}/delete`, {})).status).toBe(400);
    expect(await db.selectFrom("contacts").select("id").where("id", "=", contact.id).executeTakeFirst()).toBeDefined();
    const deleted = await client.post(`/contacts/${contact.id}/delete`, { confirm: "yes" });
    expect(deleted.status).toBe(302);
    expect(deleted.headers.get("location")).toBe("/contacts");
    expect(await db.selectFrom("contacts").select("id").where("id", "=", contact.id).executeTakeFirst()).toBeUndefined();
    expect((await db.selectFrom("leads").select("contact_id").where("id", "=", lead.leadId).executeTakeFirstOrThrow()).contact_id).toBeNull();
    const audit = await db.selectFrom("audit_log").select(["action", "actor_type", "metadata"]).where("org_id", "=", org.id).where("target_id", "=", contact.id).execute();
    expect(audit).toEqual([{ action: "contact.deleted", actor_type: "user", metadata: {} }]);
    expect((await client.get(`/contacts/${contact.id}`)).status).toBe(404);
  });
});
