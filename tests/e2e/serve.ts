/**
 * Playwright's web server: a fresh migrated database, then the production build of web plus the
 * realtime sidecar, with the event bus on Postgres (no REDIS_URL) so the zero-config path is exercised.
 */
import pg from "pg";
import { createDb } from "../../db/index.js";
import { migrateToLatest } from "../../db/migrator.js";
import { adminDatabaseUrl, databaseUrlFor, testSecrets } from "../support/test-env.js";
import { E2E_DATABASE, E2E_PORT, E2E_REALTIME_PORT } from "./ports.js";

const database = E2E_DATABASE;
const admin = new pg.Client({ connectionString: adminDatabaseUrl() });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
await admin.query(`CREATE DATABASE ${database}`);
await admin.end();

const db = createDb(databaseUrlFor(database), { max: 1 });
await migrateToLatest(db);
await db.destroy();

delete process.env.REDIS_URL;
Object.assign(process.env, {
  ...testSecrets,
  NODE_ENV: "production",
  LOG_LEVEL: "warn",
  DATABASE_URL: databaseUrlFor(database),
  PORT: String(E2E_PORT),
  APP_URL: `http://localhost:${E2E_PORT}`,
  REALTIME_PORT: String(E2E_REALTIME_PORT),
  REALTIME_INTERNAL_URL: `http://127.0.0.1:${E2E_REALTIME_PORT}`,
});

await import("../../workers/realtime/index.js");
await import("../../server/index.js");
