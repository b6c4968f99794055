// Fixed secrets so every test process agrees; never used outside tests.
export const testSecrets = {
  SESSION_SECRET: "test-session-secret-0123456789abcdef0123456789",
  ENCRYPTION_KEYS: "2:ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=,1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
  REALTIME_SECRET: "test-realtime-secret-0123456789abcdef0123456789",
};

// TEST_DB_PREFIX lets two suites run at once on one server (e.g. two engineers); each drops only its own databases.
export const testDatabasePrefix = process.env.TEST_DB_PREFIX ?? "masteria_test";
export const templateDatabase = `${testDatabasePrefix}_template`;

export function adminDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  return url;
}

export function databaseUrlFor(database: string): string {
  const url = new URL(adminDatabaseUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

export function workerDatabaseName(): string {
  return `${testDatabasePrefix}_w${process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? "0"}`;
}
