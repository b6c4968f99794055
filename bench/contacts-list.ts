/**
 * Contacts list at 100 k contacts: server time of the list loader's database work (first page, a page
 * deep in keyset pagination, searches, a tag + custom field filter), then the first page over HTTP
 * through the real production build. Goal: p95 < 50 ms.
 *
 *   source .cache/test-services.env && npx remix build && npx tsx bench/contacts-list.ts
 *
 * Uses a fresh database `<TEST_DB_PREFIX>_bench_contacts` on TEST_DATABASE_URL's server (dropped at
 * the end unless KEEP_BENCH_DB=1). RUNS (default 200) sets the samples per scenario.
 */
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import pg from "pg";
import { createDb } from "../db/index.js";
import { migrateToLatest } from "../db/migrator.js";
import { createUser } from "../app/modules/auth/users.server.js";
import { parseFilterParams } from "../app/modules/contacts/contact-filter.js";
import { countContacts, countContactsUpTo, filterReferencesExist } from "../app/modules/contacts/contact-filter.server.js";
import { loadContactList } from "../app/modules/contacts/contact-list.server.js";
import { listContactsPage } from "../app/modules/contacts/contacts.server.js";
import { encodeCursor } from "../app/modules/contacts/cursor.server.js";
import { listCustomFields } from "../app/modules/contacts/custom-fields.server.js";
import { listSegments } from "../app/modules/contacts/segments.server.js";
import { listTags } from "../app/modules/contacts/tags.server.js";
import { createOrganization } from "../app/modules/orgs/organizations.server.js";
import { adminDatabaseUrl, databaseUrlFor, testSecrets } from "../tests/support/test-env.js";
import { measure as timeRuns, type Stats } from "./measure.js";

const CONTACTS = Number(process.env.CONTACTS ?? 100_000);
const OTHER_ORG_CONTACTS = 20_000;
const RUNS = Number(process.env.RUNS ?? 200);
const PASSWORD = "bench-password-123";
const database = `${process.env.TEST_DB_PREFIX ?? "masteria"}_bench_contacts`;

async function admin(query: string) {
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

const FIRST = ["Ana", "Bruno", "Carla", "Daniel", "Eduarda", "Felipe", "Gabriela", "Henrique", "Isabela", "João", "Karina", "Lucas", "Mariana", "Nicolas", "Olívia", "Paulo", "Quésia", "Rafael", "Sofia", "Tiago", "Úrsula", "Vinícius", "Wagner", "Xuxa", "Yasmin", "Zeca", "Beatriz", "Caio", "Débora", "Enzo", "Fernanda", "Gustavo", "Helena", "Igor", "Júlia", "Leonardo", "Manuela", "Otávio", "Patrícia", "Renato"];
const LAST = ["Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes", "Costa", "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes", "Soares", "Fernandes", "Vieira", "Barbosa", "Rocha", "Dias", "Nascimento", "Andrade", "Moreira", "Nunes", "Marques", "Machado", "Mendes", "Freitas", "Cardoso", "Ramos", "Gonçalves", "Santana", "Teixeira", "Araújo", "Pinto", "Correia", "Cavalcanti", "Monteiro", "Moura", "Castro", "Campos", "Batista", "Farias", "Rezende", "Siqueira", "Prado", "Queiroz", "Brandão"];
const CITIES = ["São Paulo", "Rio de Janeiro", "Belo Horizonte", "Recife", "Salvador", "Fortaleza", "Curitiba", "Porto Alegre", "Manaus", "Goiânia"];
const DDD = ["11", "21", "31", "81", "71", "85", "41", "51", "92", "62", "19", "48"];
const DOMAINS = ["gmail.com", "hotmail.com", "yahoo.com.br", "outlook.com", "uol.com.br", "empresa.com.br"];
const textArray = (values: string[]) => sql`${sql.val(values)}::text[]`;

/** Bulk generation in SQL (generate_series): 100 k rows in a few seconds, deterministic. */
async function generateContacts(db: ReturnType<typeof createDb>, orgId: string, count: number, seed: number) {
  await sql`
    INSERT INTO contacts (org_id, name, phone, email, attributes, opted_out, opted_out_at, opt_out_source, created_at, updated_at)
    SELECT ${orgId}::uuid,
           f.first || ' ' || l.last,
           '+55' || (${textArray(DDD)})[1 + (n + ${seed}) % 12] || '9' || lpad(((n::bigint * 7919 + ${seed}) % 100000000)::text, 8, '0'),
           translate(lower(f.first || '.' || l.last), 'áàãâéêíóôõúüç', 'aaaaeeiooouuc') || n || '@' || (${textArray(DOMAINS)})[1 + n % 6],
           jsonb_build_object(
             'cidade', (${textArray(CITIES)})[1 + abs(hashtext('c' || n)) % 10],
             'pontos', abs(hashtext('p' || n)) % 1000,
             'nascimento', to_char(date '1960-01-01' + abs(hashtext('d' || n)) % 20000, 'YYYY-MM-DD')),
           n % 33 = 0,
           CASE WHEN n % 33 = 0 THEN now() END,
           CASE WHEN n % 33 = 0 THEN 'keyword' END,
           now() - n * interval '5 minutes',
           now()
    FROM generate_series(1, ${count}) AS n,
         LATERAL (SELECT (${textArray(FIRST)})[1 + n % 40] AS first) f,
         LATERAL (SELECT (${textArray(LAST)})[1 + (n / 40) % 50] AS last) l`.execute(db);
}

async function generateTags(db: ReturnType<typeof createDb>, orgId: string) {
  const names = ["VIP", "Atacado", "Varejo", "Lead quente", "Lead frio", "Cliente", "Ex-cliente", "Indicação", "Newsletter", "Black Friday"];
  await db.insertInto("tags").values(names.map((name) => ({ org_id: orgId, name }))).execute();
  // Pseudo-random and independent of the other columns: tag k (0–8) for ~1/9 of contacts each, a
  // second one for a third of them, and the rare "Black Friday" (k = 9) for ~0.3%.
  await sql`
    WITH picks AS (
      SELECT id, abs(hashtext('t' || id)) % 9 AS first, abs(hashtext('s' || id)) % 27 AS second, abs(hashtext('r' || id)) % 1000 AS rare
      FROM contacts WHERE org_id = ${orgId}),
    tag_list AS (SELECT id, (array_position(${textArray(names)}, name) - 1) AS k FROM tags WHERE org_id = ${orgId})
    INSERT INTO contact_tags (contact_id, tag_id, org_id)
    SELECT DISTINCT picks.id, tag_list.id, ${orgId}::uuid FROM picks JOIN tag_list
      ON tag_list.k = picks.first OR (picks.second < 9 AND tag_list.k = picks.second) OR (picks.rare < 3 AND tag_list.k = 9)`.execute(db);
}

const measure = (run: (index: number) => Promise<unknown>) => timeRuns(RUNS, run);

const rows: Array<{ scenario: string; part: string; stats: Stats; matches?: number }> = [];
const report = (scenario: string, part: string, stats: Stats, matches?: number) => {
  rows.push({ scenario, part, stats, matches });
  const fmt = (value: number) => value.toFixed(1).padStart(6);
  console.log(`${scenario.padEnd(34)} ${part.padEnd(22)} p50 ${fmt(stats.p50)}  p95 ${fmt(stats.p95)}  max ${fmt(stats.max)} ms${matches === undefined ? "" : `   (${matches} matches)`}`);
};

await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
await admin(`CREATE DATABASE "${database}"`);
const databaseUrl = databaseUrlFor(database);
const db = createDb(databaseUrl, { max: 10 });

try {
  await migrateToLatest(db);
  const owner = await createUser(db, { email: "bench-owner@example.test", name: "Bench Owner", password: PASSWORD });
  const org = await createOrganization(db, { name: "Bench Loja", ownerId: owner.id });
  const otherOwner = await createUser(db, { email: "bench-other@example.test", name: "Other", password: PASSWORD });
  const otherOrg = await createOrganization(db, { name: "Outra Loja", ownerId: otherOwner.id });
  await db
    .insertInto("custom_fields")
    .values([
      { org_id: org.id, key: "cidade", label: "Cidade", type: "select", options: JSON.stringify(CITIES), position: 0 },
      { org_id: org.id, key: "pontos", label: "Pontos", type: "number", position: 1 },
      { org_id: org.id, key: "nascimento", label: "Nascimento", type: "date", position: 2 },
    ])
    .execute();

  const started = performance.now();
  await generateContacts(db, org.id, CONTACTS, 0);
  await generateContacts(db, otherOrg.id, OTHER_ORG_CONTACTS, 7);
  await generateTags(db, org.id);
  await sql`VACUUM ANALYZE contacts`.execute(db);
  await sql`VACUUM ANALYZE contact_tags`.execute(db);
  console.log(`generated ${CONTACTS} contacts (+${OTHER_ORG_CONTACTS} in another organization) with tags in ${((performance.now() - started) / 1000).toFixed(1)} s; ${RUNS} runs per scenario\n`);

  const tagId = async (name: string) => (await db.selectFrom("tags").select("id").where("org_id", "=", org.id).where("name", "=", name).executeTakeFirstOrThrow()).id;
  const vip = { id: await tagId("VIP") };
  const rare = await tagId("Black Friday");
  const middle = await sql<{ id: string; at: string }>`
    SELECT id, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at
    FROM contacts WHERE org_id = ${org.id} ORDER BY created_at DESC, id DESC OFFSET ${Math.floor(CONTACTS / 2)} LIMIT 1`.execute(db);
  const sample = await db.selectFrom("contacts").select(["phone", "email"]).where("org_id", "=", org.id).orderBy("created_at").offset(Math.floor(CONTACTS / 8)).limit(1).executeTakeFirstOrThrow();
  const phoneDigits = sample.phone!.slice(-8);
  const scenarios: Array<[string, string]> = [
    ["first page", ""],
    [`deep page (row ${Math.floor(CONTACTS / 2)})`, `after=${encodeCursor(middle.rows[0]!)}`],
    ['search name "souza"', "q=souza"],
    ['search name "mariana prado"', `q=${encodeURIComponent("mariana prado")}`],
    [`search phone "${phoneDigits.slice(0, 4)}-${phoneDigits.slice(4)}"`, `q=${encodeURIComponent(`${phoneDigits.slice(0, 4)}-${phoneDigits.slice(4)}`)}`],
    ["search email (full address)", `q=${encodeURIComponent(sample.email!)}`],
    ['search email "@uol.com"', `q=${encodeURIComponent("@uol.com")}`],
    ["tag VIP + cidade = Recife", `tag=${vip.id}&cf.cidade.op=eq&cf.cidade.value=Recife`],
    ["tag VIP + pontos > 900", `tag=${vip.id}&cf.pontos.op=gt&cf.pontos.value=900`],
    ['rare tag "Black Friday"', `tag=${rare}`],
    ["rare tag + cidade = Recife", `tag=${rare}&cf.cidade.op=eq&cf.cidade.value=Recife`],
  ];

  const orgContext = { id: org.id, country: "BR" };
  for (const [label, query] of scenarios) {
    const url = new URL(`http://bench.local/contacts?${query}`);
    const fields = await listCustomFields(db, org.id);
    const { filter } = parseFilterParams(url.searchParams, fields);
    const matches = await countContacts(db, org.id, filter);
    const after = url.searchParams.get("after");
    report(label, "page query", await measure(() => listContactsPage(db, org.id, filter, { after })), matches);
    report(label, "count (capped 10k)", await measure(() => countContactsUpTo(db, org.id, filter, 10_000)));
    report(label, "count (exact)", await measure(() => countContacts(db, org.id, filter)));
    // Everything the /contacts loader asks the database for, in the same order and parallelism.
    const loader = await measure(async () => {
      const [loaderFields] = await Promise.all([listCustomFields(db, org.id), listTags(db, org.id), listSegments(db, org.id)]);
      const parsed = parseFilterParams(url.searchParams, loaderFields);
      await filterReferencesExist(db, org.id, parsed.filter);
      await Promise.all([loadContactList(db, orgContext, parsed.filter, url), countContactsUpTo(db, org.id, parsed.filter, 10_000)]);
    });
    report(label, "loader (all queries)", loader);
  }

  // Through HTTP: the production build in this process, signed in as the owner (render + session + queries).
  Object.assign(process.env, { ...testSecrets, NODE_ENV: "production", LOG_LEVEL: "silent", DATABASE_URL: databaseUrl, APP_URL: "http://localhost:3000" });
  const { startTestApp } = await import("../tests/support/app-server.js");
  const app = await startTestApp();
  try {
    const client = app.client();
    await client.signIn("bench-owner@example.test", PASSWORD);
    for (const [label, query] of [scenarios[0]!, scenarios[2]!]) {
      const stats = await measure(async () => {
        const response = await client.get(`/contacts${query ? `?${query}` : ""}`);
        if (response.status !== 200) throw new Error(`GET /contacts answered ${response.status}`);
        await response.text();
      });
      report(label, "HTTP GET /contacts", stats);
    }
  } finally {
    await app.close();
    const { getDb } = await import("../app/lib/db.server.js");
    await getDb().destroy();
  }

  const worst = Math.max(...rows.filter((row) => row.part === "loader (all queries)").map((row) => row.stats.p95));
  console.log(`\nworst loader p95: ${worst.toFixed(1)} ms (goal < 50 ms)`);
} finally {
  await db.destroy();
  if (process.env.KEEP_BENCH_DB !== "1") await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
}
// The in-process app leaves handles behind (Redis client, rate-limit timers) that startTestApp's close() does not own.
process.exit(process.exitCode ?? 0);
