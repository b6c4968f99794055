/**
 * A stand-in for the OpenAI API (and any OpenAI-compatible server) on loopback, speaking its wire
 * format: POST /v1/chat/completions (plain, streamed as server-sent events, tool calls, JSON /
 * json_schema response formats), POST /v1/embeddings (deterministic vectors: texts sharing words
 * land near each other) and GET /v1/models. It checks the bearer key, records every request, and
 * can be told to answer 429 or 5xx (with OpenAI's error bodies and retry-after-ms) a number of times.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readBody, sendJson } from "./http.js";

export type RecordedOpenAiRequest = { method: string; path: string; authorization?: string; body: any };

export type FakeToolCall = { name: string; arguments: Record<string, unknown> };
/** What the next chat completion answers: text, tool calls, or an object for a json_schema response format. */
export type FakeChatReply = { text?: string; toolCalls?: FakeToolCall[]; object?: unknown; promptTokens?: number; completionTokens?: number };
export type FakeChatResponder = (request: { model: string; messages: Array<{ role: string; content: unknown }>; body: any }) => FakeChatReply;

type Failure = { status: number; remaining: number; retryAfterMs?: number; path?: "chat" | "embeddings" };

export type FakeOpenAiOptions = { apiKey?: string; port?: number; embeddingDimensions?: number };

export type FakeOpenAi = Awaited<ReturnType<typeof startFakeOpenAi>>;

const ERROR_BODIES: Record<number, { message: string; type: string; code: string | null }> = {
  401: { message: "Incorrect API key provided.", type: "invalid_request_error", code: "invalid_api_key" },
  429: { message: "Rate limit reached for requests. Please try again later.", type: "requests", code: "rate_limit_exceeded" },
  500: { message: "The server had an error while processing your request. Sorry about that!", type: "server_error", code: null },
  503: { message: "The engine is currently overloaded, please try again later.", type: "server_error", code: null },
};

export async function startFakeOpenAi(options: FakeOpenAiOptions = {}) {
  const requests: RecordedOpenAiRequest[] = [];
  const replies: FakeChatReply[] = [];
  const failures: Failure[] = [];
  let responder: FakeChatResponder | undefined;
  let sequence = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => sendJson(res, 500, { error: { message: String(error), type: "server_error", code: null } }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://fake");
    const raw = (await readBody(req)).toString("utf8");
    const body = raw ? JSON.parse(raw) : undefined;
    const path = url.pathname.replace(/^\/v1/, "");
    requests.push({ method: req.method ?? "GET", path, authorization: req.headers.authorization, body });

    if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) return sendError(res, 401);
    const kind = path === "/chat/completions" ? "chat" : path === "/embeddings" ? "embeddings" : null;
    const failure = failures.find((entry) => entry.remaining > 0 && (!entry.path || entry.path === kind));
    if (failure && kind) {
      failure.remaining--;
      return sendError(res, failure.status, failure.retryAfterMs);
    }

    if (req.method === "POST" && path === "/chat/completions") return chatCompletion(res, body);
    if (req.method === "POST" && path === "/embeddings") return embeddings(res, body);
    if (req.method === "GET" && path === "/models") {
      return sendJson(res, 200, {
        object: "list",
        data: ["gpt-4o-mini", "gpt-4o", "text-embedding-3-small"].map((id) => ({ id, object: "model", created: 1_700_000_000, owned_by: "fake" })),
      });
    }
    sendJson(res, 404, { error: { message: `Invalid URL (${req.method} ${url.pathname})`, type: "invalid_request_error", code: null } });
  }

  function sendError(res: ServerResponse, status: number, retryAfterMs?: number) {
    const error = ERROR_BODIES[status] ?? { message: `fake error ${status}`, type: "server_error", code: null };
    res.writeHead(status, {
      "Content-Type": "application/json",
      ...(retryAfterMs !== undefined ? { "retry-after-ms": String(retryAfterMs) } : {}),
    });
    res.end(JSON.stringify({ error: { ...error, param: null } }));
  }

  function nextReply(body: any): FakeChatReply {
    const queued = replies.shift();
    if (queued) return queued;
    if (responder) return responder({ model: body.model, messages: body.messages, body });
    const schema = body.response_format?.json_schema?.schema;
    if (schema) return { object: sampleFromSchema(schema) };
    const lastUser = [...(body.messages ?? [])].reverse().find((message: any) => message.role === "user");
    return { text: `Echo: ${contentText(lastUser?.content)}` };
  }

  function chatCompletion(res: ServerResponse, body: any) {
    if (!body?.model || !Array.isArray(body.messages) || body.messages.length === 0) {
      return sendJson(res, 400, { error: { message: "'model' and 'messages' are required", type: "invalid_request_error", param: null, code: null } });
    }
    const reply = nextReply(body);
    const id = `chatcmpl-fake${++sequence}`;
    const created = Math.floor(Date.now() / 1000);
    const content = reply.object !== undefined ? JSON.stringify(reply.object) : (reply.text ?? null);
    const toolCalls = (reply.toolCalls ?? []).map((call, index) => ({
      id: `call_fake${sequence}_${index}`,
      type: "function" as const,
      function: { name: call.name, arguments: JSON.stringify(call.arguments) },
    }));
    const promptTokens = reply.promptTokens ?? countTokens(JSON.stringify(body.messages));
    const completionTokens = reply.completionTokens ?? countTokens(content ?? JSON.stringify(toolCalls));
    const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
    const finishReason = toolCalls.length > 0 ? "tool_calls" : "stop";

    if (!body.stream) {
      return sendJson(res, 200, {
        id,
        object: "chat.completion",
        created,
        model: body.model,
        choices: [{ index: 0, message: { role: "assistant", content, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) }, finish_reason: finishReason, logprobs: null }],
        usage,
      });
    }

    res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache", Connection: "keep-alive" });
    const chunk = (delta: unknown, finish: string | null = null) =>
      res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
    chunk({ role: "assistant", content: "" });
    for (const piece of splitForStream(content ?? "")) chunk({ content: piece });
    toolCalls.forEach((call, index) => {
      chunk({ tool_calls: [{ index, id: call.id, type: "function", function: { name: call.function.name, arguments: "" } }] });
      for (const piece of splitForStream(call.function.arguments)) chunk({ tool_calls: [{ index, function: { arguments: piece } }] });
    });
    chunk({}, finishReason);
    if (body.stream_options?.include_usage) {
      res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: body.model, choices: [], usage })}\n\n`);
    }
    res.end("data: [DONE]\n\n");
  }

  function embeddings(res: ServerResponse, body: any) {
    const inputs: string[] = typeof body?.input === "string" ? [body.input] : Array.isArray(body?.input) ? body.input : [];
    if (!body?.model || inputs.length === 0) {
      return sendJson(res, 400, { error: { message: "'model' and 'input' are required", type: "invalid_request_error", param: null, code: null } });
    }
    const dimensions = body.dimensions ?? options.embeddingDimensions ?? (body.model === "text-embedding-3-large" ? 3072 : 1536);
    const tokens = inputs.reduce((sum, text) => sum + countTokens(text), 0);
    sendJson(res, 200, {
      object: "list",
      data: inputs.map((text, index) => ({ object: "embedding", index, embedding: fakeEmbedding(text, dimensions) })),
      model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    port,
    /** What to give @ai-sdk/openai as baseURL. */
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    chatRequests: () => requests.filter((request) => request.path === "/chat/completions"),
    embeddingRequests: () => requests.filter((request) => request.path === "/embeddings"),
    /** Queue replies for the next chat completions, in order. */
    reply(...next: FakeChatReply[]) {
      replies.push(...next);
    },
    respondWith(fn: FakeChatResponder | undefined) {
      responder = fn;
    },
    /** The next `times` calls (to `path`, or any) answer `status`; retryAfterMs sets OpenAI's retry-after-ms header. */
    fail(status: number, times = 1, opts: { retryAfterMs?: number; path?: "chat" | "embeddings" } = {}) {
      failures.push({ status, remaining: times, ...opts });
    },
    reset() {
      requests.length = 0;
      replies.length = 0;
      failures.length = 0;
      responder = undefined;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Deterministic: each lower-cased word adds a hashed ±1 to a few dimensions; normalized. */
export function fakeEmbedding(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  const words = text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").match(/[a-z0-9]+/g) ?? [];
  for (const word of words) {
    const digest = createHash("sha256").update(word).digest();
    for (let i = 0; i < 4; i++) {
      const index = digest.readUInt32BE(i * 4) % dimensions;
      vector[index] += digest[16 + i] & 1 ? 1 : -1;
    }
  }
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  return norm === 0 ? vector.map((_, index) => (index === 0 ? 1 : 0)) : vector.map((value) => value / norm);
}

function countTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function splitForStream(text: string): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += 8) pieces.push(text.slice(i, i + 8));
  return pieces;
}

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((part: any) => (part?.type === "text" ? part.text : "")).join("");
  return "";
}

/** A minimal object valid for a JSON schema: first enum value, zeros, empty strings, required properties filled. */
export function sampleFromSchema(schema: any): unknown {
  if (schema?.enum) return schema.enum[0];
  if (schema?.const !== undefined) return schema.const;
  const type = Array.isArray(schema?.type) ? schema.type.find((t: string) => t !== "null") : schema?.type;
  if (schema?.anyOf) return sampleFromSchema(schema.anyOf[0]);
  switch (type) {
    case "object":
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, value]) => [key, sampleFromSchema(value)]));
    case "array":
      return [];
    case "string":
      return "";
    case "number":
    case "integer":
      return schema.minimum ?? 0;
    case "boolean":
      return false;
    default:
      return null;
  }
}
