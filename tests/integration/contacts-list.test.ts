import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { startTestApp, type TestApp, type TestClient } from "../support/app-server.js";
import { contactIdsIn, insertContact, insertCustomField, insertTag, tagContact } from "../support/contacts-factories.js";
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

const decode = (html: string) => html.replaceAll("&amp;", "&").replaceAll("&quot;", '"').replaceAll("&#x27;", "'");
const linkWithRel = (html: string, rel: "next" | "prev") =>
  decode(html)
    .match(/<a [^>]*>/g)
    ?.find((tag) => tag.includes(`rel="${rel}"`))
    ?.match(/href="([^"]+)"/)?.[1];

describe("contacts list", () => {
  it("pages through 120 contacts with keyset links, newest first, with no gaps or repeats", async () => {
    const { org, client } = await ownerClient("paging");
    // Same created_at for a batch of rows: the id breaks the tie.
    await sql`INSERT INTO contacts (org_id, name, phone, created_at)
      SELECT ${org.id}::uuid, 'Pessoa ' || lpad(n::text, 3, '0'), '+5511' || (900000000 + n)::text,
             timestamptz '2025-03-01 12:00Z' + ((n / 7) * interval '1 minute')
      FROM generate_series(1, 120) AS n`.execute(db);
    const expected = (await db.selectFrom("contacts").select("id").where("org_id", "=", org.id).orderBy("created_at", "desc").orderBy("id", "desc").execute()).map((row) => row.id);

    const seen: string[] = [];
    let path: string | undefined = "/contacts";
    const pages: string[] = [];
    while (path) {
      const response = await client.get(path);
      expect(response.status).toBe(200);
      const html = await response.text();
      pages.push(path);
      seen.push(...contactIdsIn(html));
      path = linkWithRel(html, "next");
    }
    expect(pages).toHaveLength(3);
    expect(seen).toEqual(expected);

    // "Previous" from the last page returns exactly the middle page.
    const last = await (await client.get(pages[2]!)).text();
    const previous = await (await client.get(linkWithRel(last, "prev")!)).text();
    expect(contactIdsIn(previous)).toEqual(expected.slice(50, 100));
    expect(await (await client.get("/contacts")).text()).toContain("120 contatos");
    // A tampered cursor shows the first page instead of failing.
    expect(contactIdsIn(await (await client.get("/contacts?after=bm9wZQ")).text())).toEqual(expected.slice(0, 50));
  });

  it("searches and filters with GET params, and explains bad ones beside the field", async () => {
    const { org, client } = await ownerClient("search");
    const ana = await insertContact(db, org.id, { name: "Ana Prado", phone: "+5511987654321", email: "ana@padaria.com.br", attributes: { plano: "Ouro" } });
    const bia = await insertContact(db, org.id, { name: "Bia Reis", phone: "+5521912345678", email: "bia@exemplo.com", opted_out: true });
    await insertCustomField(db, org.id, { key: "plano", label: "Plano", type: "select", options: ["Ouro", "Prata"] });
    const vip = await insertTag(db, org.id, "VIP", "#f59e0b");
    await tagContact(db, org.id, ana.id, vip.id);

    const ids = async (query: string) => contactIdsIn(await (await client.get(`/contacts?${query}`)).text());
    expect(await ids("q=prado")).toEqual([ana.id]);
    expect(await ids(`q=${encodeURIComponent("(21) 91234")}`)).toEqual([bia.id]);
    expect(await ids("q=padaria.com")).toEqual([ana.id]);
    expect(await ids(`tag=${vip.id}`)).toEqual([ana.id]);
    expect(await ids("optedOut=yes")).toEqual([bia.id]);
    expect(await ids("cf.plano.op=eq&cf.plano.value=Ouro")).toEqual([ana.id]);
    // An empty GET form submission is "no filter".
    const emptyForm = "q=&segment=&optedOut=&from=&to=&tagMode=any&cf.plano.op=";
    expect(await ids(emptyForm)).toHaveLength(2);
    const unfiltered = await (await client.get(`/contacts?${emptyForm}`)).text();
    expect(unfiltered).toContain("2 contatos<");
    expect(unfiltered).not.toContain("Limpar filtros");

    const page = await (await client.get("/contacts")).text();
    expect(page).toContain('href="/imports/new"');
    expect(page.match(/<span [^>]*data-testid="tag-chip"[^>]*>/)?.[0]).toContain("background-color:#f59e0b");
    expect(page).toContain("Descadastrado");

    const bad = await client.get("/contacts?from=2025-02-30&cf.plano.op=eq");
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toContain("Data inválida.");
    expect(badHtml).toContain("Informe um valor para esta condição.");
  });
});

describe("creating and editing contacts", () => {
  async function create(client: TestClient, form: Record<string, string>) {
    return client.post("/contacts/new", form);
  }

  it("stores a loosely typed Brazilian number as E.164 and refuses bad input beside the field", async () => {
    const { org, client } = await ownerClient("create");
    const created = await create(client, { name: "Carlos", phone: "(11) 98765-4321", email: "Carlos@Oficina.com" });
    expect(created.status).toBe(302);
    const id = created.headers.get("location")!.split("/").pop()!;
    const row = await db.selectFrom("contacts").select(["phone", "email", "org_id"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(row).toEqual({ phone: "+5511987654321", email: "carlos@oficina.com", org_id: org.id });
    expect(await (await client.get(`/contacts/${id}`)).text()).toContain("(11) 98765-4321");

    const invalid = await create(client, { name: "X", phone: "123" });
    expect(invalid.status).toBe(400);
    expect(await invalid.text()).toContain("Telefone inválido. Confira o DDD e a quantidade de dígitos.");

    const duplicate = await create(client, { name: "Outro", phone: "+55 11 98765 4321" });
    expect(duplicate.status).toBe(409);
    const duplicateHtml = await duplicate.text();
    expect(duplicateHtml).toContain("Já existe um contato com este telefone.");
    expect(duplicateHtml).toContain(`href="/contacts/${id}"`);

    const badEmail = await create(client, { name: "Y", phone: "11912345678", email: "y@" });
    expect(badEmail.status).toBe(400);
    expect(await badEmail.text()).toContain("Informe um e-mail válido.");
    const nothing = await create(client, { name: "Só nome" });
    expect(nothing.status).toBe(400);
    expect(await nothing.text()).toContain("Informe um telefone ou um e-mail.");

    // The same phone is fine in another organization.
    const other = await ownerClient("create-other");
    expect((await create(other.client, { phone: "11 98765-4321" })).status).toBe(302);
    expect(await db.selectFrom("contacts").select("phone").where("org_id", "=", other.org.id).execute()).toEqual([{ phone: "+5511987654321" }]);
  });

  it("reads national numbers in the organization's country", async () => {
    const { org, client } = await ownerClient("usa");
    await db.updateTable("organizations").set({ country: "US" }).where("id", "=", org.id).execute();
    expect((await create(client, { phone: "(415) 555-2671" })).status).toBe(302);
    expect((await db.selectFrom("contacts").select("phone").where("org_id", "=", org.id).executeTakeFirstOrThrow()).phone).toBe("+14155552671");
  });

  it("validates custom fields by type, stores typed JSON, and clears emptied ones on edit", async () => {
    const { org, client } = await ownerClient("fields");
    await insertCustomField(db, org.id, { key: "pontos", label: "Pontos", type: "number" });
    await insertCustomField(db, org.id, { key: "desde", label: "Cliente desde", type: "date" });
    await insertCustomField(db, org.id, { key: "plano", label: "Plano", type: "select", options: ["Ouro", "Prata"] });

    const bad = await create(client, { phone: "11987650000", "attr.pontos": "muitos", "attr.desde": "31/02/2024", "attr.plano": "Bronze" });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain("Informe um número (ex.: 1234,50).");
    expect(html).toContain("Informe uma data válida (dd/mm/aaaa).");
    expect(html).toContain("Escolha uma das opções do campo.");
    expect(html).toContain('value="muitos"'); // what was typed stays in the form

    const good = await create(client, { phone: "11987650000", "attr.pontos": "1.234,5", "attr.desde": "05/03/2024", "attr.plano": "ouro" });
    expect(good.status).toBe(302);
    const id = good.headers.get("location")!.split("/").pop()!;
    const row = await db.selectFrom("contacts").select("attributes").where("id", "=", id).executeTakeFirstOrThrow();
    expect(row.attributes).toEqual({ pontos: 1234.5, desde: "2024-03-05", plano: "Ouro" });

    const edited = await client.post(`/contacts/${id}/edit`, { name: "Editado", phone: "11987650000", "attr.pontos": "", "attr.desde": "2024-03-05", "attr.plano": "Prata" });
    expect(edited.status).toBe(302);
    const after = await db.selectFrom("contacts").select(["name", "attributes"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(after).toEqual({ name: "Editado", attributes: { desde: "2024-03-05", plano: "Prata" } });

    // Editing into another contact's phone is refused with a link to that contact.
    const other = await insertContact(db, org.id, { phone: "+5511911112222" });
    const clash = await client.post(`/contacts/${id}/edit`, { phone: "(11) 91111-2222" });
    expect(clash.status).toBe(409);
    expect(await clash.text()).toContain(`href="/contacts/${other.id}"`);
  });
});
