import os from "node:os";
import pg from "pg";
import { freeLoopbackPort } from "../fakes/oauth-provider.js";
import { adminDatabaseUrl, databaseUrlFor, templateDatabase, testSecrets, workerDatabaseName } from "./test-env.js";

const database = workerDatabaseName();
// Chosen once per worker process, which keeps its env between files (the built app caches what it read);
// free ports rather than fixed ones so two suites can share a machine. tests/integration/oauth.test.ts listens there.
process.env.TEST_OAUTH_PORTS ??= `${await freeLoopbackPort()},${await freeLoopbackPort()}`;
const [googlePort, facebookPort] = process.env.TEST_OAUTH_PORTS.split(",");
Object.assign(process.env, {
  NODE_ENV: "test",
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
  DATABASE_URL: databaseUrlFor(database),
  APP_URL: "http://localhost:3000",
  // Media files of this worker's tests stay out of the repository's .data/.
  MEDIA_DIR: `${os.tmpdir()}/${database}-media`,
  ...testSecrets,
  GOOGLE_CLIENT_ID: "test-google-client.apps.googleusercontent.com",
  GOOGLE_CLIENT_SECRET: "test-google-secret",
  GOOGLE_OAUTH_BASE_URL: `http://127.0.0.1:${googlePort}`,
  FACEBOOK_CLIENT_ID: "1234567890123456",
  FACEBOOK_CLIENT_SECRET: "test-facebook-secret",
  FACEBOOK_OAUTH_BASE_URL: `http://127.0.0.1:${facebookPort}`,
});

const client = new pg.Client({ connectionString: adminDatabaseUrl() });
await client.connect();
try {
  await client.query(`CREATE DATABASE "${database}" TEMPLATE "${templateDatabase}"`);
} catch (error) {
  if ((error as { code?: string }).code !== "42P04") throw error; // already cloned by an earlier file in this worker
} finally {
  await client.end();
}

// An unexpected console.error is a bug: fail the test that caused it.
const originalError = console.error;
console.error = (...args: unknown[]) => {
  originalError(...args);
  throw new Error(`console.error was called: ${args.map(String).join(" ")}`);
};
