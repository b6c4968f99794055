/**
 * A loopback S3-compatible server, enough for @aws-sdk/client-s3 with path-style addressing:
 * PutObject, GetObject, HeadObject, DeleteObject, and presigned GETs. Requests must carry a SigV4
 * signature from the configured key pair (checked like S3 does: header or query form, expiry, scope);
 * errors are S3's XML bodies. Records every request and can be told to fail.
 */
import { createHash, createHmac, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readBody } from "./http.js";

export type FakeS3Options = { accessKeyId: string; secretAccessKey: string; buckets: string[]; region?: string };

export type StoredS3Object = { body: Buffer; contentType: string; metadata: Record<string, string>; etag: string; lastModified: Date };

export type RecordedS3Request = { method: string; bucket: string; key: string; presigned: boolean; headers: Record<string, string | undefined>; status: number };

type Failure = { method?: string; status: number; code: string; remaining: number };

export type FakeS3 = Awaited<ReturnType<typeof startFakeS3>>;

export async function startFakeS3(options: FakeS3Options) {
  const region = options.region ?? "us-east-1";
  const buckets = new Map(options.buckets.map((name) => [name, new Map<string, StoredS3Object>()]));
  const requests: RecordedS3Request[] = [];
  const failures: Failure[] = [];

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => sendError(res, 500, "InternalError", String(error)));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://fake-s3");
    const [, bucketName = "", ...keyParts] = url.pathname.split("/");
    const bucket = decodeURIComponent(bucketName);
    const key = keyParts.map(decodeURIComponent).join("/");
    const raw = await readBody(req);
    const presigned = url.searchParams.has("X-Amz-Signature");
    const record = (status: number) =>
      requests.push({ method: req.method ?? "", bucket, key, presigned, headers: { ...req.headers } as Record<string, string | undefined>, status });

    const auth = checkSignature(req, url, raw);
    if (!auth.ok) {
      record(403);
      return sendError(res, 403, auth.code, auth.message, req.method === "HEAD");
    }
    const failure = failures.find((candidate) => !candidate.method || candidate.method === req.method);
    if (failure) {
      if (--failure.remaining <= 0) failures.splice(failures.indexOf(failure), 1);
      record(failure.status);
      return sendError(res, failure.status, failure.code, `injected ${failure.code}`, req.method === "HEAD");
    }
    const objects = buckets.get(bucket);
    if (!objects) {
      record(404);
      return sendError(res, 404, "NoSuchBucket", "The specified bucket does not exist", req.method === "HEAD");
    }
    if (!key) {
      record(400);
      return sendError(res, 400, "InvalidRequest", "This fake serves object operations only");
    }

    if (req.method === "PUT") {
      const body = /aws-chunked/.test(req.headers["content-encoding"] ?? "") ? decodeAwsChunked(raw) : raw;
      const etag = `"${createHash("md5").update(body).digest("hex")}"`;
      const metadata = Object.fromEntries(
        Object.entries(req.headers)
          .filter(([name]) => name.startsWith("x-amz-meta-"))
          .map(([name, value]) => [name.slice("x-amz-meta-".length), String(value)]),
      );
      objects.set(key, { body, contentType: req.headers["content-type"] ?? "binary/octet-stream", metadata, etag, lastModified: new Date() });
      record(200);
      res.writeHead(200, { ETag: etag, "x-amz-request-id": randomUUID(), "Content-Length": 0 });
      return res.end();
    }
    if (req.method === "GET" || req.method === "HEAD") {
      const object = objects.get(key);
      if (!object) {
        record(404);
        return sendError(res, 404, "NoSuchKey", "The specified key does not exist.", req.method === "HEAD");
      }
      record(200);
      res.writeHead(200, {
        "Content-Type": object.contentType,
        "Content-Length": object.body.length,
        ETag: object.etag,
        "Last-Modified": object.lastModified.toUTCString(),
        "x-amz-request-id": randomUUID(),
        ...Object.fromEntries(Object.entries(object.metadata).map(([name, value]) => [`x-amz-meta-${name}`, value])),
      });
      return res.end(req.method === "GET" ? object.body : undefined);
    }
    if (req.method === "DELETE") {
      objects.delete(key);
      record(204);
      res.writeHead(204, { "x-amz-request-id": randomUUID() });
      return res.end();
    }
    record(405);
    sendError(res, 405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
  }

  /** SigV4 as S3 checks it: the key id, the scope, the expiry of presigned URLs, and the signature itself. */
  function checkSignature(req: IncomingMessage, url: URL, body: Buffer): { ok: true } | { ok: false; code: string; message: string } {
    const query = url.searchParams;
    const presigned = query.has("X-Amz-Signature");
    let credential: string, signedHeaders: string, signature: string, amzDate: string, payloadHash: string;
    if (presigned) {
      if (query.get("X-Amz-Algorithm") !== "AWS4-HMAC-SHA256") return denied("AuthorizationQueryParametersError", "X-Amz-Algorithm must be AWS4-HMAC-SHA256");
      credential = query.get("X-Amz-Credential") ?? "";
      signedHeaders = query.get("X-Amz-SignedHeaders") ?? "";
      signature = query.get("X-Amz-Signature") ?? "";
      amzDate = query.get("X-Amz-Date") ?? "";
      payloadHash = "UNSIGNED-PAYLOAD";
      const expires = Number(query.get("X-Amz-Expires"));
      if (!Number.isInteger(expires) || expires < 1 || expires > 604800) return denied("AuthorizationQueryParametersError", "X-Amz-Expires must be 1..604800");
      if (parseAmzDate(amzDate) + expires * 1000 < Date.now()) return denied("AccessDenied", "Request has expired");
    } else {
      const match = /^AWS4-HMAC-SHA256 Credential=([^,]+),\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]{64})$/.exec(req.headers.authorization ?? "");
      if (!match) return denied("AccessDenied", "Missing or malformed SigV4 Authorization header");
      [, credential = "", signedHeaders = "", signature = ""] = match;
      amzDate = String(req.headers["x-amz-date"] ?? "");
      payloadHash = String(req.headers["x-amz-content-sha256"] ?? "");
      if (!payloadHash) return denied("InvalidRequest", "Missing required header for this request: x-amz-content-sha256");
      if (/^[0-9a-f]{64}$/.test(payloadHash) && payloadHash !== sha256Hex(body)) return denied("XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
    const [accessKeyId, date, scopeRegion, service, terminator] = credential.split("/");
    if (accessKeyId !== options.accessKeyId) return denied("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.");
    if (!/^\d{8}T\d{6}Z$/.test(amzDate) || date !== amzDate.slice(0, 8) || scopeRegion !== region || service !== "s3" || terminator !== "aws4_request") {
      return denied("AuthorizationHeaderMalformed", `The credential scope ${credential} is wrong for this server (region ${region})`);
    }
    const headerNames = signedHeaders.split(";");
    if (!headerNames.includes("host")) return denied("AccessDenied", "SignedHeaders must include host");
    const canonicalQuery = [...query]
      .filter(([name]) => name !== "X-Amz-Signature")
      .map(([name, value]) => [rfc3986(name), rfc3986(value)])
      .sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0))
      .map(([name, value]) => `${name}=${value}`)
      .join("&");
    const canonicalHeaders = headerNames.map((name) => `${name}:${String(req.headers[name] ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
    const canonicalRequest = [req.method, url.pathname, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].join("\n");
    const scope = `${date}/${region}/s3/aws4_request`;
    const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
    let signingKey: Buffer = hmac(`AWS4${options.secretAccessKey}`, date);
    for (const part of [region, "s3", "aws4_request"]) signingKey = hmac(signingKey, part);
    if (hmac(signingKey, stringToSign).toString("hex") !== signature) {
      return denied("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.");
    }
    return { ok: true };
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region,
    requests,
    object: (bucket: string, key: string) => buckets.get(bucket)?.get(key),
    objectKeys: (bucket: string) => [...(buckets.get(bucket)?.keys() ?? [])],
    /** The next `times` matching requests answer with this S3 error (the SDK retries 5xx three times). */
    fail(failure: { method?: "PUT" | "GET" | "HEAD" | "DELETE"; status: number; code: string; times?: number }) {
      failures.push({ method: failure.method, status: failure.status, code: failure.code, remaining: failure.times ?? 1 });
    },
    reset() {
      requests.length = 0;
      failures.length = 0;
      for (const objects of buckets.values()) objects.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function denied(code: string, message: string) {
  return { ok: false as const, code, message };
}

function sendError(res: ServerResponse, status: number, code: string, message: string, headOnly = false) {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><RequestId>${randomUUID()}</RequestId></Error>`;
  res.writeHead(status, { "Content-Type": "application/xml", "Content-Length": headOnly ? 0 : Buffer.byteLength(xml), "x-amz-request-id": randomUUID() });
  res.end(headOnly ? undefined : xml);
}

/** `aws-chunked` bodies: `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n` … `0\r\n<trailers>\r\n\r\n`. */
function decodeAwsChunked(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = raw.indexOf("\r\n", offset);
    if (lineEnd < 0) throw new Error("truncated aws-chunked body");
    const size = parseInt(raw.subarray(offset, lineEnd).toString("latin1").split(";")[0]!, 16);
    if (!Number.isFinite(size)) throw new Error("bad aws-chunked size line");
    if (size === 0) return Buffer.concat(parts);
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}


function parseAmzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : 0;
}

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const sha256Hex = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();
const escapeXml = (value: string) => value.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
