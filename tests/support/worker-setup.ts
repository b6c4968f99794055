import pg from "pg";
import { adminDatabaseUrl, databaseUrlFor, templateDatabase, testSecrets, workerDatabaseName } from "./test-env.js";

const database = workerDatabaseName();
Object.assign(process.env, {
  NODE_ENV: "test",
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
  DATABASE_URL: databaseUrlFor(database),
  APP_URL: "http://localhost:3000",
  ...testSecrets,
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
