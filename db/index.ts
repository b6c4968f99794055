import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { DB } from "./types.js";

export type { DB } from "./types.js";
export type Database = Kysely<DB>;

// Postgres bigint/numeric come back as strings by default; counts we read are small enough for number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function createPool(connectionString: string, max = 10) {
  const pool = new pg.Pool({ connectionString, max, idleTimeoutMillis: 30_000 });
  // An idle client can lose its connection (database restart, shutdown); without a listener the
  // process would crash. The pool drops that client and the next query opens a new one.
  pool.on("error", (error) => console.warn(`postgres pool: idle client error: ${error.message}`));
  return pool;
}

export function createDb(connectionString: string, options: { max?: number } = {}): Database {
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool: createPool(connectionString, options.max) }) });
}
