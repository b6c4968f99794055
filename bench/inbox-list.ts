/**
 * The inbox at 1,000,000 messages over 100,000 contacts/conversations: server time of the inbox list
 * (first page under several filter combinations, a deep keyset page, searches, the unread badge and the
 * whole layout loader) and of a conversation's first page of messages (and its whole loader).
 * Goal: p95 < 50 ms.
 *
 *   source .cache/test-services.env && npx tsx bench/inbox-list.ts
 *
 * Uses a fresh database `<TEST_DB_PREFIX>_bench_inbox` on TEST_DATABASE_URL's server (dropped at the
 * end unless KEEP_BENCH_DB=1). CONVERSATIONS (default 100000), MESSAGES_PER_CONVERSATION (default 10)
 * and RUNS (default 200 samples per scenario) change the size.
 */
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import pg from "pg";
import { createDb } from "../db/index.js";
import { migrateToLatest } from "../db/migrator.js";
import { createUser } from "../app/modules/auth/users.server.js";
import { listConnections } from "../app/modules/channels/connections.server.js";
import { listTags, loadContactPanel } from "../app/modules/inbox/contact-panel.server.js";
import { countUnreadConversations, findConversation, listConversations } from "../app/modules/inbox/conversations.server.js";
import { listMessages } from "../app/modules/inbox/messages.server.js";
import { type InboxFilter, parseInboxFilter } from "../app/modules/inbox/schemas.js";
import { createOrganization } from "../app/modules/orgs/organizations.server.js";
import { adminDatabaseUrl, databaseUrlFor } from "../tests/support/test-env.js";
import { measure as timeRuns, type Stats } from "./measure.js";

const CONVERSATIONS = Number(process.env.CONVERSATIONS ?? 100_000);
const PER_CONVERSATION = Number(process.env.MESSAGES_PER_CONVERSATION ?? 10);
const OTHER_ORG_CONVERSATIONS = 20_000;
const RUNS = Number(process.env.RUNS ?? 200);
const AGENTS = 8;
const database = `${process.env.TEST_DB_PREFIX ?? "masteria"}_bench_inbox`;

async function admin(query: string) {
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

const FIRST = ["Ana", "Bruno", "Carla", "Daniel", "Eduarda", "Felipe", "Gabriela", "Henrique", "Isabela", "João", "Karina", "Lucas", "Mariana", "Nicolas", "Olívia", "Paulo", "Rafael", "Sofia", "Tiago", "Vinícius"];
const LAST = ["Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes", "Costa", "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes", "Soares", "Prado", "Queiroz", "Brandão"];
const TEXTS = ["Oi, tudo bem?", "Qual o preço?", "Vocês entregam hoje?", "Obrigado!", "Pode me mandar o catálogo?", "Já fiz o pagamento", "Qual o horário de funcionamento?", "Quero trocar um produto"];
const textArray = (values: string[]) => sql`${sql.val(values)}::text[]`;
type Db = ReturnType<typeof createDb>;

/**
 * Contacts, one conversation each (spread over three channels, statuses, assignees, unread counts and
 * 90 days of activity) and PER_CONVERSATION messages each, all with generate_series.
 */
async function generate(db: Db, orgId: string, count: number, seed: number, agentIds: string[]) {
  const connections = await db
    .insertInto("channel_connections")
    .values(["Loja", "Filial", "SMS"].map((name) => ({ org_id: orgId, kind: "sandbox", name, status: "connected" })))
    .returning("id")
    .execute();
  const connectionIds = connections.map((row) => row.id);
  await sql`
    INSERT INTO contacts (org_id, name, phone, created_at, updated_at)
    SELECT ${orgId}::uuid, (${textArray(FIRST)})[1 + n % 20] || ' ' || (${textArray(LAST)})[1 + (n / 20) % 20] || ' ' || n,
           '+5511' || '9' || lpad(((n::bigint * 7919 + ${seed}) % 100000000)::text, 8, '0'), now() - n * interval '1 minute', now()
    FROM generate_series(1, ${count}) AS n`.execute(db);
  await sql`
    INSERT INTO conversations (org_id, connection_id, contact_id, status, assignee_id, bot_active, unread_count, last_message_at, last_inbound_at, last_message_preview, created_at, updated_at)
    SELECT ${orgId}::uuid, (${sql.val(connectionIds)}::uuid[])[1 + n % 3], c.id,
           CASE WHEN n % 10 < 6 THEN 'resolved' WHEN n % 10 < 9 THEN 'open' ELSE 'pending' END,
           CASE WHEN n % 2 = 0 THEN (${sql.val(agentIds)}::uuid[])[1 + (n / 2) % ${agentIds.length}] END,
           n % 5 = 0,
           CASE WHEN n % 7 = 0 THEN 1 + n % 4 ELSE 0 END,
           now() - (n::bigint * 77773 % 7776000) * interval '1 second',
           now() - (n::bigint * 77773 % 7776000) * interval '1 second',
           (${textArray(TEXTS)})[1 + n % 8], now() - interval '100 days', now()
    FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM contacts WHERE org_id = ${orgId}) AS c(id, n)`.execute(db);
  await sql`
    INSERT INTO messages (org_id, conversation_id, connection_id, direction, type, body, status, sender_type, external_id, created_at)
    SELECT ${orgId}::uuid, cv.id, cv.connection_id,
           CASE WHEN k % 2 = 0 THEN 'inbound' ELSE 'outbound' END, 'text', (${textArray(TEXTS)})[1 + (k + cv.n) % 8],
           CASE WHEN k % 2 = 0 THEN 'received' WHEN k % 5 = 1 THEN 'delivered' ELSE 'read' END,
           CASE WHEN k % 2 = 0 THEN 'contact' ELSE 'user' END,
           'bench_' || cv.n || '_' || k,
           cv.last_message_at - (${PER_CONVERSATION} - k) * interval '3 minutes'
    FROM (SELECT id, connection_id, last_message_at, row_number() OVER (ORDER BY id) AS n FROM conversations WHERE org_id = ${orgId}) AS cv,
         generate_series(1, ${PER_CONVERSATION}) AS k`.execute(db);
  const tagNames = ["VIP", "Atacado", "Varejo", "Lead quente", "Lead frio", "Cliente", "Indicação", "Black Friday", "Newsletter", "Reclamação"];
  await db.insertInto("tags").values(tagNames.map((name) => ({ org_id: orgId, name }))).execute();
  // A third of the contacts carry one tag (so "VIP" is about 3 % of the inbox).
  await sql`
    WITH numbered AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM contacts WHERE org_id = ${orgId}),
         tag_list AS (SELECT id, row_number() OVER (ORDER BY name) - 1 AS k FROM tags WHERE org_id = ${orgId})
    INSERT INTO contact_tags (contact_id, tag_id, org_id)
    SELECT numbered.id, tag_list.id, ${orgId}::uuid FROM numbered JOIN tag_list ON numbered.n % 3 = 0 AND tag_list.k = (numbered.n / 3) % 10`.execute(db);
  return connectionIds;
}

const measure = (run: (index: number) => Promise<unknown>) => timeRuns(RUNS, run);

const results: Array<{ label: string; stats: Stats }> = [];
function report(label: string, stats: Stats, note = "") {
  results.push({ label, stats });
  const fmt = (value: number) => value.toFixed(1).padStart(6);
  console.log(`${label.padEnd(52)} p50 ${fmt(stats.p50)}  p95 ${fmt(stats.p95)}  max ${fmt(stats.max)} ms${note ? `   ${note}` : ""}`);
}

await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
await admin(`CREATE DATABASE "${database}"`);
const db = createDb(databaseUrlFor(database), { max: 10 });

try {
  await migrateToLatest(db);
  const owner = await createUser(db, { email: "bench-inbox@example.test", name: "Dona", password: "bench-password-123" });
  const org = await createOrganization(db, { name: "Bench Inbox", ownerId: owner.id });
  const agents = [owner.id];
  for (let index = 1; index < AGENTS; index++) {
    const agent = await createUser(db, { email: `bench-agent-${index}@example.test`, name: `Agente ${index}`, password: "bench-password-123" });
    await db.insertInto("memberships").values({ org_id: org.id, user_id: agent.id, role: "agent" }).execute();
    agents.push(agent.id);
  }
  const otherOwner = await createUser(db, { email: "bench-inbox-other@example.test", name: "Outra", password: "bench-password-123" });
  const otherOrg = await createOrganization(db, { name: "Outra Loja", ownerId: otherOwner.id });

  const started = performance.now();
  const connectionIds = await generate(db, org.id, CONVERSATIONS, 0, agents);
  await generate(db, otherOrg.id, OTHER_ORG_CONVERSATIONS, 13, [otherOwner.id]);
  for (const table of ["contacts", "conversations", "messages", "contact_tags", "tags"]) await sql`VACUUM ANALYZE ${sql.table(table)}`.execute(db);
  const counts = await sql<{ messages: number; conversations: number }>`
    SELECT (SELECT count(*) FROM messages WHERE org_id = ${org.id})::int AS messages, (SELECT count(*) FROM conversations WHERE org_id = ${org.id})::int AS conversations`.execute(db);
  console.log(
    `generated ${counts.rows[0]!.messages.toLocaleString("en")} messages over ${counts.rows[0]!.conversations.toLocaleString("en")} conversations/contacts ` +
      `(+${(OTHER_ORG_CONVERSATIONS * (PER_CONVERSATION + 1)).toLocaleString("en")} rows in another organization) in ${((performance.now() - started) / 1000).toFixed(1)} s; ${RUNS} runs per scenario\n`,
  );

  const vip = await db.selectFrom("tags").select("id").where("org_id", "=", org.id).where("name", "=", "VIP").executeTakeFirstOrThrow();
  const sample = await db.selectFrom("contacts").select(["name", "phone"]).where("org_id", "=", org.id).orderBy("id").offset(4321).limit(1).executeTakeFirstOrThrow();
  const base = parseInboxFilter(new URLSearchParams());
  const filter = (overrides: Partial<InboxFilter>): InboxFilter => ({ ...base, ...overrides });
  const me = (index: number) => agents[index % agents.length]!;

  // A cursor ten pages deep into "all conversations".
  let deep: string | null = null;
  for (let page = 0; page < 10; page++) deep = (await listConversations(db, org.id, owner.id, filter({ status: "all" }), { after: deep })).nextCursor;

  const phoneTyped = `${sample.phone!.slice(5, 10)}-${sample.phone!.slice(10)}`;
  const listScenarios: Array<[string, InboxFilter, string | null]> = [
    ["list: open (default)", base, null],
    ["list: open + mine", filter({ assignee: "mine" }), null],
    ["list: open + unassigned", filter({ assignee: "unassigned" }), null],
    ["list: all statuses", filter({ status: "all" }), null],
    ["list: resolved", filter({ status: "resolved" }), null],
    ["list: pending + mine", filter({ status: "pending", assignee: "mine" }), null],
    ["list: open + channel", filter({ channel: connectionIds[1] }), null],
    ["list: open + tag VIP", filter({ tag: vip.id }), null],
    ["list: unread (all statuses)", filter({ status: "all", unread: "1" }), null],
    ["list: open + mine + unread", filter({ assignee: "mine", unread: "1" }), null],
    ["list: open + channel + tag + unread", filter({ channel: connectionIds[2], tag: vip.id, unread: "1" }), null],
    [`list: search name "${sample.name}"`, filter({ status: "all", q: sample.name }), null],
    ['list: search "mariana"', filter({ status: "all", q: "mariana" }), null],
    [`list: search phone "${phoneTyped}"`, filter({ status: "all", q: phoneTyped }), null],
    ["list: all statuses, page 11 (keyset)", filter({ status: "all" }), deep],
  ];
  for (const [label, inboxFilter, after] of listScenarios) {
    const page = await listConversations(db, org.id, owner.id, inboxFilter, { after });
    report(label, await measure((index) => listConversations(db, org.id, me(index), inboxFilter, { after })), `(${page.conversations.length} rows)`);
  }
  report("unread badge (count, capped at 100)", await measure(() => countUnreadConversations(db, org.id)));
  report(
    "inbox layout loader (list + badge + channels + tags)",
    await measure((index) => Promise.all([listConversations(db, org.id, me(index), base), countUnreadConversations(db, org.id), listConnections(db, org.id), listTags(db, org.id)])),
  );

  const conversationIds = (await db.selectFrom("conversations").select("id").where("org_id", "=", org.id).orderBy("id").limit(RUNS + 10).offset(5_000).execute()).map((row) => row.id);
  const conversationAt = (index: number) => conversationIds[index % conversationIds.length]!;
  report("messages: first page (newest 30)", await measure((index) => listMessages(db, org.id, conversationAt(index))));
  const olderCursors = await Promise.all(conversationIds.slice(0, 20).map(async (id) => [id, (await listMessages(db, org.id, id, { limit: 5 })).olderCursor] as const));
  report("messages: older page (?before=)", await measure((index) => listMessages(db, org.id, olderCursors[index % 20]![0], { before: olderCursors[index % 20]![1] })));
  report(
    "conversation loader (conversation + messages + panel)",
    await measure(async (index) => {
      const conversation = await findConversation(db, org.id, conversationAt(index));
      await Promise.all([listMessages(db, org.id, conversation!.id), loadContactPanel(db, org.id, conversation!.contact.id)]);
    }),
  );

  const worst = results.reduce((max, row) => (row.stats.p95 > max.stats.p95 ? row : max));
  console.log(`\nworst p95: ${worst.stats.p95.toFixed(1)} ms (${worst.label}); goal < 50 ms`);
} finally {
  await db.destroy();
  if (process.env.KEEP_BENCH_DB !== "1") await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
}
