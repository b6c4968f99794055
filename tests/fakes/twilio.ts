/**
 * A stand-in for Twilio's REST API on loopback, speaking its wire format: Messages.json create
 * (basic auth, form params, Twilio's JSON and error JSON), the account fetch used by "test
 * connection", and media downloads. It records what it received, can be told to fail with any error
 * code or to answer slowly, and signs inbound and status callbacks to our app like Twilio does.
 */
import { createHmac, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { countSmsSegments } from "../../app/modules/channels/twilio/sms-segments.js";
import { readBody, sendJson } from "./http.js";

export type FakeTwilioOptions = { accountSid: string; authToken: string; port?: number };
export type RecordedTwilioRequest = { method: string; path: string; authorization?: string; params: Record<string, string[]> };
export type FakeTwilioMessage = { sid: string; to: string; from: string | null; messagingServiceSid: string | null; body: string; mediaUrl: string[]; statusCallback?: string; numSegments: number };

type Failure = { code: number; status: number; message: string; remaining: number };

const ERRORS: Record<number, { status: number; message: string }> = {
  20003: { status: 401, message: "Authenticate" },
  20429: { status: 429, message: "Too Many Requests" },
  21211: { status: 400, message: "The 'To' number is not a valid phone number." },
  21610: { status: 400, message: "Attempt to send to unsubscribed recipient" },
  21611: { status: 400, message: "This 'From' number has exceeded the maximum number of queued messages" },
  30001: { status: 400, message: "Queue overflow" },
};

export type FakeTwilio = Awaited<ReturnType<typeof startFakeTwilio>>;

export async function startFakeTwilio(options: FakeTwilioOptions) {
  const requests: RecordedTwilioRequest[] = [];
  const messages: FakeTwilioMessage[] = [];
  const media = new Map<string, { bytes: Buffer; mimeType: string }>();
  const failures: Failure[] = [];
  let latencyMs = 0;
  let accountStatus = "active";
  const basic = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString("base64")}`;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => sendJson(res, 500, { code: 20500, message: String(error), status: 500 }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://fake");
    const raw = (await readBody(req)).toString("utf8");
    const params: Record<string, string[]> = {};
    for (const [name, value] of new URLSearchParams(raw)) (params[name] ??= []).push(value);
    requests.push({ method: req.method ?? "GET", path: url.pathname, authorization: req.headers.authorization, params });
    if (latencyMs) await new Promise((resolve) => setTimeout(resolve, latencyMs));

    if (req.headers.authorization !== basic) return error(res, 20003);
    const account = `/2010-04-01/Accounts/${options.accountSid}`;
    if (req.method === "GET" && url.pathname === `${account}.json`) {
      return sendJson(res, 200, { sid: options.accountSid, friendly_name: "Master IA test account", status: accountStatus, type: "Full", uri: `${account}.json` });
    }
    if (req.method === "POST" && url.pathname === `${account}/Messages.json`) return createMessage(res, params);
    const mediaMatch = /^\/media\/(\w+)$/.exec(url.pathname);
    if (req.method === "GET" && mediaMatch && media.has(mediaMatch[1]!)) {
      const stored = media.get(mediaMatch[1]!)!;
      res.writeHead(200, { "Content-Type": stored.mimeType, "Content-Length": stored.bytes.length });
      return res.end(stored.bytes);
    }
    return sendJson(res, 404, { code: 20404, message: `The requested resource ${url.pathname} was not found`, more_info: "https://www.twilio.com/docs/errors/20404", status: 404 });
  }

  function createMessage(res: ServerResponse, params: Record<string, string[]>) {
    const failure = failures[0];
    if (failure) {
      failure.remaining -= 1;
      if (failure.remaining <= 0) failures.shift();
      return sendJson(res, failure.status, { code: failure.code, message: failure.message, more_info: `https://www.twilio.com/docs/errors/${failure.code}`, status: failure.status });
    }
    const one = (name: string) => params[name]?.[0];
    const to = one("To");
    if (!to) return sendJson(res, 400, { code: 21604, message: "A 'To' phone number is required.", more_info: "https://www.twilio.com/docs/errors/21604", status: 400 });
    if (!/^\+[1-9]\d{6,14}$/.test(to)) return error(res, 21211);
    if (!one("From") && !one("MessagingServiceSid")) {
      return sendJson(res, 400, { code: 21603, message: "A 'From' or 'MessagingServiceSid' parameter is required", more_info: "https://www.twilio.com/docs/errors/21603", status: 400 });
    }
    const body = one("Body") ?? "";
    const mediaUrl = params.MediaUrl ?? [];
    if (!body && !mediaUrl.length) return sendJson(res, 400, { code: 21602, message: "Message body is required.", more_info: "https://www.twilio.com/docs/errors/21602", status: 400 });
    const sid = `SM${randomBytes(16).toString("hex")}`;
    const numSegments = Math.max(1, countSmsSegments(body).segments);
    const message: FakeTwilioMessage = { sid, to, from: one("From") ?? null, messagingServiceSid: one("MessagingServiceSid") ?? null, body, mediaUrl, statusCallback: one("StatusCallback"), numSegments };
    messages.push(message);
    const now = new Date().toUTCString().replace("GMT", "+0000");
    return sendJson(res, 201, {
      account_sid: options.accountSid,
      api_version: "2010-04-01",
      body,
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: "outbound-api",
      error_code: null,
      error_message: null,
      from: message.from,
      messaging_service_sid: message.messagingServiceSid,
      num_media: String(mediaUrl.length),
      num_segments: String(numSegments),
      price: null,
      price_unit: "USD",
      sid,
      status: message.messagingServiceSid ? "accepted" : "queued",
      to,
      uri: `/2010-04-01/Accounts/${options.accountSid}/Messages/${sid}.json`,
    });
  }

  function error(res: ServerResponse, code: number) {
    const known = ERRORS[code] ?? { status: 400, message: `Error ${code}` };
    return sendJson(res, known.status, { code, message: known.message, more_info: `https://www.twilio.com/docs/errors/${code}`, status: known.status });
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl,
    requests,
    messages,
    failNext(code: number, opts: { times?: number; status?: number } = {}) {
      const known = ERRORS[code] ?? { status: 400, message: `Error ${code}` };
      failures.push({ code, status: opts.status ?? known.status, message: known.message, remaining: opts.times ?? 1 });
    },
    setLatency(ms: number) {
      latencyMs = ms;
    },
    setAccountStatus(status: "active" | "suspended" | "closed") {
      accountStatus = status;
    },
    addMedia(bytes: Buffer, mimeType: string) {
      const id = `ME${randomBytes(16).toString("hex")}`;
      media.set(id, { bytes, mimeType });
      return `${baseUrl}/media/${id}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** base64(HMAC-SHA1(auth token, URL + each param name and value in name order)). */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, name) => acc + name + params[name], url);
  return createHmac("sha1", authToken).update(Buffer.from(data, "utf8")).digest("base64");
}

/**
 * Posts a callback to our app like Twilio: form-urlencoded, signed over `publicUrl` (what Twilio was
 * configured with) while actually connecting to `deliverTo` (our server in the test).
 */
export async function postTwilioCallback(opts: { publicUrl: string; deliverTo: string; authToken: string; params: Record<string, string>; signature?: string | null }) {
  const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded", "User-Agent": "TwilioProxy/1.1" };
  const signature = opts.signature === undefined ? twilioSignature(opts.authToken, opts.publicUrl, opts.params) : opts.signature;
  if (signature !== null) headers["X-Twilio-Signature"] = signature;
  return fetch(opts.deliverTo, { method: "POST", headers, body: new URLSearchParams(opts.params) });
}

/** The params Twilio posts for an inbound SMS (and for an opt-out when `optOut` is set). */
export function twilioInboundParams(opts: { accountSid: string; from: string; to: string; body: string; sid?: string; optOut?: boolean; media?: Array<{ url: string; contentType: string }> }) {
  const sid = opts.sid ?? `SM${randomBytes(16).toString("hex")}`;
  const params: Record<string, string> = {
    ToCountry: "US",
    SmsMessageSid: sid,
    NumMedia: String(opts.media?.length ?? 0),
    SmsSid: sid,
    SmsStatus: "received",
    Body: opts.body,
    To: opts.to,
    NumSegments: String(Math.max(1, countSmsSegments(opts.body).segments)),
    MessageSid: sid,
    AccountSid: opts.accountSid,
    From: opts.from,
    ApiVersion: "2010-04-01",
  };
  opts.media?.forEach((item, index) => {
    params[`MediaUrl${index}`] = item.url;
    params[`MediaContentType${index}`] = item.contentType;
  });
  if (opts.optOut) params.OptOutType = "STOP";
  return params;
}


