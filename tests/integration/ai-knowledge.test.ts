import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../db/index.js";
import { getEnv } from "../../app/lib/env.server.js";
import { addTextDocument, addUploadedDocument, addUrlDocument, listDocuments } from "../../app/modules/ai/knowledge/documents.server.js";
import { fetchDocumentUrl, UrlFetchError } from "../../app/modules/ai/knowledge/fetch-url.server.js";
import { ingestDocument } from "../../app/modules/ai/knowledge/ingest.server.js";
import { createKnowledgeBase, findKnowledgeBase, reembedStaleKnowledgeBases } from "../../app/modules/ai/knowledge/knowledge-bases.server.js";
import { reembedKnowledgeBase } from "../../app/modules/ai/knowledge/reembed.server.js";
import { retrievePassages } from "../../app/modules/ai/knowledge/retrieve.server.js";
import { exactStore, pgvectorStore, type VectorStoreKind } from "../../app/modules/ai/knowledge/vector-store.server.js";
import { embedOffline, OFFLINE_EMBEDDING_MODEL } from "../../app/modules/ai/offline-embedder.js";
import { saveAiSettings } from "../../app/modules/ai/settings.server.js";
import { startWorker } from "../../workers/runner.js";
import { makePdf } from "../fixtures/kb/make-pdf.js";
import { startFakeOpenAi, type FakeOpenAi } from "../fakes/openai.js";
import { createOrgWithOwner } from "../support/factories.js";

const db = createDb(process.env.DATABASE_URL!, { max: 4 });
const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, "../fixtures/kb", name), "utf8");
const stores: VectorStoreKind[] = process.env.PGVECTOR_AVAILABLE === "0" ? ["exact"] : ["exact", "pgvector"];

let fake: FakeOpenAi;
let site: Server;
let siteUrl: string;
const pages: Record<string, { type: string; body: string | Uint8Array; status?: number; location?: string }> = {
  "/politica.html": {
    type: "text/html; charset=utf-8",
    body: `<!doctype html><html><head><title>Política de privacidade</title><style>p{}</style></head><body>
      <nav>Início | Produtos</nav><h1>Seus dados</h1><p>Guardamos seus dados por 5 anos &amp; nunca os vendemos.</p>
      <script>track()</script><h2>Cookies</h2><p>Usamos cookies apenas para manter o carrinho.</p></body></html>`,
  },
  "/moved": { type: "text/plain", body: "", status: 302, location: "/politica.html" },
  "/image.png": { type: "image/png", body: "PNG" },
  "/huge.txt": { type: "text/plain", body: "x".repeat(6 * 1024 * 1024) },
};

beforeAll(async () => {
  fake = await startFakeOpenAi({ apiKey: "sk-kb-test" });
  site = createServer((req, res) => {
    const page = pages[req.url ?? ""];
    if (!page) return res.writeHead(404).end();
    res.writeHead(page.status ?? 200, { "Content-Type": page.type, ...(page.location ? { Location: page.location } : {}) });
    res.end(page.body);
  });
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await fake.close();
  await new Promise<void>((resolve) => site.close(() => resolve()));
  await db.destroy();
});

async function offlineKb(label: string) {
  const { org, owner } = await createOrgWithOwner(db, label);
  const kbId = await createKnowledgeBase(db, org.id, owner.id, { name: "FAQ", description: "" });
  return { orgId: org.id, userId: owner.id, kbId };
}

async function addAndIngest(owner: { orgId: string; kbId: string; userId: string }, title: string, text: string) {
  const added = await addTextDocument(db, owner, { title, text });
  if (!added.ok) throw new Error(added.error);
  expect(await ingestDocument(db, added.documentId)).toBe("ready");
  return added.documentId;
}

describe("retrieval on a small pt-BR and English corpus", () => {
  let owner: Awaited<ReturnType<typeof offlineKb>>;
  beforeAll(async () => {
    owner = await offlineKb("retrieval");
    await addAndIngest(owner, "Perguntas frequentes da loja", fixture("loja-faq.md"));
    await addAndIngest(owner, "Store policies", fixture("store-policies.md"));
  });

  // Paraphrases: none repeats the passage's wording whole; several share no word with it at all.
  const cases: Array<[string, RegExp]> = [
    ["vocês entregam no interior? demora quanto?", /12 dias úteis/],
    ["quanto custa o envio pra minha cidade?", /frete é grátis/],
    ["dá pra parcelar no cartão?", /10 vezes sem juros/],
    ["me arrependi da compra, como faço pra mandar de volta?", /30 dias após o recebimento/],
    ["que horas a loja abre no sábado?", /segunda a sábado/],
    ["meu celular quebrou, tem garantia?", /12 meses contra defeitos/],
    ["How much is the Gold plan each month?", /\$12 per month/],
    ["do gift cards have an expiration date?", /never expire/],
    ["can I get my personal information erased?", /deletion/],
    ["we are a company and want to buy 100 units, any discount?", /15% volume discount/],
  ];

  for (const store of stores) {
    it(`returns the right chunk first for paraphrased questions (${store})`, async () => {
      for (const [question, expected] of cases) {
        const passages = await retrievePassages(db, { orgId: owner.orgId, knowledgeBaseIds: [owner.kbId], query: question, vectorStore: store });
        expect({ question, top: passages[0]?.content }).toEqual({ question, top: expect.stringMatching(expected) });
        expect(passages.length).toBeLessThanOrEqual(5);
        expect(passages[0]).toMatchObject({ documentTitle: expect.any(String), position: expect.any(Number), vectorScore: expect.any(Number) });
      }
    });
  }

  it("pgvector and the exact real[] scan agree on the nearest chunks", async () => {
    for (const [question] of cases) {
      const input = { orgId: owner.orgId, kbIds: [owner.kbId], model: OFFLINE_EMBEDDING_MODEL, embedding: embedOffline(question), limit: 5 };
      const exact = await exactStore.nearest(db, input);
      expect(exact.length).toBeGreaterThan(0);
      if (!stores.includes("pgvector")) continue;
      const hnsw = await pgvectorStore.nearest(db, input);
      expect(hnsw.map((hit) => hit.id)).toEqual(exact.map((hit) => hit.id));
      hnsw.forEach((hit, index) => expect(hit.similarity).toBeCloseTo(exact[index].similarity, 4));
    }
  });

  it("never returns another organization's chunks", async () => {
    const other = await offlineKb("retrieval-other");
    expect(await retrievePassages(db, { orgId: other.orgId, knowledgeBaseIds: [owner.kbId], query: "frete grátis" })).toEqual([]);
  });
});

describe("adding documents", () => {
  it("reads markdown, CSV and PDF uploads into chunks that keep their heading and position", async () => {
    const owner = await offlineKb("uploads");
    const bytes = (text: string) => new Uint8Array(Buffer.from(text, "utf8"));
    const md = await addUploadedDocument(db, owner, { title: null, filename: "faq.md", mime: "text/markdown", bytes: bytes(fixture("loja-faq.md")) });
    const csv = await addUploadedDocument(db, owner, {
      title: "Tabela de preços",
      filename: "precos.csv",
      mime: "text/csv",
      bytes: bytes("produto;preço;estoque\nBicicleta Aro 29;R$ 2.490;12\nCapacete;R$ 189;40\n"),
    });
    const pdf = await addUploadedDocument(db, owner, {
      title: null,
      filename: "catalogo.pdf",
      mime: "application/pdf",
      bytes: makePdf(["Catalogo 2026", "A bicicleta eletrica Volt tem autonomia de 80 km por carga."]),
    });
    const txt = await addUploadedDocument(db, owner, { title: null, filename: "nota.txt", mime: "text/plain", bytes: bytes("Fechamos no feriado de Natal.") });
    for (const added of [md, csv, pdf, txt]) {
      if (!added.ok) throw new Error(added.error);
      expect(await ingestDocument(db, added.documentId)).toBe("ready");
    }
    const docs = await listDocuments(db, owner.orgId, owner.kbId);
    expect(docs.map((doc) => [doc.title, doc.status, doc.progress])).toEqual(
      expect.arrayContaining([
        ["faq.md", "ready", 100],
        ["Tabela de preços", "ready", 100],
        ["catalogo.pdf", "ready", 100],
        ["nota.txt", "ready", 100],
      ]),
    );
    const chunks = await db.selectFrom("kb_chunks").select(["document_id", "position", "heading", "content"]).where("kb_id", "=", owner.kbId).orderBy("position").execute();
    const ofDoc = (id: string) => chunks.filter((chunk) => chunk.document_id === id);
    expect(ofDoc(md.ok ? md.documentId : "").map((chunk) => chunk.heading)).toContain("Garantia");
    expect(ofDoc(csv.ok ? csv.documentId : "")[0].content).toContain("produto: Capacete; preço: R$ 189; estoque: 40.");
    expect(ofDoc(pdf.ok ? pdf.documentId : "")[0].content).toContain("autonomia de 80 km");
    // Uploaded bytes are dropped once their text is extracted.
    const stored = await db.selectFrom("kb_documents").select(["source_bytes", "content_hash"]).where("kb_id", "=", owner.kbId).execute();
    for (const row of stored) expect(row).toMatchObject({ source_bytes: null, content_hash: expect.stringMatching(/^[0-9a-f]{64}$/) });

    const passages = await retrievePassages(db, { orgId: owner.orgId, knowledgeBaseIds: [owner.kbId], query: "qual a autonomia da bike elétrica?" });
    expect(passages[0].documentTitle).toBe("catalogo.pdf");
  });

  it("refuses unsupported, empty and oversized uploads, and treats the same pasted text twice as one document", async () => {
    const owner = await offlineKb("refusals");
    expect(await addUploadedDocument(db, owner, { title: null, filename: "photo.png", mime: "image/png", bytes: new Uint8Array([1]) })).toEqual({ ok: false, error: "unsupported_format" });
    expect(await addUploadedDocument(db, owner, { title: null, filename: "a.txt", mime: "text/plain", bytes: new Uint8Array() })).toEqual({ ok: false, error: "empty" });
    expect(await addUploadedDocument(db, owner, { title: null, filename: "a.txt", mime: "text/plain", bytes: new Uint8Array(11 * 1024 * 1024) })).toEqual({ ok: false, error: "too_large" });
    const first = await addTextDocument(db, owner, { title: "Aviso", text: "Fechado no Carnaval." });
    const again = await addTextDocument(db, owner, { title: "Aviso 2", text: "Fechado no Carnaval." });
    expect(again).toEqual({ ok: true, documentId: first.ok ? first.documentId : "", duplicate: true });
  });

  it("fetches a web page by URL (following a redirect), keeps its title and drops scripts and navigation", async () => {
    const owner = await offlineKb("url");
    const added = await addUrlDocument(db, owner, { title: null, url: `${siteUrl}/moved`, allowPrivate: true });
    if (!added.ok) throw new Error(added.error);
    expect(await ingestDocument(db, added.documentId, { allowPrivateUrls: true })).toBe("ready");
    const [doc] = await listDocuments(db, owner.orgId, owner.kbId);
    expect(doc).toMatchObject({ title: "Política de privacidade", status: "ready", sourceKind: "url", mime: "text/html" });
    const chunks = await db.selectFrom("kb_chunks").select(["heading", "content"]).where("document_id", "=", added.documentId).orderBy("position").execute();
    expect(chunks).toEqual([
      { heading: "Seus dados", content: "Guardamos seus dados por 5 anos & nunca os vendemos." },
      { heading: "Cookies", content: "Usamos cookies apenas para manter o carrinho." },
    ]);
  });

  it("refuses private and loopback addresses unless allowed, wrong content types and oversized pages", async () => {
    const owner = await offlineKb("ssrf");
    expect(await addUrlDocument(db, owner, { title: null, url: "http://localhost:3000/admin", allowPrivate: false })).toEqual({ ok: false, error: "blocked_address" });
    expect(await addUrlDocument(db, owner, { title: null, url: "http://169.254.169.254/latest/meta-data/", allowPrivate: false })).toEqual({ ok: false, error: "blocked_address" });
    expect(await addUrlDocument(db, owner, { title: null, url: "file:///etc/passwd", allowPrivate: false })).toEqual({ ok: false, error: "invalid_url" });

    const refused = (url: string, allowPrivate: boolean) => fetchDocumentUrl(url, { allowPrivate }).catch((error: UrlFetchError) => error.code);
    expect(await refused(`${siteUrl}/politica.html`, false)).toBe("blocked_address");
    expect(await refused(`http://[::ffff:127.0.0.1]:${new URL(siteUrl).port}/politica.html`, false)).toBe("blocked_address");
    expect(await refused(`http://localhost:${new URL(siteUrl).port}/politica.html`, false)).toBe("blocked_address");
    expect(await refused(`${siteUrl}/image.png`, true)).toBe("unsupported_type");
    expect(await refused(`${siteUrl}/huge.txt`, true)).toBe("too_large");
    expect(await refused(`${siteUrl}/missing`, true)).toBe("http_error");

    // Whatever passed the form check is checked again by the job, at connect time (a name can resolve anywhere).
    const row = await db
      .insertInto("kb_documents")
      .values({ org_id: owner.orgId, kb_id: owner.kbId, title: "x", source_kind: "url", source_ref: `http://localhost:${new URL(siteUrl).port}/politica.html` })
      .returning("id")
      .executeTakeFirstOrThrow();
    expect(await ingestDocument(db, row.id, { allowPrivateUrls: false })).toBe("failed");
    const [doc] = await listDocuments(db, owner.orgId, owner.kbId);
    expect(doc).toMatchObject({ status: "failed", error: expect.stringMatching(/private or local address/) });
    expect(getEnv().KB_FETCH_ALLOW_PRIVATE).toBe(false);
  });

  it("embeds through the worker task with progress, and the document becomes searchable", async () => {
    const worker = await startWorker({ connectionString: process.env.DATABASE_URL!, db, concurrency: 2, tasks: ["kbDocument.embed"] });
    try {
      const owner = await offlineKb("worker");
      const added = await addTextDocument(db, owner, { title: "Aviso", text: "Durante o feriado de Carnaval a loja fica fechada e as entregas voltam na quarta-feira." });
      if (!added.ok) throw new Error(added.error);
      await expect.poll(async () => (await listDocuments(db, owner.orgId, owner.kbId))[0]?.status, { timeout: 15_000, interval: 200 }).toBe("ready");
      const [passage] = await retrievePassages(db, { orgId: owner.orgId, knowledgeBaseIds: [owner.kbId], query: "abre no carnaval?" });
      expect(passage.content).toContain("Carnaval");
    } finally {
      await worker.stop();
    }
  });
});

describe("changing the embedding model", () => {
  it("re-embeds with the new model while old vectors stay searchable, then forgets the old model", async () => {
    const owner = await offlineKb("reembed");
    await addAndIngest(owner, "FAQ", fixture("loja-faq.md"));
    await saveAiSettings(db, owner.orgId, owner.userId, { baseUrl: fake.baseURL, apiKey: "sk-kb-test", chatModel: "gpt-4o-mini", embeddingModel: "text-embedding-3-small", monthlyBudgetMicros: null });
    expect(await reembedStaleKnowledgeBases(db, owner.orgId)).toBe(1);
    expect(await findKnowledgeBase(db, owner.orgId, owner.kbId)).toMatchObject({ embeddingModel: "text-embedding-3-small", previousEmbeddingModel: OFFLINE_EMBEDDING_MODEL });

    // Mid-way: every chunk is still on the offline model and is found with it.
    const during = await retrievePassages(db, { orgId: owner.orgId, knowledgeBaseIds: [owner.kbId], query: "dá pra parcelar no cartão?" });
    expect(during[0].content).toMatch(/10 vezes sem juros/);

    const { reembedded } = await reembedKnowledgeBase(db, owner.kbId);
    expect(reembedded).toBeGreaterThan(0);
    const models = await db.selectFrom("kb_chunks").select(["embedding_model", "embedding_dims"]).where("kb_id", "=", owner.kbId).distinct().execute();
    expect(models).toEqual([{ embedding_model: "text-embedding-3-small", embedding_dims: 1536 }]);
    expect(await findKnowledgeBase(db, owner.orgId, owner.kbId)).toMatchObject({ previousEmbeddingModel: null, embeddingDimensions: 1536 });

    const after = await retrievePassages(db, { orgId: owner.orgId, knowledgeBaseIds: [owner.kbId], query: "aceitam pix ou boleto?" });
    expect(after[0].content).toMatch(/10 vezes sem juros/);
    expect(fake.embeddingRequests().at(-1)?.body).toMatchObject({ model: "text-embedding-3-small", input: ["aceitam pix ou boleto?"] });
    const runs = await db.selectFrom("ai_runs").select(["purpose"]).where("org_id", "=", owner.orgId).execute();
    expect(new Set(runs.map((run) => run.purpose))).toEqual(new Set(["kb.reembed", "kb.query"]));
  });
});
