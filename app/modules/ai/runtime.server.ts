import { createOpenAI } from "@ai-sdk/openai";
import { APICallError, embedMany, generateText, NoObjectGeneratedError, Output, RetryError } from "ai";
import type { z } from "zod";
import type { Database } from "#db/index.js";
import { getEnv } from "~/lib/env.server";
import { AiBudgetExceededError, AiUnavailableError } from "./errors";
import { embedOffline, OFFLINE_EMBEDDING_MODEL } from "./offline-embedder";
import { estimateCostMicros } from "./pricing";
import { getAiSettings, getOrgApiKey } from "./settings.server";
import { assertWithinBudget, recordAiRun } from "./usage.server";

export { AiBudgetExceededError, AiUnavailableError } from "./errors";
export { OFFLINE_EMBEDDING_DIMENSIONS, OFFLINE_EMBEDDING_MODEL } from "./offline-embedder";

export type AiMode =
  | { kind: "openai"; baseURL?: string; chatModel: string; embeddingModel: string; keySource: "organization" | "environment" | "none" }
  | { kind: "offline" };

type Provider = { mode: Extract<AiMode, { kind: "openai" }>; apiKey: string };

/** Which AI the organization runs on: its own key (or base URL) first, then the server's environment, else offline. */
export async function getAiMode(db: Database, orgId: string): Promise<AiMode> {
  return (await resolveProvider(db, orgId))?.mode ?? { kind: "offline" };
}

async function resolveProvider(db: Database, orgId: string): Promise<Provider | null> {
  const settings = await getAiSettings(db, orgId);
  const env = getEnv();
  const orgKey = await getOrgApiKey(db, orgId);
  const apiKey = orgKey ?? env.OPENAI_API_KEY;
  const baseURL = settings.baseUrl ?? env.OPENAI_BASE_URL;
  // A base URL alone is enough: a local Ollama or vLLM needs no key.
  if (!apiKey && !settings.baseUrl) return null;
  return {
    apiKey: apiKey ?? "not-needed",
    mode: {
      kind: "openai",
      ...(baseURL ? { baseURL } : {}),
      chatModel: settings.chatModel,
      embeddingModel: settings.embeddingModel,
      keySource: orgKey ? "organization" : apiKey ? "environment" : "none",
    },
  };
}

function clientFor(provider: Provider) {
  return createOpenAI({ apiKey: provider.apiKey, ...(provider.mode.baseURL ? { baseURL: provider.mode.baseURL } : {}) });
}

export type ChatMessage = { role: "user" | "assistant"; content: string };

type CallContext = {
  orgId: string;
  purpose: string;
  model?: string;
  temperature?: number;
  maxOutputTokens?: number;
  personaId?: string | null;
  conversationId?: string | null;
  /** Retries after 429/5xx (the SDK's backoff, honouring retry-after). Default 2. */
  maxRetries?: number;
  abortSignal?: AbortSignal;
};

export type AiUsage = { promptTokens: number; completionTokens: number; costMicros: number; model: string; latencyMs: number };

export type GenerateChatInput = CallContext & { system: string; messages: ChatMessage[] };

export async function generateChat(db: Database, input: GenerateChatInput): Promise<{ text: string; usage: AiUsage }> {
  const { provider, model } = await prepareCall(db, input, "chat");
  return runRecorded(db, input, { kind: "chat", model }, async () => {
    const result = await generateText({
      model: clientFor(provider).chat(model),
      system: input.system,
      messages: input.messages,
      temperature: input.temperature,
      maxOutputTokens: input.maxOutputTokens,
      maxRetries: input.maxRetries ?? 2,
      abortSignal: input.abortSignal,
    });
    return { value: { text: result.text }, usage: result.usage };
  });
}

export type GenerateStructuredInput<T> = CallContext & { schema: z.ZodType<T>; system: string; prompt: string; schemaName?: string };

export async function generateStructured<T>(db: Database, input: GenerateStructuredInput<T>): Promise<{ object: T; usage: AiUsage }> {
  const { provider, model } = await prepareCall(db, input, "structured");
  return runRecorded(db, input, { kind: "structured", model }, async () => {
    const result = await generateText({
      model: clientFor(provider).chat(model),
      system: input.system,
      prompt: input.prompt,
      output: Output.object({ schema: input.schema, ...(input.schemaName ? { name: input.schemaName } : {}) }),
      temperature: input.temperature,
      maxOutputTokens: input.maxOutputTokens,
      maxRetries: input.maxRetries ?? 2,
      abortSignal: input.abortSignal,
    });
    return { value: { object: result.output as T }, usage: result.usage };
  });
}

export type EmbedInput = { orgId: string; texts: string[]; purpose: string; model?: string; maxRetries?: number };

/** Embeds with the given model (default: the organization's); the offline model needs no provider. */
export async function embedTexts(db: Database, input: EmbedInput): Promise<number[][]> {
  return (await embedTextsWithModel(db, input)).embeddings;
}

export async function embedTextsWithModel(db: Database, input: EmbedInput): Promise<{ embeddings: number[][]; model: string }> {
  const mode = input.model ? null : await getAiMode(db, input.orgId);
  const model = input.model ?? (mode?.kind === "openai" ? mode.embeddingModel : OFFLINE_EMBEDDING_MODEL);
  if (model === OFFLINE_EMBEDDING_MODEL) return { embeddings: input.texts.map((text) => embedOffline(text)), model };
  if (input.texts.length === 0) return { embeddings: [], model };

  const { provider } = await prepareCall(db, { ...input, model }, "embedding");
  return runRecorded(db, { ...input, model }, { kind: "embedding", model }, async () => {
    const result = await embedMany({
      model: clientFor(provider).embedding(model),
      values: input.texts,
      maxRetries: input.maxRetries ?? 2,
      // -large is 3072 wide by default: ask for 1536 so it fits the HNSW index (see the ai_core migration).
      ...(model.startsWith("text-embedding-3-large") ? { providerOptions: { openai: { dimensions: 1536 } } } : {}),
    });
    return {
      value: { embeddings: result.embeddings.map(normalizeVector), model },
      usage: { inputTokens: result.usage.tokens, outputTokens: 0 },
    };
  });
}

/** Dimensions of an embedding model when known without calling it. */
export function knownEmbeddingDimensions(model: string): number | null {
  if (model === OFFLINE_EMBEDDING_MODEL) return 512;
  if (model.startsWith("text-embedding-3-") || model === "text-embedding-ada-002") return 1536;
  return null;
}

async function prepareCall(db: Database, input: CallContext, kind: "chat" | "structured" | "embedding") {
  const provider = await resolveProvider(db, input.orgId);
  const model = input.model ?? (kind === "embedding" ? provider?.mode.embeddingModel : provider?.mode.chatModel) ?? "offline";
  if (!provider) {
    throw new AiUnavailableError("offline", "No AI provider is configured (offline mode): add an API key or base URL in AI settings.");
  }
  try {
    await assertWithinBudget(db, input.orgId);
  } catch (error) {
    if (error instanceof AiBudgetExceededError) {
      await recordAiRun(db, { ...runLinks(input), kind, mode: "openai", model, latencyMs: 0, status: "budget_exceeded", error: error.message });
    }
    throw error;
  }
  return { provider, model };
}

async function runRecorded<T>(
  db: Database,
  input: CallContext,
  call: { kind: "chat" | "structured" | "embedding"; model: string },
  run: () => Promise<{ value: T; usage: { inputTokens?: number; outputTokens?: number } }>,
): Promise<T & { usage: AiUsage }> {
  const started = performance.now();
  try {
    const { value, usage } = await run();
    const latencyMs = Math.round(performance.now() - started);
    const promptTokens = usage.inputTokens ?? 0;
    const completionTokens = usage.outputTokens ?? 0;
    const costMicros = estimateCostMicros(call.model, promptTokens, completionTokens);
    await recordAiRun(db, { ...runLinks(input), ...call, mode: "openai", promptTokens, completionTokens, latencyMs, costMicros, status: "ok" });
    return { ...value, usage: { promptTokens, completionTokens, costMicros, model: call.model, latencyMs } };
  } catch (error) {
    const unavailable = toUnavailable(error);
    await recordAiRun(db, {
      ...runLinks(input),
      ...call,
      mode: "openai",
      latencyMs: performance.now() - started,
      status: "error",
      error: unavailable.message,
    });
    throw unavailable;
  }
}

function runLinks(input: CallContext) {
  return { orgId: input.orgId, purpose: input.purpose, personaId: input.personaId, conversationId: input.conversationId };
}

function toUnavailable(error: unknown): AiUnavailableError {
  if (error instanceof AiUnavailableError) return error;
  const last = RetryError.isInstance(error) ? error.lastError : error;
  if (APICallError.isInstance(last)) {
    const status = last.statusCode;
    const reason = status === 429 ? "rate_limited" : status === 401 || status === 403 ? "auth" : status === undefined ? "unreachable" : "provider_error";
    const attempts = RetryError.isInstance(error) ? ` after ${error.errors.length} attempts` : "";
    return new AiUnavailableError(reason, `AI provider answered ${status ?? "nothing"}${attempts}: ${last.message}`, status);
  }
  if (NoObjectGeneratedError.isInstance(last)) return new AiUnavailableError("bad_response", `AI provider's answer did not match the schema: ${last.message}`);
  const message = last instanceof Error ? last.message : String(last);
  return new AiUnavailableError("unreachable", `AI provider could not be reached: ${message}`);
}

function normalizeVector(vector: number[]): number[] {
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0)) || 1;
  return vector.map((value) => value / norm);
}
