import pg from "pg";
import { createDb } from "../../db/index.js";
import { migrateToLatest } from "../../db/migrator.js";
import { adminDatabaseUrl, databaseUrlFor, templateDatabase, testDatabasePrefix } from "./test-env.js";

async function withAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Builds one migrated template; each vitest worker clones it (see worker-setup.ts). */
export default async function setup() {
  await withAdmin(async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2",
      [templateDatabase, `${testDatabasePrefix.replaceAll("_", "\\_")}\\_w%`],
    );
    for (const { datname } of rows) await client.query(`DROP DATABASE "${datname}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${templateDatabase}"`);
  });
  const db = createDb(databaseUrlFor(templateDatabase), { max: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
}
