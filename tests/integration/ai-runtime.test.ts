import { createOpenAI } from "@ai-sdk/openai";
import { generateText, streamText, tool } from "ai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createDb } from "../../db/index.js";
import {
  AiBudgetExceededError,
  AiUnavailableError,
  embedTexts,
  generateChat,
  generateStructured,
  getAiMode,
} from "../../app/modules/ai/runtime.server.js";
import { saveAiSettings } from "../../app/modules/ai/settings.server.js";
import { getMonthUsage } from "../../app/modules/ai/usage.server.js";
import { OFFLINE_EMBEDDING_DIMENSIONS } from "../../app/modules/ai/offline-embedder.js";
import { startFakeOpenAi, type FakeOpenAi } from "../fakes/openai.js";
import { createOrgWithOwner } from "../support/factories.js";

const db = createDb(process.env.DATABASE_URL!, { max: 3 });
const API_KEY = "sk-test-fake-0123456789";
let fake: FakeOpenAi;

beforeAll(async () => {
  fake = await startFakeOpenAi({ apiKey: API_KEY });
});
afterAll(async () => {
  await fake.close();
  await db.destroy();
});
beforeEach(() => fake.reset());

async function orgOnFake(settings: { budgetMicros?: number | null; apiKey?: string } = {}) {
  const { org, owner } = await createOrgWithOwner(db, "ai");
  await saveAiSettings(db, org.id, owner.id, {
    baseUrl: fake.baseURL,
    chatModel: "gpt-4o-mini",
    embeddingModel: "text-embedding-3-small",
    monthlyBudgetMicros: settings.budgetMicros ?? null,
    apiKey: settings.apiKey ?? API_KEY,
  });
  return org.id;
}

const runsOf = (orgId: string) => db.selectFrom("ai_runs").selectAll().where("org_id", "=", orgId).orderBy("created_at").execute();

describe("the fake OpenAI server drives the real @ai-sdk/openai client", () => {
  const client = () => createOpenAI({ apiKey: API_KEY, baseURL: fake.baseURL });

  it("streams a chat completion as server-sent events, with usage", async () => {
    fake.reply({ text: "Olá! Como posso ajudar hoje?" });
    const result = streamText({ model: client().chat("gpt-4o-mini"), prompt: "oi" });
    let streamed = "";
    for await (const delta of result.textStream) streamed += delta;
    expect(streamed).toBe("Olá! Como posso ajudar hoje?");
    expect((await result.usage).outputTokens).toBeGreaterThan(0);
    expect(fake.chatRequests()[0].body).toMatchObject({ stream: true, model: "gpt-4o-mini" });
  });

  it("returns tool calls, streamed and not", async () => {
    const tools = { lookupOrder: tool({ description: "find an order", inputSchema: z.object({ orderId: z.string() }) }) };
    fake.reply({ toolCalls: [{ name: "lookupOrder", arguments: { orderId: "A-42" } }] });
    const plain = await generateText({ model: client().chat("gpt-4o-mini"), prompt: "where is A-42?", tools });
    expect(plain.toolCalls).toMatchObject([{ toolName: "lookupOrder", input: { orderId: "A-42" } }]);
    expect(fake.chatRequests()[0].body.tools[0]).toMatchObject({ type: "function", function: { name: "lookupOrder" } });

    fake.reply({ toolCalls: [{ name: "lookupOrder", arguments: { orderId: "B-7" } }] });
    const streamed = streamText({ model: client().chat("gpt-4o-mini"), prompt: "and B-7?", tools });
    expect(await streamed.toolCalls).toMatchObject([{ toolName: "lookupOrder", input: { orderId: "B-7" } }]);
  });

  it("refuses a wrong key with OpenAI's 401", async () => {
    const wrong = createOpenAI({ apiKey: "sk-wrong", baseURL: fake.baseURL });
    await expect(generateText({ model: wrong.chat("gpt-4o-mini"), prompt: "hi", maxRetries: 0 })).rejects.toThrow(/Incorrect API key/);
  });
});

describe("generateChat / generateStructured / embedTexts", () => {
  it("answers through the organization's provider and records the run with tokens and cost", async () => {
    const orgId = await orgOnFake();
    fake.reply({ text: "Entregamos em 5 dias úteis.", promptTokens: 1000, completionTokens: 500 });
    const { text, usage } = await generateChat(db, {
      orgId,
      system: "Você é a assistente da loja.",
      messages: [{ role: "user", content: "Qual o prazo de entrega?" }],
      purpose: "test.chat",
      temperature: 0.2,
    });
    expect(text).toBe("Entregamos em 5 dias úteis.");
    // gpt-4o-mini: US$ 0.15 per million input tokens, 0.60 per million output tokens.
    expect(usage).toMatchObject({ promptTokens: 1000, completionTokens: 500, costMicros: 450, model: "gpt-4o-mini" });
    const request = fake.chatRequests()[0];
    expect(request.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request.body.messages).toEqual([
      { role: "system", content: "Você é a assistente da loja." },
      { role: "user", content: "Qual o prazo de entrega?" },
    ]);
    expect(await runsOf(orgId)).toMatchObject([
      { purpose: "test.chat", kind: "chat", mode: "openai", model: "gpt-4o-mini", prompt_tokens: 1000, completion_tokens: 500, cost_micros: 450, status: "ok" },
    ]);
    expect(await getAiMode(db, orgId)).toMatchObject({ kind: "openai", baseURL: fake.baseURL, chatModel: "gpt-4o-mini", keySource: "organization" });
  });

  it("returns a zod-validated object from a json_schema response", async () => {
    const orgId = await orgOnFake();
    const schema = z.object({ stage: z.enum(["new", "qualified", "won"]), confidence: z.number().min(0).max(1), reason: z.string() });
    fake.reply({ object: { stage: "qualified", confidence: 0.9, reason: "asked for a quote" } });
    const { object } = await generateStructured(db, { orgId, schema, system: "Classify the lead.", prompt: "Cliente pediu orçamento.", purpose: "test.classify" });
    expect(object).toEqual({ stage: "qualified", confidence: 0.9, reason: "asked for a quote" });
    expect(fake.chatRequests()[0].body.response_format).toMatchObject({ type: "json_schema" });

    fake.reply({ object: { stage: "lost", confidence: 2, reason: "" } });
    await expect(generateStructured(db, { orgId, schema, system: "Classify.", prompt: "x", purpose: "test.classify" })).rejects.toMatchObject({
      name: "AiUnavailableError",
      reason: "bad_response",
    });
    expect((await runsOf(orgId)).map((run) => run.status)).toEqual(["ok", "error"]);
  });

  it("embeds through the provider, normalized, and records the tokens", async () => {
    const orgId = await orgOnFake();
    const vectors = await embedTexts(db, { orgId, texts: ["frete grátis", "pagamento por pix"], purpose: "test.embed" });
    expect(vectors).toHaveLength(2);
    expect(vectors[0]).toHaveLength(1536);
    expect(Math.hypot(...vectors[0])).toBeCloseTo(1, 5);
    expect(fake.embeddingRequests()[0].body).toMatchObject({ model: "text-embedding-3-small", input: ["frete grátis", "pagamento por pix"] });
    expect(await runsOf(orgId)).toMatchObject([{ kind: "embedding", model: "text-embedding-3-small", status: "ok" }]);
  });

  it("retries a 429 as the SDK does and succeeds, one run recorded", async () => {
    const orgId = await orgOnFake();
    fake.fail(429, 2, { retryAfterMs: 5 });
    fake.reply({ text: "ok after retries" });
    const { text } = await generateChat(db, { orgId, system: "s", messages: [{ role: "user", content: "hi" }], purpose: "test.retry" });
    expect(text).toBe("ok after retries");
    expect(fake.chatRequests()).toHaveLength(3);
    expect(await runsOf(orgId)).toMatchObject([{ status: "ok" }]);
  });

  it("turns 429s past the retries and 500s into AiUnavailableError and records the failure", async () => {
    const orgId = await orgOnFake();
    fake.fail(429, 3, { retryAfterMs: 5 });
    const rateLimited = generateChat(db, { orgId, system: "s", messages: [{ role: "user", content: "hi" }], purpose: "test.limit" });
    await expect(rateLimited).rejects.toBeInstanceOf(AiUnavailableError);
    await expect(rateLimited).rejects.toMatchObject({ reason: "rate_limited", status: 429 });

    fake.fail(500, 1);
    const failed = embedTexts(db, { orgId, texts: ["x"], purpose: "test.500", maxRetries: 0 });
    await expect(failed).rejects.toMatchObject({ name: "AiUnavailableError", reason: "provider_error", status: 500 });

    expect(await runsOf(orgId)).toMatchObject([
      { purpose: "test.limit", status: "error", error: expect.stringContaining("429") },
      { purpose: "test.500", status: "error", error: expect.stringContaining("500") },
    ]);
  });

  it("stops at the monthly budget with a clear error, without calling the provider", async () => {
    const orgId = await orgOnFake({ budgetMicros: 500 });
    fake.reply({ text: "first", promptTokens: 2000, completionTokens: 500 }); // 300 + 300 = 600 micro-dollars
    await generateChat(db, { orgId, system: "s", messages: [{ role: "user", content: "hi" }], purpose: "test.budget" });
    const usage = await getMonthUsage(db, orgId);
    expect(usage).toMatchObject({ costMicros: 600, budgetMicros: 500, budgetReached: true, runs: 1 });

    const stopped = generateChat(db, { orgId, system: "s", messages: [{ role: "user", content: "again" }], purpose: "test.budget" });
    await expect(stopped).rejects.toBeInstanceOf(AiBudgetExceededError);
    await expect(stopped).rejects.toThrow(/Monthly AI budget reached .* paused until \d{4}-\d{2}-01/);
    expect(fake.chatRequests()).toHaveLength(1);
    expect((await runsOf(orgId)).map((run) => run.status)).toEqual(["ok", "budget_exceeded"]);
  });
});

describe("offline mode", () => {
  it("has no provider: chat is unavailable, embeddings come from the local embedder", async () => {
    const { org } = await createOrgWithOwner(db, "offline");
    expect(await getAiMode(db, org.id)).toEqual({ kind: "offline" });
    await expect(generateChat(db, { orgId: org.id, system: "s", messages: [{ role: "user", content: "hi" }], purpose: "t" })).rejects.toMatchObject({
      reason: "offline",
    });
    const [vector] = await embedTexts(db, { orgId: org.id, texts: ["Qual o horário?"], purpose: "t" });
    expect(vector).toHaveLength(OFFLINE_EMBEDDING_DIMENSIONS);
    expect(fake.requests).toHaveLength(0);
  });
});
