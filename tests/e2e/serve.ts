/**
 * Playwright's web server: a fresh migrated database, the fake Google and Facebook sign-in providers,
 * then the production build of web plus the realtime sidecar and the job worker, with the event bus
 * on Postgres (no REDIS_URL) so the zero-config path is exercised.
 */
import os from "node:os";
import pg from "pg";
import { createDb } from "../../db/index.js";
import { migrateToLatest } from "../../db/migrator.js";
import { startFakeOAuthProvider } from "../fakes/oauth-provider.js";
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

const appUrl = `http://localhost:${E2E_PORT}`;
const oauth = { google: { clientId: "e2e-google-client", clientSecret: "e2e-google-secret" }, facebook: { clientId: "2222333344445555", clientSecret: "e2e-facebook-secret" } };
const google = await startFakeOAuthProvider({ provider: "google", ...oauth.google, redirectUris: [`${appUrl}/auth/google/callback`] });
const facebook = await startFakeOAuthProvider({ provider: "facebook", ...oauth.facebook, redirectUris: [`${appUrl}/auth/facebook/callback`] });

delete process.env.REDIS_URL;
Object.assign(process.env, {
  ...testSecrets,
  NODE_ENV: "production",
  LOG_LEVEL: "warn",
  DATABASE_URL: databaseUrlFor(database),
  PORT: String(E2E_PORT),
  APP_URL: appUrl,
  GOOGLE_CLIENT_ID: oauth.google.clientId,
  GOOGLE_CLIENT_SECRET: oauth.google.clientSecret,
  GOOGLE_OAUTH_BASE_URL: google.baseUrl,
  FACEBOOK_CLIENT_ID: oauth.facebook.clientId,
  FACEBOOK_CLIENT_SECRET: oauth.facebook.clientSecret,
  FACEBOOK_OAUTH_BASE_URL: facebook.baseUrl,
  REALTIME_PORT: String(E2E_REALTIME_PORT),
  REALTIME_INTERNAL_URL: `http://127.0.0.1:${E2E_REALTIME_PORT}`,
  MEDIA_DIR: `${os.tmpdir()}/${database}-media`,
});

// WhatsApp (QR) sessions run on the fake socket, which shows a QR shortly after Connect.
const { createFakeBaileysRuntime } = await import("../fakes/baileys-socket.js");
globalThis.__masteriaBaileysRuntime = createFakeBaileysRuntime({ autoQrMs: 500 }).runtime;
await import("../../workers/realtime/index.js");
// Jobs (contact imports, …) run here too, as the worker process would run them.
const { startWorker } = await import("../../workers/runner.js");
const { getDb } = await import("../../app/lib/db.server.js");
await startWorker({ connectionString: databaseUrlFor(database), db: getDb() });
await import("../../server/index.js");
