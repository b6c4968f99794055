/**
 * The Kanban board at 5 stages x 2,000 leads: server time of the board loader's database work (whole
 * board, owner filter, one column expanded with "show more"), one lead move, then the board over HTTP
 * through the real production build (JSON loader data and the full server-rendered page).
 *
 *   source .cache/test-services.env && npx remix build && npx tsx bench/pipelines-board.ts
 *
 * Uses a fresh database `<TEST_DB_PREFIX>_bench_pipelines` on TEST_DATABASE_URL's server (dropped at
 * the end unless KEEP_BENCH_DB=1). RUNS (default 200) sets the samples per scenario, LEADS_PER_STAGE
 * (default 2000) the column size.
 */
import { performance } from "node:perf_hooks";
import { generateNKeysBetween } from "fractional-indexing";
import { sql } from "kysely";
import pg from "pg";
import { adminDatabaseUrl, databaseUrlFor, testSecrets } from "../tests/support/test-env.js";
import { measure as timeRuns, type Stats } from "./measure.js";

const STAGES = ["Novo", "Qualificado", "Proposta", "Negociação", "Fechamento"];
const LEADS_PER_STAGE = Number(process.env.LEADS_PER_STAGE ?? 2_000);
const RUNS = Number(process.env.RUNS ?? 200);
const PASSWORD = "bench-password-123";
const database = `${process.env.TEST_DB_PREFIX ?? "masteria"}_bench_pipelines`;
const databaseUrl = databaseUrlFor(database);

// moveLead publishes live events and the HTTP part runs the app: both read the environment (and the
// logger reads LOG_LEVEL when it loads), so set it before importing app code. No Redis: the event bus
// falls back to Postgres, like the zero-config default.
Object.assign(process.env, { ...testSecrets, NODE_ENV: "production", LOG_LEVEL: "silent", DATABASE_URL: databaseUrl, APP_URL: "http://localhost:3000" });
delete process.env.REDIS_URL;
const { createDb } = await import("../db/index.js");
const { migrateToLatest } = await import("../db/migrator.js");
const { createUser } = await import("../app/modules/auth/users.server.js");
const { createOrganization } = await import("../app/modules/orgs/organizations.server.js");
const { loadBoard } = await import("../app/modules/pipelines/board.server.js");
const { moveLead } = await import("../app/modules/pipelines/leads.server.js");
const { listMemberOptions } = await import("../app/modules/pipelines/options.server.js");
const { createPipeline, findPipeline } = await import("../app/modules/pipelines/pipelines.server.js");

async function admin(query: string) {
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

const measure = (run: (index: number) => Promise<unknown>) => timeRuns(RUNS, run);

const report = (scenario: string, stats: Stats) => {
  const fmt = (value: number) => value.toFixed(1).padStart(6);
  console.log(`${scenario.padEnd(46)} p50 ${fmt(stats.p50)}  p95 ${fmt(stats.p95)}  max ${fmt(stats.max)} ms`);
};

await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
await admin(`CREATE DATABASE "${database}"`);
const db = createDb(databaseUrl, { max: 10 });

try {
  await migrateToLatest(db);
  const owner = await createUser(db, { email: "bench-owner@example.test", name: "Bench Owner", password: PASSWORD });
  const org = await createOrganization(db, { name: "Bench Vendas", ownerId: owner.id });
  const members = [owner.id];
  for (let index = 1; index <= 4; index++) {
    const member = await createUser(db, { email: `bench-agent-${index}@example.test`, name: `Agente ${index}`, password: PASSWORD });
    await db.insertInto("memberships").values({ org_id: org.id, user_id: member.id, role: "agent" }).execute();
    members.push(member.id);
  }
  const otherOwner = await createUser(db, { email: "bench-other@example.test", name: "Other", password: PASSWORD });
  const otherOrg = await createOrganization(db, { name: "Outra", ownerId: otherOwner.id });

  const started = performance.now();
  const seedPipeline = async (orgId: string, owners: string[]) => {
    const pipelineId = await createPipeline(db, { orgId, name: "Vendas", stageNames: STAGES });
    const stages = await db.selectFrom("stages").select("id").where("pipeline_id", "=", pipelineId).orderBy("position").execute();
    const positions = generateNKeysBetween(null, null, LEADS_PER_STAGE);
    await sql`
      INSERT INTO contacts (org_id, name, phone)
      SELECT ${orgId}::uuid, 'Contato ' || n, '+551199' || lpad(n::text, 7, '0') FROM generate_series(1, ${LEADS_PER_STAGE}) AS n`.execute(db);
    for (const stage of stages) {
      await sql`
        INSERT INTO leads (org_id, pipeline_id, stage_id, title, value_cents, owner_id, contact_id, status, position)
        SELECT ${orgId}::uuid, ${pipelineId}::uuid, ${stage.id}::uuid, 'Oportunidade ' || n, (n * 7919) % 5000000,
               (${sql.val(owners)}::uuid[])[1 + n % ${owners.length}],
               (SELECT id FROM contacts WHERE org_id = ${orgId} AND phone = '+551199' || lpad(n::text, 7, '0')),
               CASE WHEN n % 10 = 0 THEN 'won' WHEN n % 10 = 1 THEN 'lost' ELSE 'open' END,
               (${sql.val(positions)}::text[])[n]
        FROM generate_series(1, ${LEADS_PER_STAGE}) AS n`.execute(db);
    }
    return { pipelineId, stages };
  };
  const { pipelineId, stages } = await seedPipeline(org.id, members);
  await seedPipeline(otherOrg.id, [otherOwner.id]);
  await sql`VACUUM ANALYZE leads`.execute(db);
  await sql`VACUUM ANALYZE contacts`.execute(db);
  console.log(`generated ${STAGES.length} stages x ${LEADS_PER_STAGE} leads (and the same in another organization) in ${((performance.now() - started) / 1000).toFixed(1)} s; ${RUNS} runs per scenario\n`);

  // Everything the board loader asks the database for, with the same parallelism.
  const loader = (filter: { owner?: string; expand?: string; cards?: number }) => async () => {
    const pipeline = await findPipeline(db, org.id, pipelineId);
    await Promise.all([loadBoard(db, org.id, pipeline!.id, filter), listMemberOptions(db, org.id)]);
  };
  report("board loader: whole board", await measure(loader({})));
  report("board loader: owner filter", await measure(loader({ owner: members[2] })));
  report("board loader: a column expanded to 500 cards", await measure(loader({ expand: stages[2]!.id, cards: 500 })));

  const leadIds = (await db.selectFrom("leads").select("id").where("stage_id", "=", stages[0]!.id).orderBy("position").limit(RUNS + 20).execute()).map((row) => row.id);
  const middle = await db.selectFrom("leads").select("id").where("stage_id", "=", stages[3]!.id).orderBy("position").offset(LEADS_PER_STAGE / 2).limit(1).executeTakeFirstOrThrow();
  let next = 0;
  report("moveLead into the middle of a full column", await measure(() => moveLead(db, { orgId: org.id, leadId: leadIds[next++]!, toStageId: stages[3]!.id, afterLeadId: middle.id, actor: { type: "user", id: owner.id } })));

  // Through HTTP: the production build in this process, signed in as the owner.
  const { startTestApp } = await import("../tests/support/app-server.js");
  const app = await startTestApp();
  try {
    const client = app.client();
    await client.signIn("bench-owner@example.test", PASSWORD);
    const get = (path: string) => async () => {
      const response = await client.get(path);
      if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
      await response.text();
    };
    const route = encodeURIComponent("routes/_app+/pipelines.$pipelineId._index");
    report("HTTP board loader data (?_data)", await measure(get(`/pipelines/${pipelineId}?_data=${route}`)));
    report("HTTP board page (server-rendered)", await measure(get(`/pipelines/${pipelineId}`)));
    report("HTTP pipelines list page (for comparison)", await measure(get(`/pipelines`)));
    const page = await (await client.get(`/pipelines/${pipelineId}`)).text();
    console.log(`\nboard page: ${(page.length / 1024).toFixed(0)} KiB of HTML for ${(page.match(/data-testid="lead-card"/g) ?? []).length} cards`);
  } finally {
    await app.close();
    const { getDb } = await import("../app/lib/db.server.js");
    await getDb().destroy();
    const { getEventBus } = await import("../app/lib/events/publisher.server.js");
    await getEventBus().close();
  }
} finally {
  await db.destroy();
  if (process.env.KEEP_BENCH_DB !== "1") await dropDatabase();
}

/** Waits for pools still closing instead of killing their connections (which would crash this process). */
async function dropDatabase() {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      return await admin(`DROP DATABASE IF EXISTS "${database}"`);
    } catch (error) {
      if ((error as { code?: string }).code !== "55006") throw error; // in use by other sessions
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
}
