/**
 * `npm start` (and `npm run dev` with --dev): one command for a fresh machine. Uses DATABASE_URL when set,
 * else an embedded Postgres under .data/; migrates; seeds the demo workspace; builds; runs web + worker +
 * realtime with prefixed logs until Ctrl-C.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { createDb } from "../db/index.js";
import { migrateToLatest } from "../db/migrator.js";
import { seedDemo } from "../db/seed-demo.js";
import { startEmbeddedPostgres } from "./embedded-postgres.js";
import { loadOrCreateLocalSecrets } from "./local-secrets.js";
import { runProcessGroup } from "./process-group.js";

const dev = process.argv.includes("--dev");
const root = process.cwd();
const dataDir = path.join(root, ".data");
const say = (line: string) => process.stdout.write(`\x1b[32m[start   ]\x1b[0m ${line}\n`);

const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: dev ? "development" : (process.env.NODE_ENV ?? "production") };
for (const [name, value] of Object.entries(loadOrCreateLocalSecrets(dataDir))) env[name] ??= value;
env.PORT ??= "3000";
env.APP_URL ??= `http://localhost:${env.PORT}`;

let stopEmbedded: (() => Promise<void>) | undefined;
if (!env.DATABASE_URL) {
  const embedded = await startEmbeddedPostgres(dataDir, say);
  env.DATABASE_URL = embedded.url;
  stopEmbedded = embedded.stop;
  say(`embedded Postgres running at 127.0.0.1:${new URL(embedded.url).port} (data in .data/postgres)`);
}

const db = createDb(env.DATABASE_URL, { max: 1 });
await migrateToLatest(db, say);
const seeded = await seedDemo(db);
await db.destroy();

if (!dev) {
  say("building the web app…");
  execFileSync(process.execPath, [path.join(root, "node_modules/@remix-run/dev/dist/cli.js"), "build"], { stdio: "inherit", env });
}

const tsx = ["--import", "tsx"];
const group = runProcessGroup(
  [
    dev
      ? { name: "web", command: process.execPath, args: [path.join(root, "node_modules/@remix-run/dev/dist/cli.js"), "dev", "--port", "3010", "-c", `node --import tsx server/index.ts`] }
      : { name: "web", command: process.execPath, args: [...tsx, "server/index.ts"] },
    { name: "worker", command: process.execPath, args: dev ? [...tsx, "--watch", "workers/worker.ts"] : [...tsx, "workers/worker.ts"] },
    { name: "realtime", command: process.execPath, args: dev ? [...tsx, "--watch", "workers/realtime/index.ts"] : [...tsx, "workers/realtime/index.ts"] },
  ],
  env,
  async (code) => {
    if (stopEmbedded) await stopEmbedded().catch(() => undefined);
    say("stopped");
    process.exit(code);
  },
);

say(`Master IA is starting on ${env.APP_URL}`);
if (seeded.created) {
  say("──────────────────────────────────────────────────────────");
  say(`demo account (shown only this once): ${seeded.email} / ${seeded.password}`);
  say("──────────────────────────────────────────────────────────");
} else {
  say(`demo account: ${seeded.email} (its password was printed on the first start)`);
}

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return; // Ctrl-C reaches the whole process group, sometimes twice through npm
    stopping = true;
    say(`${signal}: stopping web, worker and realtime…`);
    group.stopAll(0);
  });
}
