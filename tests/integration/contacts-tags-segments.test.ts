import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { contactsCsvStream, type CsvLabels } from "../../app/modules/contacts/contacts-csv.server.js";
import { listCustomFields } from "../../app/modules/contacts/custom-fields.server.js";
import { startTestApp, type TestApp } from "../support/app-server.js";
import { insertContact, insertCustomField, insertTag, postEntries, tagContact } from "../support/contacts-factories.js";
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

const tagsOf = async (contactId: string) =>
  (await db.selectFrom("contact_tags").innerJoin("tags", "tags.id", "contact_tags.tag_id").select("tags.name").where("contact_id", "=", contactId).orderBy("tags.name").execute()).map((row) => row.name);

describe("tags", () => {
  it("creates, renames, recolors and deletes tags; tags and untags a contact", async () => {
    const { org, client } = await ownerClient("tags");
    expect((await client.post("/contacts/tags", { intent: "create", name: "Atacado", color: "#FF0000" })).status).toBe(302);
    const tag = await db.selectFrom("tags").selectAll().where("org_id", "=", org.id).executeTakeFirstOrThrow();
    expect(tag).toMatchObject({ name: "Atacado", color: "#ff0000" });
    const duplicate = await client.post("/contacts/tags", { intent: "create", name: "atacado", color: "#00ff00" });
    expect(duplicate.status).toBe(409);
    expect(await duplicate.text()).toContain("Já existe uma tag com este nome.");
    expect((await client.post("/contacts/tags", { intent: "create", name: "", color: "#00ff00" })).status).toBe(400);
    expect((await client.post("/contacts/tags", { intent: "update", tagId: tag.id, name: "Varejo", color: "not-a-color" })).status).toBe(400);
    expect((await client.post("/contacts/tags", { intent: "update", tagId: tag.id, name: "Varejo", color: "#123456" })).status).toBe(302);
    expect(await db.selectFrom("tags").select(["name", "color"]).where("id", "=", tag.id).executeTakeFirstOrThrow()).toEqual({ name: "Varejo", color: "#123456" });

    const contact = await insertContact(db, org.id, { name: "Tagged" });
    expect((await client.post(`/contacts/${contact.id}`, { intent: "addTag", tagId: tag.id })).status).toBe(302);
    expect((await client.post(`/contacts/${contact.id}`, { intent: "addTag", tagId: tag.id })).status).toBe(302); // idempotent
    expect(await tagsOf(contact.id)).toEqual(["Varejo"]);
    expect(await (await client.get("/contacts/tags")).text()).toContain("1 contato");
    expect((await client.post(`/contacts/${contact.id}`, { intent: "removeTag", tagId: tag.id })).status).toBe(302);
    expect(await tagsOf(contact.id)).toEqual([]);

    await tagContact(db, org.id, contact.id, tag.id);
    expect((await client.post("/contacts/tags", { intent: "delete", tagId: tag.id })).status).toBe(302);
    expect(await tagsOf(contact.id)).toEqual([]);
    const audit = await db.selectFrom("audit_log").select(["action", "metadata"]).where("org_id", "=", org.id).where("target_id", "=", tag.id).executeTakeFirstOrThrow();
    expect(audit).toEqual({ action: "tag.deleted", metadata: { name: "Varejo", contactCount: 1 } });
  });
});

describe("bulk actions", () => {
  it("tags, untags, opts out and deletes the selected contacts, audited with counts", async () => {
    const { org, client } = await ownerClient("bulk");
    const [a, b, c] = await Promise.all([insertContact(db, org.id, { name: "A" }), insertContact(db, org.id, { name: "B" }), insertContact(db, org.id, { name: "C" })]);
    const tag = await insertTag(db, org.id, "Promo");
    await tagContact(db, org.id, a.id, tag.id);

    const tagged = await postEntries(client, "/contacts?index", [["intent", "bulk"], ["action", "addTag"], ["tagId", tag.id], ["contactIds", a.id], ["contactIds", b.id], ["returnTo", "?q=x"]]);
    expect(tagged.status).toBe(302);
    expect(tagged.headers.get("location")).toBe("/contacts?q=x");
    expect([await tagsOf(a.id), await tagsOf(b.id), await tagsOf(c.id)]).toEqual([["Promo"], ["Promo"], []]);

    const noTag = await postEntries(client, "/contacts?index", [["intent", "bulk"], ["action", "addTag"], ["contactIds", a.id]]);
    expect(noTag.status).toBe(400);
    expect(await noTag.text()).toContain("Escolha a tag.");
    const noneSelected = await postEntries(client, "/contacts?index", [["intent", "bulk"], ["action", "optOut"]]);
    expect(noneSelected.status).toBe(400);
    expect(await noneSelected.text()).toContain("Selecione ao menos um contato na lista.");

    expect((await postEntries(client, "/contacts?index", [["intent", "bulk"], ["action", "removeTag"], ["tagId", tag.id], ["contactIds", a.id], ["contactIds", c.id]])).status).toBe(302);
    expect([await tagsOf(a.id), await tagsOf(b.id)]).toEqual([[], ["Promo"]]);
    expect((await postEntries(client, "/contacts?index", [["intent", "bulk"], ["action", "optOut"], ["contactIds", b.id], ["contactIds", c.id]])).status).toBe(302);
    const optedOut = await db.selectFrom("contacts").select(["name", "opted_out", "opt_out_source"]).where("org_id", "=", org.id).orderBy("name").execute();
    expect(optedOut).toEqual([
      { name: "A", opted_out: false, opt_out_source: null },
      { name: "B", opted_out: true, opt_out_source: "manual" },
      { name: "C", opted_out: true, opt_out_source: "manual" },
    ]);

    const unconfirmed = await postEntries(client, "/contacts?index", [["intent", "bulk"], ["action", "delete"], ["contactIds", a.id]]);
    expect(unconfirmed.status).toBe(400);
    const deleted = await postEntries(client, "/contacts?index", [["intent", "bulk"], ["action", "delete"], ["confirm", "yes"], ["contactIds", a.id], ["contactIds", c.id]]);
    expect(deleted.status).toBe(302);
    expect((await db.selectFrom("contacts").select("name").where("org_id", "=", org.id).execute()).map((row) => row.name)).toEqual(["B"]);

    const audit = await db.selectFrom("audit_log").select(["action", "metadata"]).where("org_id", "=", org.id).orderBy("id").execute();
    expect(audit.map(({ action, metadata }) => ({ action, selected: (metadata as { selected: number }).selected, changed: (metadata as { changed: number }).changed }))).toEqual([
      { action: "contacts.bulkTagged", selected: 2, changed: 1 },
      { action: "contacts.bulkUntagged", selected: 2, changed: 1 },
      { action: "contacts.bulkOptedOut", selected: 2, changed: 2 },
      { action: "contacts.bulkDeleted", selected: 2, changed: 2 },
    ]);
  });
});

describe("segments", () => {
  it("builds a segment without JS (preview, then save), counts it live, lists it with its contacts", async () => {
    const { org, client } = await ownerClient("segments");
    await insertCustomField(db, org.id, { key: "pontos", label: "Pontos", type: "number" });
    const vip = await insertTag(db, org.id, "VIP");
    const rich = await insertContact(db, org.id, { name: "Rica", attributes: { pontos: 900 } });
    const poor = await insertContact(db, org.id, { name: "Pobre", attributes: { pontos: 10 } });
    await insertContact(db, org.id, { name: "Sem tag", attributes: { pontos: 5000 } });
    await tagContact(db, org.id, rich.id, vip.id);
    await tagContact(db, org.id, poor.id, vip.id);

    const query = new URLSearchParams({ name: "VIPs ricos", tag: vip.id, "cf.pontos.op": "gt", "cf.pontos.value": "100", preview: "1" });
    const preview = await client.get(`/contacts/segments/new?${query}`);
    expect(preview.status).toBe(200);
    const previewHtml = await preview.text();
    expect(previewHtml).toContain("1 contato corresponde a este filtro.");
    expect(previewHtml).toContain('value="VIPs ricos"');

    const count = await client.get(`/contacts/segments/count?tag=${vip.id}`);
    expect(await count.json()).toEqual({ count: 2 });
    expect((await client.get("/contacts/segments/count?from=ontem")).status).toBe(400);

    const unnamed = await client.post("/contacts/segments/new", { name: "", tag: vip.id });
    expect(unnamed.status).toBe(400);
    expect(await unnamed.text()).toContain("Campo obrigatório.");
    const saved = await client.post("/contacts/segments/new", { name: "VIPs ricos", tag: vip.id, "cf.pontos.op": "gt", "cf.pontos.value": "100" });
    expect(saved.status).toBe(302);
    const segmentId = saved.headers.get("location")!.split("/").pop()!;
    const row = await db.selectFrom("segments").select(["name", "filter"]).where("id", "=", segmentId).executeTakeFirstOrThrow();
    expect(row).toEqual({ name: "VIPs ricos", filter: { tagIds: [vip.id], custom: [{ key: "pontos", type: "number", op: "gt", value: 100 }] } });

    const page = await (await client.get(`/contacts/segments/${segmentId}`)).text();
    expect(page).toContain("Rica");
    expect(page).not.toContain("Pobre");
    expect(await (await client.get("/contacts/segments")).text()).toMatch(/VIPs ricos[\s\S]*1 contato/);
    expect(await (await client.get(`/contacts?segment=${segmentId}`)).text()).toContain("Rica");
    expect(await (await client.get(`/contacts/segments/count?segment=${segmentId}`)).json()).toEqual({ count: 1 });

    // Edit shows the saved filter, saves a new one, then delete is audited.
    const edit = await (await client.get(`/contacts/segments/${segmentId}/edit`)).text();
    expect(edit).toContain('value="100"');
    expect((await client.post(`/contacts/segments/${segmentId}/edit`, { name: "Todos VIP", tag: vip.id })).status).toBe(302);
    expect(await (await client.get(`/contacts/segments/count?segment=${segmentId}`)).json()).toEqual({ count: 2 });
    expect((await client.post(`/contacts/segments/${segmentId}/edit`, { intent: "delete" })).status).toBe(302);
    expect(await db.selectFrom("segments").select("id").where("id", "=", segmentId).executeTakeFirst()).toBeUndefined();
    expect((await db.selectFrom("audit_log").select("action").where("target_id", "=", segmentId).executeTakeFirstOrThrow()).action).toBe("segment.deleted");
  });
});

describe("custom fields admin", () => {
  it("creates fields with derived keys, refuses bad definitions, and deleting one erases its values", async () => {
    const { org, client } = await ownerClient("fields-admin");
    // As a browser posts it: every input present, the optional ones empty.
    expect((await client.post("/contacts/fields", { intent: "create", label: "Data de Nascimento", key: "", type: "date", options: "" })).status).toBe(302);
    expect((await client.post("/contacts/fields", { intent: "create", label: "Plano", key: " ", type: "select", options: "Ouro\r\nPrata\nOuro\n" })).status).toBe(302);
    const fields = await listCustomFields(db, org.id);
    expect(fields.map(({ key, type, options }) => ({ key, type, options }))).toEqual([
      { key: "data_de_nascimento", type: "date", options: [] },
      { key: "plano", type: "select", options: ["Ouro", "Prata"] },
    ]);
    const noOptions = await client.post("/contacts/fields", { intent: "create", label: "Nível", type: "select", options: "" });
    expect(noOptions.status).toBe(400);
    expect(await noOptions.text()).toContain("Informe ao menos uma opção.");
    expect((await client.post("/contacts/fields", { intent: "create", label: "Outro plano", key: "plano", type: "text" })).status).toBe(409);
    expect((await client.post("/contacts/fields", { intent: "create", label: "x", key: "Bad Key", type: "text" })).status).toBe(400);

    const plano = fields[1]!;
    expect((await client.post("/contacts/fields", { intent: "update", fieldId: plano.id, label: "Plano contratado", options: "Ouro\nPrata\nBronze", position: "" })).status).toBe(302);
    expect((await db.selectFrom("custom_fields").select(["label", "position", "options"]).where("id", "=", plano.id).executeTakeFirstOrThrow())).toEqual({ label: "Plano contratado", position: 1, options: ["Ouro", "Prata", "Bronze"] });
    const contact = await insertContact(db, org.id, { attributes: { plano: "Ouro", data_de_nascimento: "1990-01-01" } });
    expect((await client.post("/contacts/fields", { intent: "delete", fieldId: plano.id })).status).toBe(302);
    expect((await db.selectFrom("contacts").select("attributes").where("id", "=", contact.id).executeTakeFirstOrThrow()).attributes).toEqual({ data_de_nascimento: "1990-01-01" });
    const audit = await db.selectFrom("audit_log").select(["action", "metadata"]).where("target_id", "=", plano.id).executeTakeFirstOrThrow();
    expect(audit).toEqual({ action: "customField.deleted", metadata: { key: "plano", label: "Plano contratado", clearedContacts: 1 } });
  });
});

describe("CSV export", () => {
  it("streams the filtered list with a BOM, escaping, tags and custom field columns, in either delimiter", async () => {
    const { org, client } = await ownerClient("csv");
    await insertCustomField(db, org.id, { key: "pontos", label: "Pontos", type: "number" });
    await insertCustomField(db, org.id, { key: "obs", label: "Observação", type: "text" });
    const tag = await insertTag(db, org.id, "Clientes, 2025");
    const tricky = await insertContact(db, org.id, { name: 'Zé "Tricky", da Silva', phone: "+5511987000001", email: "ze@exemplo.com", attributes: { pontos: 1234.5, obs: "linha 1\nlinha 2" } });
    const formula = await insertContact(db, org.id, { name: "=HYPERLINK(\"http://evil\")", phone: "+5511987000002", attributes: { obs: "@SUM(A1)" } });
    await insertContact(db, org.id, { name: "Fora do filtro", phone: "+5511987000003" });
    await tagContact(db, org.id, tricky.id, tag.id);
    await tagContact(db, org.id, formula.id, tag.id);

    const response = await client.get(`/contacts/export.csv?tag=${tag.id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="contatos-\d{4}-\d{2}-\d{2}\.csv"$/);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(new TextDecoder().decode(bytes), { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(2);
    const byId = Object.fromEntries(rows.map((row) => [row.ID, row]));
    expect(byId[tricky.id]).toMatchObject({ Nome: 'Zé "Tricky", da Silva', Telefone: "+5511987000001", "E-mail": "ze@exemplo.com", Tags: "Clientes, 2025", Descadastrado: "não", Pontos: "1234.5", Observação: "linha 1\nlinha 2" });
    expect(byId[formula.id]).toMatchObject({ Nome: "'=HYPERLINK(\"http://evil\")", Observação: "'@SUM(A1)" });

    const semicolon = await (await client.get(`/contacts/export.csv?tag=${tag.id}&delimiter=semicolon`)).text();
    const semicolonRows = parse(semicolon, { bom: true, columns: true, delimiter: ";" }) as Array<Record<string, string>>;
    expect(semicolonRows.find((row) => row.ID === tricky.id)).toMatchObject({ Nome: 'Zé "Tricky", da Silva', Pontos: "1234,5" });

    expect((await client.get("/contacts/export.csv?from=bad")).status).toBe(400);
    expect((await db.selectFrom("audit_log").select("action").where("org_id", "=", org.id).where("action", "=", "contacts.exported").execute()).length).toBe(2);
  });

  it("walks keyset batches without losing or repeating rows", async () => {
    const { org } = await createOrgWithOwner(db, "csv-batches");
    for (let index = 0; index < 7; index++) await insertContact(db, org.id, { name: `P${index}`, created_at: new Date("2025-05-01T00:00:00Z") });
    const labels = Object.fromEntries(["name", "phone", "email", "tags", "optedOut", "optedOutAt", "optOutReason", "optOutSource", "createdAt", "id", "yes", "no"].map((key) => [key, key])) as CsvLabels;
    const stream = await contactsCsvStream(db, org.id, {}, { delimiter: ",", fields: [], labels, timezone: "America/Sao_Paulo", batchSize: 3 });
    const text = await new Response(stream).text();
    const rows = parse(text, { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(rows.map((row) => row.name).sort()).toEqual(["P0", "P1", "P2", "P3", "P4", "P5", "P6"]);
    expect(new Set(rows.map((row) => row.id)).size).toBe(7);
    expect(rows[0]!.createdAt).toBe("2025-04-30 21:00:00");
  });
});
