/**
 * CSV import benchmark: `npx tsx bench/import-contacts.ts [rows]` (default 100,000).
 *
 * Generates a Brazilian-Excel CSV (Windows-1252, `;`, CRLF, accented names, quoted fields with line
 * breaks and semicolons, ~2% invalid phones, ~3% repeated phones), stores it as an upload would
 * (streamed into contact_import_chunks), then runs the real contactImport.run job function in this
 * process against a fresh database, and imports the same file a second time. Goal: < 15 s for 100k rows.
 *
 * Needs a Postgres server: TEST_DATABASE_URL (admin connection, as for the tests) or the default
 * postgres://postgres@127.0.0.1:5432/postgres. The database `<TEST_DB_PREFIX|masteria>_bench_imports` is recreated.
 */
import { readFile } from "node:fs/promises";
import { sql } from "kysely";
import pg from "pg";
import { createDb } from "../db/index.js";
import { migrateToLatest } from "../db/migrator.js";
import { adminDatabaseUrl, databaseUrlFor, testSecrets } from "../tests/support/test-env.js";

const ROWS = Number(process.argv[2] ?? 100_000);
const database = `${process.env.TEST_DB_PREFIX ?? "masteria"}_bench_imports`;

const admin = new pg.Client({ connectionString: adminDatabaseUrl() });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
await admin.query(`CREATE DATABASE "${database}"`);
await admin.end();
Object.assign(process.env, { ...testSecrets, NODE_ENV: "production", LOG_LEVEL: "silent", DATABASE_URL: databaseUrlFor(database) });

// App modules read the environment when first used, so they load after it is set.
const { getDb } = await import("../app/lib/db.server.js");
const { storeImportFile } = await import("../app/modules/imports/import-file.server.js");
const { runContactImport } = await import("../app/modules/imports/run-import.server.js");
const { createUser } = await import("../app/modules/auth/users.server.js");
const { createOrganization } = await import("../app/modules/orgs/organizations.server.js");

const migrator = createDb(databaseUrlFor(database), { max: 1 });
await migrateToLatest(migrator);
await migrator.destroy();
const db = getDb();

// ---- the file -------------------------------------------------------------------------------
let seed = 42;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
const firstNames = ["João", "José", "Conceição", "Márcia", "Antônio", "Luíza", "Sebastião", "Inês", "Zé", "Ângela", "Raí", "Iara", "Açucena", "Benedito", "Cláudia"];
const lastNames = ["da Silva", "Gonçalves", "Araújo", "Simões", "Magalhães", "Conceição", "Brandão", "Falcão", "Peçanha", "Guimarães"];
const cities = ["São Paulo", "Maceió", "Goiânia", "Florianópolis", "Belém", "Niterói", "Ribeirão Preto", "Jundiaí"];
const tags = ["vip", "atacado", "feira", "indicação", ""];
const areaCodes = [11, 21, 31, 41, 51, 61, 71, 81, 85, 92];

function phoneFor(index: number): string {
  const number = `9${String(10_000_000 + ((index * 7_919) % 89_999_999)).padStart(8, "0")}`;
  const area = areaCodes[index % areaCodes.length]!;
  switch (index % 4) {
    case 0: return `(${area}) ${number.slice(0, 5)}-${number.slice(5)}`;
    case 1: return `55${area}${number}`;
    case 2: return `+55 ${area} ${number}`;
    default: return `${area}${number}`;
  }
}

function lineFor(index: number): string {
  const name = `${pick(firstNames)} ${pick(lastNames)}`;
  const roll = random();
  const phone = roll < 0.02 ? String(1000 + index) : roll < 0.05 && index > 10 ? phoneFor(Math.floor(random() * index)) : phoneFor(index);
  const email = random() < 0.6 ? `cliente${index}@exemplo.com.br` : "";
  const note = random() < 0.01 ? `"ligar à tarde;\r\nprefere ""WhatsApp"""` : random() < 0.5 ? "cliente antigo" : "";
  const quotedName = random() < 0.01 ? `"${name}; filial"` : name;
  return `${quotedName};${phone};${email};${pick(cities)};${pick(tags)};${note}\r\n`;
}

const windows1252 = (text: string) => Buffer.from(text, "latin1"); // every character used here is in Latin-1

async function* csvFile(): AsyncGenerator<Uint8Array> {
  seed = 42; // the same file every time
  let piece = "Nome;Telefone;E-mail;Cidade;Etiquetas;Observação\r\n";
  for (let index = 0; index < ROWS; index++) {
    piece += lineFor(index);
    if (piece.length > 64 * 1024) {
      yield windows1252(piece);
      piece = "";
    }
  }
  yield windows1252(piece);
}

// ---- the run --------------------------------------------------------------------------------
const owner = await createUser(db, { email: "bench@example.test", name: "Bench", password: "bench-password-123" });
const org = await createOrganization(db, { name: "Bench Importadora", ownerId: owner.id });
await db.insertInto("custom_fields").values({ org_id: org.id, key: "cidade", label: "Cidade", type: "text" }).execute();
const chosenTag = await db.insertInto("tags").values({ org_id: org.id, name: "Importação bench" }).returning("id").executeTakeFirstOrThrow();

function sampleMemory() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage().rss);
  };
}

/**
 * CPU seconds spent by this database's Postgres backends (Linux /proc, server on this machine). With
 * other work on the machine, wall time measures the queue for the CPU; CPU time measures the import.
 */
async function postgresCpu(): Promise<Map<number, number>> {
  const { rows } = await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`.execute(db);
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields.length > 12) cpu.set(pid, (Number(fields[11]) + Number(fields[12])) / 100); // utime + stime, in clock ticks
  }
  return cpu;
}

function cpuSince(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function importOnce(label: string) {
  const storeStarted = performance.now();
  const stored = await storeImportFile(db, { orgId: org.id, userId: owner.id, filename: "clientes-bench.csv", data: csvFile()[Symbol.asyncIterator]() });
  if (!stored.ok) throw new Error(`store failed: ${stored.error}`);
  const storeSeconds = (performance.now() - storeStarted) / 1000;
  const upload = await db.selectFrom("contact_imports").select(["size_bytes", "encoding", "delimiter", "total_rows"]).where("id", "=", stored.importId).executeTakeFirstOrThrow();
  await db
    .updateTable("contact_imports")
    .set({
      status: "queued",
      mapping: JSON.stringify({ columns: ["name", "phone", "email", "custom:cidade", "tags", "ignore"] }),
      tag_ids: JSON.stringify([chosenTag.id]),
      on_existing: "update",
    })
    .where("id", "=", stored.importId)
    .execute();

  global.gc?.();
  const baseline = process.memoryUsage().rss;
  const stopSampling = sampleMemory();
  const postgresBefore = await postgresCpu();
  const nodeBefore = process.cpuUsage();
  const started = performance.now();
  const outcome = await runContactImport(db, stored.importId);
  const seconds = (performance.now() - started) / 1000;
  const nodeCpu = process.cpuUsage(nodeBefore);
  const postgresSeconds = cpuSince(postgresBefore, await postgresCpu());
  const peak = stopSampling();
  const [load] = (await readFile("/proc/loadavg", "utf8")).split(" ");
  const { count } = await db.selectFrom("contacts").select(({ fn }) => fn.countAll<number>().as("count")).where("org_id", "=", org.id).executeTakeFirstOrThrow();
  console.log(`\n${label}`);
  console.log(`  file            ${ROWS.toLocaleString("en")} rows, ${mb(upload.size_bytes)}, ${upload.encoding}, delimiter ${JSON.stringify(upload.delimiter)}, estimated ${upload.total_rows.toLocaleString("en")} rows`);
  console.log(`  store (upload)  ${storeSeconds.toFixed(2)} s`);
  console.log(`  job             ${seconds.toFixed(2)} s  →  ${Math.round(ROWS / seconds).toLocaleString("en")} rows/s`);
  console.log(`  cpu             node ${((nodeCpu.user + nodeCpu.system) / 1e6).toFixed(2)} s, postgres ${postgresSeconds.toFixed(2)} s (machine load average ${load})`);
  console.log(`  memory (rss)    baseline ${mb(baseline)}, peak ${mb(peak)} (+${mb(peak - baseline)})`);
  console.log(`  outcome         ${JSON.stringify(outcome)}`);
  console.log(`  contacts in org ${Number(count).toLocaleString("en")}`);
}

await importOnce("first import (fresh organization)");
await importOnce("same file again (update existing)");
console.log("\nGoal: < 15 s per 100k rows on this 2-core machine. When other work shares the machine, wall time includes");
console.log("waiting for a core (see the load average); the cpu line is the import's own work (Node and Postgres overlap).");

await db.destroy();
await globalThis.__masteriaEventBus?.close();
