import { describe, expect, it } from "vitest";
import type { Database } from "../../db/index.js";
import { getDb } from "../../app/lib/db.server.js";
import { findImport } from "../../app/modules/imports/imports.server.js";
import type { ColumnTarget, OnExisting } from "../../app/modules/imports/mapping.js";
import { runContactImport } from "../../app/modules/imports/run-import.server.js";
import { createOrgWithOwner } from "../support/factories.js";
import { latin1, queueImport, storeCsv, utf8 } from "../support/imports-factories.js";

type Org = Awaited<ReturnType<typeof createOrgWithOwner>>;

async function importFile(db: Database, org: Org, bytes: Uint8Array, mapping: { columns: ColumnTarget[]; onExisting?: OnExisting; tagIds?: string[] }, batchSize?: number) {
  const importId = await storeCsv(db, { orgId: org.org.id, userId: org.owner.id }, bytes);
  await queueImport(db, importId, mapping);
  const outcome = await runContactImport(db, importId, { batchSize });
  return { importId, outcome, upload: (await findImport(db, org.org.id, importId))! };
}

function contacts(db: Database, orgId: string) {
  return db.selectFrom("contacts").select(["name", "phone", "email", "attributes"]).where("org_id", "=", orgId).orderBy("phone").execute();
}

function importErrors(db: Database, importId: string) {
  return db.selectFrom("contact_import_errors").select(["row_number", "message", "raw"]).where("import_id", "=", importId).orderBy("row_number").execute();
}

async function tagsOf(db: Database, orgId: string, phone: string) {
  const rows = await db
    .selectFrom("contact_tags")
    .innerJoin("contacts", "contacts.id", "contact_tags.contact_id")
    .innerJoin("tags", "tags.id", "contact_tags.tag_id")
    .select("tags.name")
    .where("contacts.org_id", "=", orgId)
    .where("contacts.phone", "=", phone)
    .orderBy("tags.name")
    .execute();
  return rows.map((row) => row.name);
}

describe("contactImport.run: files as people really have them", () => {
  it("UTF-8 with a BOM and commas", async () => {
    const db = getDb();
    const org = await createOrgWithOwner(db, "bom");
    const { upload, outcome } = await importFile(db, org, utf8("Nome,Telefone,E-mail\nJoão Araújo,(11) 98765-4321,joao@example.com\n", { bom: true }), { columns: ["name", "phone", "email"] });
    expect(upload.headers).toEqual(["Nome", "Telefone", "E-mail"]); // no "\ufeffNome"
    expect(upload.encoding).toBe("utf-8");
    expect(outcome).toMatchObject({ status: "completed", created: 1 });
    expect(await contacts(db, org.org.id)).toEqual([{ name: "João Araújo", phone: "+5511987654321", email: "joao@example.com", attributes: {} }]);
  });

  it("Latin-1 (Windows-1252) with semicolons, as Brazilian Excel saves it", async () => {
    const db = getDb();
    const org = await createOrgWithOwner(db, "latin1");
    const file = latin1("nome;celular\r\nConceição Gonçalves;21 99876-5432\r\nSão Paulo Ltda – Açaí;+55 31 3222-1100\r\n".replace("–", "-"));
    const { upload, outcome } = await importFile(db, org, file, { columns: ["name", "phone"] });
    expect(upload).toMatchObject({ encoding: "windows-1252", delimiter: ";" });
    expect(outcome).toMatchObject({ status: "completed", created: 2, errors: 0 });
    expect((await contacts(db, org.org.id)).map((contact) => contact.name)).toEqual(["Conceição Gonçalves", "São Paulo Ltda - Açaí"]);
  });

  it("quoted fields with newlines, delimiters and quotes inside; row numbers stay those of the spreadsheet", async () => {
    const db = getDb();
    const org = await createOrgWithOwner(db, "quoted");
    await db.insertInto("custom_fields").values({ org_id: org.org.id, key: "obs", label: "Obs", type: "text" }).execute();
    const file = utf8('nome;telefone;obs\n"Silva; Ana";11987650001;"primeira linha\nsegunda linha"\n"Bia ""B""";11987650002;ok\n\nSem Fone;;x\nRuim;123;y\n');
    const { importId, outcome, upload } = await importFile(db, org, file, { columns: ["name", "phone", "custom:obs"] });
    expect(upload.delimiter).toBe(";");
    expect(outcome).toMatchObject({ status: "completed", created: 2, errors: 2 });
    expect(await contacts(db, org.org.id)).toEqual([
      { name: "Silva; Ana", phone: "+5511987650001", email: null, attributes: { obs: "primeira linha\nsegunda linha" } },
      { name: 'Bia "B"', phone: "+5511987650002", email: null, attributes: { obs: "ok" } },
    ]);
    // Row 1 is the header, row 4 the blank line: the numbers match what the spreadsheet shows.
    expect(await importErrors(db, importId)).toEqual([
      { row_number: 5, message: "Sem telefone.", raw: ["Sem Fone", "", "x"] },
      { row_number: 6, message: "Telefone inválido: 123", raw: ["Ruim", "123", "y"] },
    ]);
    expect(upload).toMatchObject({ totalRows: 4, processedRows: 4 });
  });

  it("a phone repeated in the file (in any format) creates one contact; the later rows are reported with the first row", async () => {
    const db = getDb();
    const org = await createOrgWithOwner(db, "dupes");
    const file = utf8("nome,telefone\nAna,11 98765-0001\nAna de novo,+5511987650001\nBia,11987650002\nAna outra vez,5511987650001\n");
    const { importId, outcome } = await importFile(db, org, file, { columns: ["name", "phone"] });
    expect(outcome).toMatchObject({ status: "completed", created: 2, updated: 0, errors: 2 });
    expect((await contacts(db, org.org.id)).map((contact) => contact.name)).toEqual(["Ana", "Bia"]);
    expect((await importErrors(db, importId)).map((error) => [error.row_number, error.message])).toEqual([
      [3, "Telefone repetido no arquivo (já está na linha 2)."],
      [5, "Telefone repetido no arquivo (já está na linha 2)."],
    ]);
  });

  it("records invalid phones and emails with their row number and the original columns, in the organization's language", async () => {
    const db = getDb();
    const org = await createOrgWithOwner(db, "invalid");
    await db.updateTable("organizations").set({ locale: "en" }).where("id", "=", org.org.id).execute();
    const file = utf8("name,phone,email\nOk,11987650001,ok@example.com\nBad phone,999,\nBad mail,11987650003,nope@\nNo phone,,x@example.com\n");
    const { importId, outcome } = await importFile(db, org, file, { columns: ["name", "phone", "email"] });
    expect(outcome).toMatchObject({ created: 1, errors: 3 });
    expect(await importErrors(db, importId)).toEqual([
      { row_number: 3, message: "Invalid phone: 999", raw: ["Bad phone", "999", ""] },
      { row_number: 4, message: "Invalid email: nope@", raw: ["Bad mail", "11987650003", "nope@"] },
      { row_number: 5, message: "No phone.", raw: ["No phone", "", "x@example.com"] },
    ]);
  });

  it("checks custom field values by the field's type", async () => {
    const db = getDb();
    const org = await createOrgWithOwner(db, "typed");
    await db
      .insertInto("custom_fields")
      .values([
        { org_id: org.org.id, key: "plano", label: "Plano", type: "select", options: JSON.stringify(["Ouro", "Prata"]) },
        { org_id: org.org.id, key: "nascimento", label: "Nascimento", type: "date" },
      ])
      .execute();
    const file = utf8("telefone;plano;nascimento\n11987650001;ouro;31/12/1990\n11987650002;Bronze;\n11987650003;;30/02/1990\n");
    const { importId, outcome } = await importFile(db, org, file, { columns: ["phone", "custom:plano", "custom:nascimento"] });
    expect(outcome).toMatchObject({ created: 1, errors: 2 });
    expect((await contacts(db, org.org.id))[0]!.attributes).toEqual({ plano: "Ouro", nascimento: "1990-12-31" });
    expect((await importErrors(db, importId)).map((error) => error.message)).toEqual([
      'Plano "Bronze": Escolha uma das opções do campo.',
      'Nascimento "30/02/1990": Informe uma data válida (dd/mm/aaaa).',
    ]);
  });
});

describe("contactImport.run: existing contacts, tags and re-runs", () => {
  async function seedExisting(db: Database, orgId: string) {
    await db
      .insertInto("contacts")
      .values({ org_id: orgId, name: "Antigo", phone: "+5511987650001", email: "antigo@example.com", attributes: JSON.stringify({ cidade: "Recife" }) })
      .execute();
  }
  const file = utf8("nome,telefone,email,cidade\nNovo Nome,11987650001,,Olinda\nOutra,11987650002,outra@example.com,Natal\n");

  it("update: fills in what the file has and keeps what it leaves empty", async () => {
    const db = getDb();
    const org = await createOrgWithOwner(db, "update");
    await db.insertInto("custom_fields").values({ org_id: org.org.id, key: "cidade", label: "Cidade", type: "text" }).execute();
    await seedExisting(db, org.org.id);
    const { outcome } = await importFile(db, org, file, { columns: ["name", "phone", "email", "custom:cidade"], onExisting: "update" });
    expect(outcome).toMatchObject({ created: 1, updated: 1, skipped: 0 });
    expect((await contacts(db, org.org.id))[0]).toEqual({ name: "Novo Nome", phone: "+5511987650001", email: "antigo@example.com", attributes: { cidade: "Olinda" } });
  });

  it("skip: leaves existing contacts exactly as they were, tags included", async () => {
    const db = getDb();
    const org = await createOrgWithOwner(db, "skip");
    await db.insertInto("custom_fields").values({ org_id: org.org.id, key: "cidade", label: "Cidade", type: "text" }).execute();
    await seedExisting(db, org.org.id);
    const tag = await db.insertInto("tags").values({ org_id: org.org.id, name: "Feira" }).returning("id").executeTakeFirstOrThrow();
    const { outcome } = await importFile(db, org, file, { columns: ["name", "phone", "email", "custom:cidade"], onExisting: "skip", tagIds: [tag.id] });
    expect(outcome).toMatchObject({ created: 1, updated: 0, skipped: 1 });
    expect((await contacts(db, org.org.id))[0]).toEqual({ name: "Antigo", phone: "+5511987650001", email: "antigo@example.com", attributes: { cidade: "Recife" } });
    expect(await tagsOf(db, org.org.id, "+5511987650001")).toEqual([]);
    expect(await tagsOf(db, org.org.id, "+5511987650002")).toEqual(["Feira"]);
  });

  it("applies the chosen tags and the file's tag column, creating missing tags once", async () => {
    const db = getDb();
    const org = await createOrgWithOwner(db, "tags");
    const chosen = await db.insertInto("tags").values({ org_id: org.org.id, name: "Importado" }).returning("id").executeTakeFirstOrThrow();
    await db.insertInto("tags").values({ org_id: org.org.id, name: "VIP" }).execute();
    const tagged = utf8("telefone;etiquetas\n11987650001;vip, Novo\n11987650002;novo|Outro\n11987650003;\n");
    await importFile(db, org, tagged, { columns: ["phone", "tags"], tagIds: [chosen.id] }, 2);
    expect(await tagsOf(db, org.org.id, "+5511987650001")).toEqual(["Importado", "Novo", "VIP"]);
    expect(await tagsOf(db, org.org.id, "+5511987650002")).toEqual(["Importado", "Novo", "Outro"]);
    expect(await tagsOf(db, org.org.id, "+5511987650003")).toEqual(["Importado"]);
    const names = await db.selectFrom("tags").select("name").where("org_id", "=", org.org.id).orderBy("name").execute();
    expect(names.map((tag) => tag.name)).toEqual(["Importado", "Novo", "Outro", "VIP"]);
  });

  it("importing the same file again creates no duplicates", async () => {
    const db = getDb();
    const org = await createOrgWithOwner(db, "again");
    const same = utf8("nome,telefone\nAna,11987650001\nBia,11987650002\n");
    const first = await importFile(db, org, same, { columns: ["name", "phone"] });
    const second = await importFile(db, org, same, { columns: ["name", "phone"] });
    const third = await importFile(db, org, same, { columns: ["name", "phone"], onExisting: "skip" });
    expect(first.outcome).toMatchObject({ created: 2, updated: 0 });
    expect(second.outcome).toMatchObject({ created: 0, updated: 2 });
    expect(third.outcome).toMatchObject({ created: 0, skipped: 2 });
    expect(second.upload.fileSha256).toBe(first.upload.fileSha256);
    expect(await contacts(db, org.org.id)).toHaveLength(2);
  });

  it("a run that dies half-way resumes after its last committed batch: exact counts, nothing twice", async () => {
    const db = getDb();
    const rows = Array.from({ length: 23 }, (_, index) => `Pessoa ${index},1198765${String(index % 20).padStart(4, "0")}`);
    rows.splice(7, 0, "Sem telefone,");
    const file = utf8(`nome,telefone\n${rows.join("\n")}\n`);

    const control = await createOrgWithOwner(db, "control");
    const clean = await importFile(db, control, file, { columns: ["name", "phone"] }, 5);

    const org = await createOrgWithOwner(db, "crash");
    const importId = await storeCsv(db, { orgId: org.org.id, userId: org.owner.id }, file);
    await queueImport(db, importId, { columns: ["name", "phone"] });
    const crash = new Error("worker killed");
    await expect(runContactImport(db, importId, { batchSize: 5, afterBatch: (batch) => { if (batch === 2) throw crash; } })).rejects.toBe(crash);
    expect(await findImport(db, org.org.id, importId)).toMatchObject({ status: "running", processedRows: 10 });

    const resumed = await runContactImport(db, importId, { batchSize: 5 });
    expect(resumed).toEqual({ status: "completed", created: 20, updated: 0, skipped: 0, errors: 4 });
    expect(clean.outcome).toEqual(resumed);
    const upload = (await findImport(db, org.org.id, importId))!;
    expect(upload).toMatchObject({ status: "completed", processedRows: 24, totalRows: 24, createdCount: 20, errorCount: 4 });
    expect(await contacts(db, org.org.id)).toHaveLength(20);
    expect((await importErrors(db, importId)).map((error) => error.row_number)).toEqual((await importErrors(db, clean.importId)).map((error) => error.row_number));

    // Delivered once more (at-least-once delivery): nothing happens.
    expect(await runContactImport(db, importId)).toEqual({ status: "notRunnable" });
    expect(await db.selectFrom("audit_log").select("metadata").where("org_id", "=", org.org.id).where("action", "=", "contacts.imported").execute()).toEqual([
      { metadata: expect.objectContaining({ rows: 24, created: 20, updated: 0, skipped: 0, errors: 4, durationMs: expect.any(Number) }) },
    ]);
  });

  it("a file over 1 MB spans several chunks, with accents cut between chunks read back whole", async () => {
    const db = getDb();
    const org = await createOrgWithOwner(db, "chunks");
    const lines = Array.from({ length: 24_000 }, (_, index) => `Conceição Ñandú Ãção ${index};119${String(80_000_000 + index)}`);
    const file = utf8(`nome;telefone\n${lines.join("\n")}`);
    expect(file.length).toBeGreaterThan(1024 * 1024);
    const importId = await storeCsv(db, { orgId: org.org.id, userId: org.owner.id }, file, { pieceSize: 1000 });
    const chunks = await db.selectFrom("contact_import_chunks").select(({ fn }) => fn.countAll<number>().as("count")).where("import_id", "=", importId).executeTakeFirstOrThrow();
    expect(Number(chunks.count)).toBe(Math.ceil(file.length / (1024 * 1024)));
    await queueImport(db, importId, { columns: ["name", "phone"] });
    expect(await runContactImport(db, importId)).toMatchObject({ status: "completed", created: 24_000, errors: 0 });
    const mangled = await db.selectFrom("contacts").select("name").where("org_id", "=", org.org.id).where("name", "not like", "Conceição Ñandú Ãção %").execute();
    expect(mangled).toEqual([]);
    // The raw file is personal data: once imported, it is gone.
    expect(await db.selectFrom("contact_import_chunks").select("seq").where("import_id", "=", importId).execute()).toEqual([]);
  });

  it("stops with a clear reason on a broken file, keeping the rows before the break", async () => {
    const db = getDb();
    const org = await createOrgWithOwner(db, "broken");
    const rows = Array.from({ length: 6 }, (_, index) => `P${index},1198765000${index}`);
    const file = utf8(`nome,telefone\n${rows.join("\n")}\n"Aspas sem fim,11987659999\n`);
    const { outcome, upload } = await importFile(db, org, file, { columns: ["name", "phone"] }, 3);
    expect(outcome).toEqual({ status: "failed" });
    expect(upload.status).toBe("failed");
    expect(upload.failure).toMatch(/erro de formatação perto da linha \d+/);
    expect(await contacts(db, org.org.id)).toHaveLength(6);
  });

  it("only touches the importing organization", async () => {
    const db = getDb();
    const other = await createOrgWithOwner(db, "bystander");
    await db.insertInto("contacts").values({ org_id: other.org.id, name: "Intocado", phone: "+5511987650001" }).execute();
    const org = await createOrgWithOwner(db, "importer");
    const { outcome } = await importFile(db, org, utf8("nome,telefone\nNovo,11987650001\n"), { columns: ["name", "phone"] });
    expect(outcome).toMatchObject({ created: 1, updated: 0 });
    expect(await contacts(db, other.org.id)).toEqual([{ name: "Intocado", phone: "+5511987650001", email: null, attributes: {} }]);
  });
});
