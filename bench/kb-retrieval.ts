/**
 * Knowledge-base retrieval at 100,000 chunks: server time of a top-5 hybrid retrieval (full text +
 * HNSW, fused) and HNSW recall@10 against an exact scan. Goals: p95 < 20 ms, recall@10 ≥ 0.95.
 *
 *   source .cache/test-services.env && npx tsx bench/kb-retrieval.ts
 *
 * Uses a fresh database `<TEST_DB_PREFIX>_bench_kb` on TEST_DATABASE_URL's server (dropped at the end
 * unless KEEP_BENCH_DB=1); needs pgvector there. CHUNKS (default 100000), RUNS (default 200 queries),
 * HNSW_M / HNSW_EF_CONSTRUCTION (default 64 / 512, as the migration) change the set-up;
 * REUSE_BENCH_DB=1 measures again on a database kept by KEEP_BENCH_DB=1. Chunks are
 * synthetic store-support text in pt-BR and English, embedded with the offline embedder (512 dims).
 */
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import pg from "pg";
import { createDb } from "../db/index.js";
import { migrateToLatest } from "../db/migrator.js";
import { retrievePassages } from "../app/modules/ai/knowledge/retrieve.server.js";
import {
  exactStore,
  efSearchFor,
  pgvectorStore,
} from "../app/modules/ai/knowledge/vector-store.server.js";
import {
  embedOffline,
  OFFLINE_EMBEDDING_MODEL,
} from "../app/modules/ai/offline-embedder.js";
import { adminDatabaseUrl, databaseUrlFor } from "../tests/support/test-env.js";
import { measure } from "./measure.js";

const CHUNKS = Number(process.env.CHUNKS ?? 100_000);
const OTHER_ORG_CHUNKS = Math.round(CHUNKS / 10);
const RUNS = Number(process.env.RUNS ?? 200);
const M = Number(process.env.HNSW_M ?? 64);
const EF_CONSTRUCTION = Number(process.env.HNSW_EF_CONSTRUCTION ?? 512);
const database = `${process.env.TEST_DB_PREFIX ?? "masteria"}_bench_kb`;
type Db = ReturnType<typeof createDb>;

async function admin(query: string) {
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

// A seeded generator, so every run builds the same corpus.
let seed = 42;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = <T>(values: readonly T[]): T =>
  values[Math.floor(random() * values.length)]!;
const int = (min: number, max: number) =>
  min + Math.floor(random() * (max - min + 1));

const BRANDS = ["Volt", "Aurora", "Pulse", "Tropic", "Norte", "Brisa", "Cobalt", "Jade", "Orion", "Raiz", "Sol", "Vega", "Atlas", "Luma", "Prisma", "Terra", "Zênite", "Nimbus", "Fênix", "Onda"];
const TYPES = ["bicicleta", "patinete elétrico", "capacete", "tênis de corrida", "mochila", "smartwatch", "fone Bluetooth", "cafeteira", "air fryer", "colchão", "cadeira gamer", "notebook", "liquidificador", "aspirador robô", "ventilador", "panela de pressão", "câmera", "caixa de som", "running shoes", "rain jacket", "coffee grinder", "standing desk", "phone case", "yoga mat", "water bottle", "desk lamp", "backpack", "headphones", "blender", "tent"];
const COLORS = ["preto", "branco", "azul", "verde", "vermelho", "cinza", "rosa", "amarelo", "grafite", "bege", "black", "navy", "olive", "silver"];
const FEATURES = [
  "bateria de longa duração", "resistente à água", "carregamento rápido", "design compacto", "tecido respirável", "acabamento fosco", "controle por aplicativo",
  "motor silencioso", "tela sensível ao toque", "estrutura de alumínio", "revestimento antiaderente", "ajuste de altura", "garantia estendida opcional",
  "cancelamento de ruído", "sensor de batimentos", "modo noturno", "trava de segurança", "filtro lavável", "memória de 256 GB", "ultra-light frame",
  "waterproof zipper", "reinforced stitching", "adjustable straps", "stainless steel blades", "USB-C charging", "foldable design", "anti-slip surface",
];
const CITIES = ["São Paulo", "Recife", "Curitiba", "Manaus", "Belo Horizonte", "Porto Alegre", "Salvador", "Fortaleza", "Goiânia", "Belém", "Campinas", "Natal", "Maceió", "Florianópolis", "Vitória", "Cuiabá", "Teresina", "João Pessoa", "Londrina", "Uberlândia", "Santos", "Joinville", "Sorocaba", "Niterói", "Austin", "Miami", "Boston", "Denver", "Seattle", "Chicago"];
const NAMES = ["Ana", "Bruno", "Carla", "Diego", "Elisa", "Fábio", "Gabi", "Heitor", "Íris", "Jonas", "Kátia", "Leo", "Marta", "Nuno", "Olga", "Pedro", "Rita", "Sara", "Tomás", "Vera"];
const product = () => `${pick(TYPES)} ${pick(BRANDS)} ${String.fromCharCode(65 + int(0, 25))}${int(1, 99)}`;
const PT = [
  () => `O ${product()} tem garantia de ${int(3, 24)} meses contra defeitos de fabricação.`,
  () => `Entregamos em ${pick(CITIES)} em até ${int(2, 15)} dias úteis após a confirmação do pagamento.`,
  () => `O frete para ${pick(CITIES)} é grátis em compras acima de R$ ${int(99, 499)},00.`,
  () => `Aceitamos Pix com ${int(3, 10)}% de desconto e cartão de crédito em até ${int(2, 12)} vezes sem juros.`,
  () => `A troca do ${product()} pode ser feita em até ${int(7, 60)} dias, com a nota fiscal e a embalagem original.`,
  () => `Nossa loja de ${pick(CITIES)} abre de segunda a sábado, das ${int(7, 10)}h às ${int(18, 22)}h.`,
  () => `O ${product()} custa R$ ${int(80, 9000)},${int(10, 99)} na cor ${pick(COLORS)}.`,
  () => `O ${product()} vem com ${pick(FEATURES)} e ${pick(FEATURES)}.`,
  () => `Para rastrear o pedido ${int(100000, 999999)}, use o código enviado por e-mail depois do despacho.`,
  () => `O reembolso é feito em até ${int(5, 30)} dias na mesma forma de pagamento usada na compra.`,
  () => `A assistência técnica do ${product()} atende em ${pick(CITIES)} com agendamento pelo WhatsApp.`,
  () => `${pick(NAMES)}, da equipe de ${pick(CITIES)}, recomenda o ${product()} para quem busca ${pick(FEATURES)}.`,
  () => `O manual do ${product()} explica como fazer a limpeza e a manutenção a cada ${int(2, 12)} meses.`,
  () => `Clientes do programa de fidelidade ganham ${int(5, 20)}% de cashback no ${product()}.`,
];
const EN = [
  () => `The ${product()} ships to ${pick(CITIES)} within ${int(2, 15)} business days.`,
  () => `Returns of the ${product()} are accepted for ${int(14, 90)} days with the original receipt.`,
  () => `Members get free express shipping on orders over $${int(25, 150)} and early access to sales.`,
  () => `The ${product()} costs $${int(15, 2000)}.${int(10, 99)} and comes with a ${int(6, 36)}-month warranty.`,
  () => `The ${product()} features ${pick(FEATURES)} and ${pick(FEATURES)}.`,
  () => `Gift cards worth $${int(10, 500)} never expire and work online and in stores.`,
  () => `Our support team in ${pick(CITIES)} answers by chat from ${int(7, 10)} am to ${int(5, 11)} pm.`,
];
const HEADINGS = ["Entregas", "Pagamento", "Trocas e devoluções", "Garantia", "Produtos", "Lojas", "Shipping", "Returns", "Pricing", "Support"];

function syntheticChunk(): { heading: string; content: string } {
  const bank = random() < 0.7 ? PT : EN;
  const sentences = Array.from({ length: int(3, 6) }, () => pick(bank)());
  return { heading: pick(HEADINGS), content: sentences.join(" ") };
}

const QUESTIONS = [
  () => `qual a garantia do ${pick(TYPES)} ${pick(BRANDS)}?`,
  () => `vocês entregam em ${pick(CITIES)}? quanto tempo demora?`,
  () => `o frete é grátis pra ${pick(CITIES)}?`,
  () => `posso parcelar no cartão sem juros?`,
  () => `quanto custa o ${product()}?`,
  () => `como faço pra devolver o ${pick(TYPES)}?`,
  () => `o ${pick(TYPES)} tem ${pick(FEATURES)}?`,
  () => `que horas abre a loja de ${pick(CITIES)}?`,
  () => `how long does shipping to ${pick(CITIES)} take?`,
  () => `do gift cards expire?`,
  () => `what is the return policy for the ${pick(TYPES)}?`,
];

async function load(db: Db, orgId: string, kbId: string, count: number) {
  const document = await db
    .insertInto("kb_documents")
    .values({
      org_id: orgId,
      kb_id: kbId,
      title: "Catálogo e políticas",
      source_kind: "text",
      status: "ready",
      chunk_count: count,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const BATCH = 1000;
  for (let start = 0; start < count; start += BATCH) {
    const rows = Array.from(
      { length: Math.min(BATCH, count - start) },
      (_, index) => {
        const chunk = syntheticChunk();
        return {
          org_id: orgId,
          kb_id: kbId,
          document_id: document.id,
          position: start + index,
          heading: chunk.heading,
          content: chunk.content,
          embedding: embedOffline(`${chunk.heading}\n${chunk.content}`),
          embedding_model: OFFLINE_EMBEDDING_MODEL,
        };
      }
    );
    await db.insertInto("kb_chunks").values(rows).execute();
    if ((start / BATCH) % 20 === 0)
      process.stdout.write(`  ${start + rows.length} chunks\r`);
  }
}

async function setUp(db: Db) {
  await migrateToLatest(db);
  const { rows: ext } = await sql<{
    extversion: string;
  }>`SELECT extversion FROM pg_extension WHERE extname = 'vector'`.execute(db);
  if (!ext[0])
    throw new Error(
      "pgvector is not installed on this server: the bench measures the HNSW path"
    );

  const orgs = await db
    .insertInto("organizations")
    .values([
      { name: "Bench store", slug: "bench-store" },
      { name: "Other store", slug: "other-store" },
    ])
    .returning("id")
    .execute();
  const kbs = await db
    .insertInto("knowledge_bases")
    .values(
      orgs.map((org) => ({
        org_id: org.id,
        name: "FAQ",
        embedding_model: OFFLINE_EMBEDDING_MODEL,
        embedding_dimensions: 512,
      }))
    )
    .returning(["id", "org_id"])
    .execute();

  // Bulk-load without the HNSW index, then build it once: much faster than growing it row by row.
  await sql`DROP INDEX kb_chunks_embedding_512_hnsw`.execute(db);
  let started = performance.now();
  console.log(
    `loading ${CHUNKS} chunks (+${OTHER_ORG_CHUNKS} in another organization)…`
  );
  await load(db, kbs[0]!.org_id, kbs[0]!.id, CHUNKS);
  await load(db, kbs[1]!.org_id, kbs[1]!.id, OTHER_ORG_CHUNKS);
  console.log(
    `loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`
  );
  started = performance.now();
  await db.connection().execute(async (connection) => {
    await sql`SET maintenance_work_mem = '2GB'`.execute(connection);
    await sql`
        CREATE INDEX kb_chunks_embedding_512_hnsw ON kb_chunks
        USING hnsw ((embedding::vector(512)) vector_cosine_ops) WITH (m = ${sql.lit(
          M
        )}, ef_construction = ${sql.lit(EF_CONSTRUCTION)})
        WHERE embedding_dims = 512`.execute(connection);
  });
  console.log(
    `HNSW (m=${M}, ef_construction=${EF_CONSTRUCTION}) built in ${(
      (performance.now() - started) /
      1000
    ).toFixed(1)} s`
  );
  await sql`VACUUM ANALYZE kb_chunks`.execute(db);
}

async function main() {
  const reuse = process.env.REUSE_BENCH_DB === "1";
  if (!reuse) {
    await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin(`CREATE DATABASE "${database}"`);
  }
  const db = createDb(databaseUrlFor(database), { max: 4 });
  try {
    if (!reuse) await setUp(db);
    const kbs = await db
      .selectFrom("knowledge_bases as kb")
      .innerJoin("organizations as o", "o.id", "kb.org_id")
      .select(["kb.id", "kb.org_id"])
      .orderBy(sql`o.slug = 'bench-store'`, "desc")
      .execute();
    const orgId = kbs[0]!.org_id;
    const kbIds = [kbs[0]!.id];
    seed = 7;
    const questions = Array.from({ length: RUNS }, () => pick(QUESTIONS)());

    const hybrid = await measure(RUNS, (index) =>
      retrievePassages(db, {
        orgId,
        knowledgeBaseIds: kbIds,
        query: questions[index % questions.length]!,
        limit: 5,
      })
    );
    console.log(
      `top-5 hybrid retrieval (pgvector HNSW, ef_search=${efSearchFor(OFFLINE_EMBEDDING_MODEL)}): p50 ${hybrid.p50.toFixed(
        1
      )} ms, p95 ${hybrid.p95.toFixed(1)} ms, max ${hybrid.max.toFixed(1)} ms`
    );
    const vectorOnly = await measure(RUNS, (index) =>
      pgvectorStore.nearest(db, {
        orgId,
        kbIds,
        model: OFFLINE_EMBEDDING_MODEL,
        embedding: embedOffline(questions[index % questions.length]!),
        limit: 10,
      })
    );
    console.log(
      `HNSW top-10 alone: p50 ${vectorOnly.p50.toFixed(
        1
      )} ms, p95 ${vectorOnly.p95.toFixed(1)} ms`
    );

    // Ground truth: exact cosine distances, with index scans off (a sequential scan). Synthetic text has
    // near-duplicate chunks, so a hit counts when its distance is within the exact 10th distance (ties).
    const scope = sql`embedding_dims = 512 AND org_id = ${orgId} AND kb_id = ANY(${kbIds}::uuid[]) AND embedding_model = ${OFFLINE_EMBEDDING_MODEL}`;
    const nearest = (
      embedding: string,
      settings: Array<ReturnType<typeof sql>>
    ) =>
      db.transaction().execute(async (trx) => {
        for (const setting of settings) await setting.execute(trx);
        const { rows } = await sql<{ id: string; distance: number }>`
          SELECT id, embedding::vector(512) <=> ${embedding}::vector(512) AS distance FROM kb_chunks
          WHERE ${scope}
          ORDER BY embedding::vector(512) <=> ${embedding}::vector(512)
          LIMIT 10`.execute(trx);
        return rows;
      });
    const recallQueries = questions
      .slice(0, Math.min(100, RUNS))
      .map((question) => `[${embedOffline(question).join(",")}]`);
    const truths = [];
    for (const embedding of recallQueries)
      truths.push(
        await nearest(embedding, [
          sql`SET LOCAL enable_indexscan = off`,
          sql`SET LOCAL enable_bitmapscan = off`,
        ])
      );
    for (const efSearch of [100, 400, 800, 1000]) {
      let found = 0;
      for (const [index, embedding] of recallQueries.entries()) {
        const hits = await nearest(embedding, [
          sql`SET LOCAL hnsw.ef_search = ${sql.lit(efSearch)}`,
          sql`SET LOCAL hnsw.iterative_scan = relaxed_order`,
        ]);
        const kth = truths[index]!.at(-1)!.distance + 1e-6;
        found += hits.filter((hit) => hit.distance <= kth).length;
      }
      console.log(
        `HNSW recall@10 vs exact, ef_search=${efSearch}: ${(
          found /
          (10 * recallQueries.length)
        ).toFixed(3)}`
      );
    }

    // The fallback scans every row (seconds at this size): a handful of timed runs is enough.
    const fallbackTimes: number[] = [];
    for (const question of questions.slice(0, 5)) {
      const begin = performance.now();
      await exactStore.nearest(db, { orgId, kbIds, model: OFFLINE_EMBEDDING_MODEL, embedding: embedOffline(question), limit: 10 });
      fallbackTimes.push(performance.now() - begin);
    }
    fallbackTimes.sort((a, b) => a - b);
    console.log(`exact real[] fallback top-10 (no pgvector) over ${CHUNKS} chunks: median ${fallbackTimes[2]!.toFixed(0)} ms of 5 runs`);
  } finally {
    await db.destroy();
    if (process.env.KEEP_BENCH_DB !== "1")
      await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  }
}

await main();
