import { sql } from "kysely";
import { afterAll, expect, it } from "vitest";
import { createDb } from "../../db/index.js";

const db = createDb(process.env.DATABASE_URL!, { max: 1 });
afterAll(() => db.destroy());

// setup-services.sh builds pgvector for the local Debian server and records whether it is there.
it(process.env.PGVECTOR_AVAILABLE === "0" ? "reports pgvector as absent on this server" : "has pgvector with working HNSW cosine search", async () => {
  const { rows } = await sql<{ name: string }>`SELECT name FROM pg_available_extensions WHERE name = 'vector'`.execute(db);
  if (process.env.PGVECTOR_AVAILABLE === "0") {
    expect(rows).toHaveLength(0);
    return;
  }
  expect(rows).toHaveLength(1);
  await sql`CREATE EXTENSION IF NOT EXISTS vector`.execute(db);
  await sql`CREATE TEMP TABLE probe (id int, embedding vector(3))`.execute(db);
  await sql`INSERT INTO probe VALUES (1, '[1,0,0]'), (2, '[0,1,0]'), (3, '[0.9,0.1,0]')`.execute(db);
  await sql`CREATE INDEX ON probe USING hnsw (embedding vector_cosine_ops)`.execute(db);
  const nearest = await sql<{ id: number }>`SELECT id FROM probe ORDER BY embedding <=> '[1,0,0]' LIMIT 2`.execute(db);
  expect(nearest.rows.map((row) => row.id)).toEqual([1, 3]);
});
