import http from "node:http";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { MAX_IMPORT_BYTES } from "../../app/modules/imports/import-file.server.js";
import { findImport } from "../../app/modules/imports/imports.server.js";
import { runContactImport } from "../../app/modules/imports/run-import.server.js";
import { startWorker } from "../../workers/runner.js";
import { testAppForThisFile, type TestClient } from "../support/app-server.js";
import { addMember, createOrgWithOwner } from "../support/factories.js";
import { latin1, storeCsv, utf8 } from "../support/imports-factories.js";
import { expectOtherOrgGets404 } from "../support/tenant-isolation.js";

const app = testAppForThisFile();
const signedIn = app.signedIn;


function upload(client: TestClient, bytes: Uint8Array | null, filename = "clientes.csv") {
  const form = new FormData();
  form.append("intent", "upload");
  if (bytes) form.append("file", new Blob([new Uint8Array(bytes)], { type: "text/csv" }), filename);
  return client.request("POST", "/imports/new", { body: form });
}

async function uploadedId(client: TestClient, bytes: Uint8Array) {
  const response = await upload(client, bytes);
  expect(response.status).toBe(302);
  const location = response.headers.get("location")!;
  expect(location).toMatch(/^\/imports\/[0-9a-f-]{36}$/);
  return location.split("/").pop()!;
}

function jobsFor(importId: string) {
  return sql<{ count: number }>`SELECT count(*)::int AS count FROM graphile_worker.jobs WHERE key = ${`contactImport.run:${importId}`}`.execute(getDb());
}

const brazilianExcel = latin1(
  [
    "Nome;Celular;E-mail;Observação",
    "José da Silva;(11) 98765-4321;jose@example.com;cliente antigo",
    'Maria Conceição;11 91234-5678;;"mora em\r\nSão Paulo"',
    "Sem Número;;x@example.com;",
    "José de novo;+55 11 98765-4321;;repetido",
    "",
  ].join("\r\n"),
);

describe("CSV import over HTTP", () => {
  it("upload → mapping → job → report and downloadable errors, without JavaScript", async () => {
    const db = getDb();
    const { org, owner } = await createOrgWithOwner(db, "importer");
    const client = await signedIn(owner.email);
    expect((await client.get("/imports/new")).status).toBe(200);
    const importId = await uploadedId(client, brazilianExcel);

    const mappingPage = await (await client.get(`/imports/${importId}`)).text();
    expect(mappingPage).toContain("Observação");
    expect(mappingPage).toContain("Maria Conceição"); // preview, decoded from Latin-1
    expect(mappingPage).toContain("ponto e vírgula");
    expect(mappingPage).toContain("Latin-1");
    // Guesses: Celular → phone, E-mail → email, Nome → name.
    expect(mappingPage).toMatch(/name="column1"[^>]*>(?:(?!<\/select>).)*<option value="phone" selected=""/s);
    expect(mappingPage).toMatch(/name="column2"[^>]*>(?:(?!<\/select>).)*<option value="email" selected=""/s);

    const noPhone = await client.post(`/imports/${importId}`, { intent: "start", column0: "name", column1: "ignore", column2: "email", column3: "ignore", onExisting: "update" });
    expect(noPhone.status).toBe(400);
    expect(await noPhone.text()).toContain("Escolha qual coluna tem o telefone.");

    const mapping = { intent: "start", column0: "name", column1: "phone", column2: "email", column3: "newField", onExisting: "update", newTag: "Feira 2026" };
    expect((await client.post(`/imports/${importId}`, mapping)).status).toBe(302);
    // A second submit (double click, back button) lands on the same page and queues nothing more.
    const again = await client.post(`/imports/${importId}`, mapping);
    expect([again.status, again.headers.get("location")]).toEqual([302, `/imports/${importId}`]);
    expect((await jobsFor(importId)).rows[0]!.count).toBe(1);

    const queuedPage = await (await client.get(`/imports/${importId}`)).text();
    expect(queuedPage).toContain('<noscript><meta http-equiv="refresh" content="2"/></noscript>');
    expect(queuedPage).toContain("Na fila");

    expect(await runContactImport(db, importId)).toEqual({ status: "completed", created: 2, updated: 0, skipped: 0, errors: 2 });
    const report = await (await client.get(`/imports/${importId}`)).text();
    expect(report).not.toContain('http-equiv="refresh"');
    expect(report).toContain("Importação concluída.");
    expect(report).toMatch(/data-testid="import-created">2</);
    expect(report).toMatch(/data-testid="import-errors">2</);
    expect(report).toContain("Telefone repetido no arquivo (já está na linha 2).");
    expect(report).toContain("Etiquetas aplicadas: Feira 2026");

    const saved = await db.selectFrom("contacts").select(["name", "phone", "attributes"]).where("org_id", "=", org.id).orderBy("phone").execute();
    expect(saved).toEqual([
      { name: "Maria Conceição", phone: "+5511912345678", attributes: { observacao: "mora em\r\nSão Paulo" } },
      { name: "José da Silva", phone: "+5511987654321", attributes: { observacao: "cliente antigo" } },
    ]);
    const field = await db.selectFrom("custom_fields").select(["key", "label", "type"]).where("org_id", "=", org.id).execute();
    expect(field).toEqual([{ key: "observacao", label: "Observação", type: "text" }]);

    const csv = await client.get(`/imports/${importId}/errors.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toContain("filename*=UTF-8''erros-clientes.csv");
    const body = new Uint8Array(await csv.arrayBuffer());
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(body).trim().split("\n")).toEqual([
      "Linha;Erro;Nome;Celular;E-mail;Observação",
      "4;Sem telefone.;Sem Número;;x@example.com;",
      "5;Telefone repetido no arquivo (já está na linha 2).;José de novo;+55 11 98765-4321;;repetido",
    ]);

    const list = await (await client.get("/imports")).text();
    expect(list).toContain("clientes.csv");
    expect(list).toContain("Concluída");
    const audit = await db.selectFrom("audit_log").select(["action", "actor_id", "metadata"]).where("org_id", "=", org.id).where("action", "=", "contacts.imported").execute();
    expect(audit).toEqual([{ action: "contacts.imported", actor_id: owner.id, metadata: expect.objectContaining({ filename: "clientes.csv", created: 2, errors: 2 }) }]);
  });

  it("refuses what is not a usable CSV with a message by the field", async () => {
    const { owner, org } = await createOrgWithOwner(getDb(), "refused");
    const client = await signedIn(owner.email);
    const cases: Array<[Uint8Array | null, number, string]> = [
      [null, 400, "Escolha um arquivo CSV."],
      [new Uint8Array(0), 400, "O arquivo está vazio."],
      [Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]), 400, "Este arquivo não é um CSV."],
      [utf8("\n\n"), 400, "A primeira linha precisa ter os nomes das colunas."],
    ];
    for (const [bytes, status, message] of cases) {
      const response = await upload(client, bytes);
      expect(response.status).toBe(status);
      expect(await response.text()).toContain(message);
    }
    const left = await getDb().selectFrom("contact_imports").select("id").where("org_id", "=", org.id).execute();
    expect(left).toEqual([]);
  });

  it("stops storing a file over 50 MB, answers with a page, and keeps nothing", async () => {
    const { owner, org } = await createOrgWithOwner(getDb(), "huge");
    const client = await signedIn(owner.email);
    const bytes = new Uint8Array(MAX_IMPORT_BYTES + 1).fill(0x61);
    const response = await upload(client, bytes, "enorme.csv");
    expect(response.status).toBe(413);
    expect(await response.text()).toContain("O arquivo passa de 50 MB.");
    const left = await getDb().selectFrom("contact_imports").select("id").where("org_id", "=", org.id).execute();
    expect(left).toEqual([]);
    const chunks = await sql<{ count: number }>`SELECT count(*)::int AS count FROM contact_import_chunks c LEFT JOIN contact_imports i ON i.id = c.import_id WHERE i.id IS NULL`.execute(getDb());
    expect(chunks.rows[0]!.count).toBe(0);
  }, 60_000);

  it("refuses outright a body declared far beyond any import, before reading it", async () => {
    const url = new URL("/imports/new", app.baseUrl);
    const status = await new Promise<number>((resolve, reject) => {
      const request = http.request(url, { method: "POST", headers: { "Content-Type": "multipart/form-data; boundary=x", "Content-Length": String(300 * 1024 * 1024) } }, (response) => {
        resolve(response.statusCode ?? 0);
        request.destroy();
      });
      request.on("error", reject);
      request.flushHeaders();
    });
    expect(status).toBe(413);
  });

  it("lists past imports newest first, 20 per page, by keyset", async () => {
    const db = getDb();
    const { org, owner } = await createOrgWithOwner(db, "many");
    for (let index = 0; index < 23; index++) {
      await storeCsv(db, { orgId: org.id, userId: owner.id }, utf8(`nome,telefone\nA,1198765${String(index).padStart(4, "0")}\n`), { filename: `lista-${index}.csv` });
    }
    const client = await signedIn(owner.email);
    const first = await (await client.get("/imports")).text();
    const listed = (html: string) => [...html.matchAll(/>(lista-\d+\.csv)<\/a>/g)].map((match) => match[1]);
    expect(listed(first)).toEqual(Array.from({ length: 20 }, (_, index) => `lista-${22 - index}.csv`));
    const older = first.match(/href="[^"]*\?before=([0-9a-f-]{36})"/)?.[1];
    expect(older).toBeTruthy();
    const second = await (await client.get(`/imports?before=${older}`)).text();
    expect(listed(second)).toEqual(["lista-2.csv", "lista-1.csv", "lista-0.csv"]);
    expect(second).not.toContain("?before=");
  });

  it("a viewer can follow imports but not start or change one", async () => {
    const db = getDb();
    const { org, owner } = await createOrgWithOwner(db, "viewing");
    const viewer = await addMember(db, org.id, "viewer");
    const importId = await storeCsv(db, { orgId: org.id, userId: owner.id }, utf8("nome,telefone\nAna,11987650001\n"));
    const client = await signedIn(viewer.email);
    expect((await client.get("/imports/new")).status).toBe(403);
    expect((await upload(client, utf8("nome,telefone\nBia,11987650002\n"))).status).toBe(403);
    const page = await client.get(`/imports/${importId}`);
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain('name="column0"');
    expect((await client.post(`/imports/${importId}`, { intent: "start", column0: "name", column1: "phone", onExisting: "update" })).status).toBe(403);
    expect((await client.post(`/imports/${importId}`, { intent: "discard" })).status).toBe(403);
    expect((await client.get("/imports")).status).toBe(200);
    const imports = await db.selectFrom("contact_imports").select("status").where("org_id", "=", org.id).execute();
    expect(imports).toEqual([{ status: "uploaded" }]);
  });

  it("an agent discards a file nobody started", async () => {
    const db = getDb();
    const { org, owner } = await createOrgWithOwner(db, "discard");
    const agent = await addMember(db, org.id, "agent");
    const importId = await storeCsv(db, { orgId: org.id, userId: owner.id }, utf8("nome,telefone\nAna,11987650001\n"));
    const client = await signedIn(agent.email);
    const response = await client.post(`/imports/${importId}`, { intent: "discard" });
    expect([response.status, response.headers.get("location")]).toEqual([302, "/imports"]);
    expect(await findImport(db, org.id, importId)).toBeUndefined();
    expect(await db.selectFrom("contact_import_chunks").select("seq").where("import_id", "=", importId).execute()).toEqual([]);
    const audit = await db.selectFrom("audit_log").select(["action", "actor_id", "target_id"]).where("org_id", "=", org.id).execute();
    expect(audit).toEqual([{ action: "contactImport.discarded", actor_id: agent.id, target_id: importId }]);
  });

  it("another organization's import ids answer 404 on every import route, and nothing changes", async () => {
    const db = getDb();
    let importId = "";
    await expectOtherOrgGets404(
      app,
      db,
      async ({ org, owner }) => {
        importId = await storeCsv(db, { orgId: org.id, userId: owner.id }, utf8("nome,telefone\nAna,11987650001\n"));
        const mapping = { intent: "start", column0: "name", column1: "phone", onExisting: "update" };
        return [
          { method: "GET", path: `/imports/${importId}` },
          { method: "POST", path: `/imports/${importId}`, form: mapping },
          { method: "POST", path: `/imports/${importId}`, form: { intent: "discard" } },
          { method: "GET", path: `/imports/${importId}/errors.csv` },
          { method: "GET", path: "/imports/not-a-uuid" },
          { method: "GET", path: "/imports/not-a-uuid/errors.csv" },
        ];
      },
      async ({ org }) => {
        expect(await findImport(db, org.id, importId)).toMatchObject({ status: "uploaded", mapping: null });
        expect((await jobsFor(importId)).rows[0]!.count).toBe(0);
      },
    );
  });

  it("runs through a real graphile-worker", async () => {
    const db = getDb();
    const { org, owner } = await createOrgWithOwner(db, "worker");
    const client = await signedIn(owner.email);
    const importId = await uploadedId(client, utf8("telefone,nome\n11987650001,Ana\n11987650002,Bia\n"));
    const worker = await startWorker({ connectionString: process.env.DATABASE_URL!, db, concurrency: 2, tasks: ["contactImport.run"] });
    try {
      expect((await client.post(`/imports/${importId}`, { intent: "start", column0: "phone", column1: "name", onExisting: "update" })).status).toBe(302);
      const deadline = Date.now() + 15_000;
      while ((await findImport(db, org.id, importId))?.status !== "completed" && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await worker.stop();
    }
    expect(await findImport(db, org.id, importId)).toMatchObject({ status: "completed", createdCount: 2, processedRows: 2 });
    const page = await (await client.get(`/imports/${importId}`)).text();
    expect(page).toContain("Importação concluída.");
  });
});
