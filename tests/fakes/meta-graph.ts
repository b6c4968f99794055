/**
 * A stand-in for Meta's Graph API (WhatsApp Cloud API), on loopback, speaking its wire format:
 * POST /{version}/{phone-number-id}/messages and /media, GET /{media-id} and the media download,
 * GET /{waba-id}/message_templates with cursor paging, GET /{phone-number-id} (number info). It checks
 * the bearer token, validates message payloads, records every request, can be told to fail with any
 * Graph error code or to answer slowly, and can post signed webhooks to our app like Meta does.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { readBody, sendJson } from "./http.js";

export type FakeMetaGraphOptions = { accessToken: string; phoneNumberId: string; wabaId: string; appSecret?: string; port?: number };

export type RecordedGraphRequest = { method: string; path: string; query: Record<string, string>; authorization?: string; body: unknown };

export type FakeTemplate = { id: string; name: string; language: string; status: string; category: string; components: unknown[] };

type Failure = { code: number; httpStatus: number; message: string; details?: string; remaining: number };
type StoredMedia = { bytes: Buffer; mimeType: string };

/** What Graph answers for each error code we care about (HTTP status and message as Meta sends them). */
const ERRORS: Record<number, { httpStatus: number; message: string }> = {
  4: { httpStatus: 400, message: "(#4) Application request limit reached" },
  190: { httpStatus: 401, message: "Error validating access token: Session has expired" },
  368: { httpStatus: 403, message: "Temporarily blocked for policies violations" },
  80007: { httpStatus: 400, message: "(#80007) Rate limit issues" },
  130429: { httpStatus: 400, message: "(#130429) Rate limit hit" },
  131026: { httpStatus: 400, message: "(#131026) Message undeliverable" },
  131047: { httpStatus: 400, message: "(#131047) Re-engagement message" },
  131048: { httpStatus: 400, message: "(#131048) Spam rate limit hit" },
  131056: { httpStatus: 400, message: "(#131056) (Business Account, Consumer Account) pair rate limit hit" },
  131000: { httpStatus: 500, message: "(#131000) Something went wrong" },
};

const text = z.object({ preview_url: z.boolean().optional(), body: z.string().min(1).max(4096) });
const media = z.union([z.object({ id: z.string().min(1) }).passthrough(), z.object({ link: z.string().url() }).passthrough()]);
const parameter = z.object({ type: z.string() }).passthrough();
const messagePayload = z
  .object({
    messaging_product: z.literal("whatsapp"),
    recipient_type: z.literal("individual").optional(),
    to: z.string().regex(/^\+?\d{6,20}$/),
    // Echoed in statuses[].biz_opaque_callback_data of this message's status webhooks.
    biz_opaque_callback_data: z.string().max(512).optional(),
    type: z.enum(["text", "image", "audio", "video", "document", "sticker", "template", "reaction", "location", "interactive"]),
    text: text.optional(),
    image: media.optional(),
    audio: media.optional(),
    video: media.optional(),
    document: media.optional(),
    sticker: media.optional(),
    template: z
      .object({
        name: z.string().min(1),
        language: z.object({ code: z.string().min(2) }),
        components: z.array(z.object({ type: z.enum(["header", "body", "button"]), parameters: z.array(parameter) }).passthrough()).optional(),
      })
      .optional(),
  })
  .refine((payload) => (payload as Record<string, unknown>)[payload.type] !== undefined, { message: "the object named by `type` is missing" })
  .refine((payload) => !(payload.type === "audio" && payload.audio && "caption" in payload.audio), { message: "audio takes no caption" });

export type FakeMetaGraph = Awaited<ReturnType<typeof startFakeMetaGraph>>;

export async function startFakeMetaGraph(options: FakeMetaGraphOptions) {
  const requests: RecordedGraphRequest[] = [];
  const sent: Array<z.infer<typeof messagePayload> & { wamid: string }> = [];
  const mediaStore = new Map<string, StoredMedia>();
  const failures: Failure[] = [];
  let templates: FakeTemplate[] = [];
  let latencyMs = 0;
  let statusWebhooks: { url: string; appSecret: string; wabaId: string } | null = null;
  let phoneInfo = { display_phone_number: "+1 555-078-3881", verified_name: "Master IA Test", quality_rating: "GREEN" };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => sendJson(res, 500, { error: { message: String(error), type: "FakeError", code: 1 } }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://fake");
    const raw = await readBody(req);
    const contentType = req.headers["content-type"] ?? "";
    let body: unknown = raw.length ? raw.toString("utf8") : undefined;
    if (contentType.includes("application/json") && raw.length) body = safeJson(raw.toString("utf8"));
    if (contentType.includes("multipart/form-data")) body = await new Request("http://fake", { method: "POST", headers: { "content-type": contentType }, body: new Uint8Array(raw) }).formData();
    requests.push({ method: req.method ?? "GET", path: url.pathname, query: Object.fromEntries(url.searchParams), authorization: req.headers.authorization, body });
    if (latencyMs) await new Promise((resolve) => setTimeout(resolve, latencyMs));

    if (req.method === "GET" && url.pathname.startsWith("/download/")) return download(res, url.pathname.slice("/download/".length), req.headers.authorization);
    if (req.headers.authorization !== `Bearer ${options.accessToken}`) {
      return sendJson(res, 401, { error: { message: "Invalid OAuth access token - Cannot parse access token", type: "OAuthException", code: 190, fbtrace_id: trace() } });
    }
    const [, version, node, edge, ...rest] = url.pathname.split("/");
    if (!/^v\d+\.\d+$/.test(version ?? "") || rest.length) return unsupported(res, req.method, url.pathname);

    const failure = failures[0];
    if (failure && req.method === "POST" && edge === "messages") {
      failure.remaining -= 1;
      if (failure.remaining <= 0) failures.shift();
      return sendJson(res, failure.httpStatus, {
        error: { message: failure.message, type: "OAuthException", code: failure.code, error_data: { messaging_product: "whatsapp", details: failure.details ?? failure.message }, fbtrace_id: trace() },
      });
    }

    if (req.method === "POST" && node === options.phoneNumberId && edge === "messages") return sendMessage(res, body);
    if (req.method === "POST" && node === options.phoneNumberId && edge === "media") return uploadMedia(res, body);
    if (req.method === "GET" && node === options.wabaId && edge === "message_templates") return listTemplates(res, url);
    if (req.method === "GET" && node === options.phoneNumberId && !edge) return sendJson(res, 200, { ...phoneInfo, id: options.phoneNumberId });
    if (req.method === "GET" && node && !edge && mediaStore.has(node)) return mediaInfo(res, node, url);
    return unsupported(res, req.method, url.pathname);
  }

  function sendMessage(res: ServerResponse, body: unknown) {
    const parsed = messagePayload.safeParse(body);
    if (!parsed.success) {
      return sendJson(res, 400, { error: { message: `(#100) Invalid parameter: ${parsed.error.issues[0]?.message}`, type: "OAuthException", code: 100, fbtrace_id: trace() } });
    }
    const wamid = `wamid.${randomBytes(24).toString("base64url")}`;
    sent.push({ ...parsed.data, wamid });
    if (statusWebhooks) postSentStatus(statusWebhooks, parsed.data.to, wamid, parsed.data.biz_opaque_callback_data);
    const accepted = parsed.data.type === "template" ? { id: wamid, message_status: "accepted" } : { id: wamid };
    return sendJson(res, 200, { messaging_product: "whatsapp", contacts: [{ input: parsed.data.to, wa_id: parsed.data.to.replace(/^\+/, "") }], messages: [accepted] });
  }

  async function uploadMedia(res: ServerResponse, body: unknown) {
    const form = body instanceof FormData ? body : null;
    const file = form?.get("file");
    if (!form || form.get("messaging_product") !== "whatsapp" || !(file instanceof Blob)) {
      return sendJson(res, 400, { error: { message: "(#100) The parameter messaging_product and file are required", type: "OAuthException", code: 100, fbtrace_id: trace() } });
    }
    const id = addMedia(Buffer.from(await file.arrayBuffer()), String(form.get("type") ?? file.type));
    return sendJson(res, 200, { id });
  }

  function mediaInfo(res: ServerResponse, id: string, url: URL) {
    const stored = mediaStore.get(id)!;
    return sendJson(res, 200, {
      messaging_product: "whatsapp",
      url: `${baseUrl}/download/${id}?ext=${url.searchParams.get("ext") ?? "1"}`,
      mime_type: stored.mimeType,
      sha256: createHash("sha256").update(stored.bytes).digest("hex"),
      file_size: stored.bytes.length,
      id,
    });
  }

  function download(res: ServerResponse, id: string, authorization: string | undefined) {
    // Meta's lookaside host answers 401 without the same bearer token.
    if (authorization !== `Bearer ${options.accessToken}`) return sendJson(res, 401, { error: { message: "unauthorized", code: 190 } });
    const stored = mediaStore.get(id);
    if (!stored) return sendJson(res, 404, { error: { message: "not found", code: 100 } });
    res.writeHead(200, { "Content-Type": stored.mimeType, "Content-Length": stored.bytes.length });
    res.end(stored.bytes);
  }

  function listTemplates(res: ServerResponse, url: URL) {
    const limit = Math.min(Number(url.searchParams.get("limit") ?? 25) || 25, 100);
    const after = url.searchParams.get("after");
    const start = after ? Number(Buffer.from(after, "base64url").toString()) : 0;
    const page = templates.slice(start, start + limit);
    const cursor = (index: number) => Buffer.from(String(index)).toString("base64url");
    const paging: Record<string, unknown> = { cursors: { before: cursor(start), after: cursor(start + page.length) } };
    if (start + page.length < templates.length) {
      const next = new URL(`${baseUrl}${url.pathname}`);
      next.searchParams.set("limit", String(limit));
      next.searchParams.set("after", cursor(start + page.length));
      paging.next = next.toString();
    }
    return sendJson(res, 200, { data: page, paging });
  }

  function unsupported(res: ServerResponse, method: string | undefined, path: string) {
    return sendJson(res, 400, {
      error: { message: `Unsupported ${method?.toLowerCase()} request. Object with ID '${path}' does not exist`, type: "GraphMethodException", code: 100, error_subcode: 33, fbtrace_id: trace() },
    });
  }

  /** Like Meta: soon after accepting a message, a signed "sent" status webhook (echoing biz_opaque_callback_data). */
  function postSentStatus(target: { url: string; appSecret: string; wabaId: string }, to: string, wamid: string, reference?: string) {
    const body = JSON.stringify(
      metaWebhooks.status({ wabaId: target.wabaId, phoneNumberId: options.phoneNumberId, wamid, status: "sent", recipient: to.replace(/^\+/, ""), bizOpaqueCallbackData: reference }),
    );
    const headers = { "Content-Type": "application/json", "X-Hub-Signature-256": sign(body, target.appSecret) };
    const attempt = (left: number): Promise<void> =>
      fetch(target.url, { method: "POST", headers, body }).then(
        (response) => (response.ok || left <= 0 ? undefined : delay(500).then(() => attempt(left - 1))),
        () => (left <= 0 ? undefined : delay(500).then(() => attempt(left - 1))),
      );
    setImmediate(() => void attempt(20));
  }

  function addMedia(bytes: Buffer, mimeType: string): string {
    const id = String(1_000_000_000_000 + mediaStore.size + Math.floor(Math.random() * 1_000_000));
    mediaStore.set(id, { bytes, mimeType });
    return id;
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sign = (body: string, secret = options.appSecret) => {
    if (!secret) throw new Error("no app secret to sign with");
    return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
  };

  return {
    baseUrl,
    requests,
    /** Every accepted message payload, with the wamid we answered. */
    sent,
    /** The next `times` sends fail with this Graph error code (any code; known ones get Meta's status and message). */
    failNext(code: number, opts: { times?: number; httpStatus?: number; details?: string } = {}) {
      const known = ERRORS[code] ?? { httpStatus: 400, message: `(#${code}) Error` };
      failures.push({ code, httpStatus: opts.httpStatus ?? known.httpStatus, message: known.message, details: opts.details, remaining: opts.times ?? 1 });
    },
    /** From now on every accepted message gets a signed "sent" status webhook posted to `url` (null stops it). */
    postStatusWebhooks(target: { url: string; appSecret: string } | null) {
      statusWebhooks = target ? { ...target, wabaId: options.wabaId } : null;
    },
    setLatency(ms: number) {
      latencyMs = ms;
    },
    setTemplates(list: FakeTemplate[]) {
      templates = list;
    },
    /** n approved templates with a body of `Olá {{1}}, seu pedido {{2}}…`. */
    generateTemplates(n: number, prefix = "template") {
      templates = Array.from({ length: n }, (_, index) => ({
        id: String(900_000 + index),
        name: `${prefix}_${String(index).padStart(4, "0")}`,
        language: index % 2 ? "en_US" : "pt_BR",
        status: ["APPROVED", "PENDING", "REJECTED"][index % 3]!,
        category: ["MARKETING", "UTILITY", "AUTHENTICATION"][index % 3]!,
        components: [{ type: "BODY", text: `Olá {{1}}, seu pedido {{2}} (#${index}) saiu para entrega.` }],
      }));
      return templates;
    },
    setPhoneInfo(info: Partial<typeof phoneInfo>) {
      phoneInfo = { ...phoneInfo, ...info };
    },
    addMedia,
    sign,
    /** POSTs a webhook to our app the way Meta does: JSON body, X-Hub-Signature-256 over the exact bytes. */
    async postWebhook(url: string, payload: unknown, opts: { secret?: string; signature?: string | null } = {}) {
      const body = typeof payload === "string" ? payload : JSON.stringify(payload);
      const headers: Record<string, string> = { "Content-Type": "application/json", "User-Agent": "facebookexternalua" };
      const signature = opts.signature === undefined ? sign(body, opts.secret) : opts.signature;
      if (signature !== null) headers["X-Hub-Signature-256"] = signature;
      return fetch(url, { method: "POST", headers, body });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Webhook bodies in Meta's envelope, for tests and the bench. */
export const metaWebhooks = {
  envelope(wabaId: string, changes: Array<{ field: string; value: unknown }>, time = Math.floor(Date.now() / 1000)) {
    return { object: "whatsapp_business_account", entry: [{ id: wabaId, time, changes }] };
  },
  text(opts: { wabaId: string; phoneNumberId: string; from: string; wamid: string; body: string; name?: string; timestamp?: number }) {
    return this.envelope(opts.wabaId, [
      {
        field: "messages",
        value: {
          messaging_product: "whatsapp",
          metadata: { display_phone_number: "15550783881", phone_number_id: opts.phoneNumberId },
          contacts: [{ profile: { name: opts.name ?? "Cliente" }, wa_id: opts.from }],
          messages: [{ from: opts.from, id: opts.wamid, timestamp: String(opts.timestamp ?? Math.floor(Date.now() / 1000)), type: "text", text: { body: opts.body } }],
        },
      },
    ]);
  },
  status(opts: { wabaId: string; phoneNumberId: string; wamid: string; status: string; recipient: string; timestamp?: number; errors?: unknown[]; bizOpaqueCallbackData?: string }) {
    return this.envelope(opts.wabaId, [
      {
        field: "messages",
        value: {
          messaging_product: "whatsapp",
          metadata: { display_phone_number: "15550783881", phone_number_id: opts.phoneNumberId },
          statuses: [
            {
              id: opts.wamid,
              status: opts.status,
              timestamp: String(opts.timestamp ?? Math.floor(Date.now() / 1000)),
              recipient_id: opts.recipient,
              ...(opts.errors ? { errors: opts.errors } : {}),
              ...(opts.bizOpaqueCallbackData ? { biz_opaque_callback_data: opts.bizOpaqueCallbackData } : {}),
            },
          ],
        },
      },
    ]);
  },
};

function delay(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function trace() {
  return randomBytes(8).toString("base64url");
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}


