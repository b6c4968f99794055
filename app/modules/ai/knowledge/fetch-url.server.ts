import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP } from "node:net";
import { getEnv } from "~/lib/env.server";
import { detectFormat, type DocumentFormat } from "./extract.server";

export const MAX_URL_BYTES = 5 * 1024 * 1024;
const TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 3;

export type FetchErrorCode = "invalid_url" | "blocked_address" | "timeout" | "too_large" | "unsupported_type" | "http_error" | "network";

export class UrlFetchError extends Error {
  constructor(
    public readonly code: FetchErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "UrlFetchError";
  }
}

export type FetchedDocument = { bytes: Uint8Array; format: DocumentFormat; mime: string; finalUrl: string };

/** Addresses a server-side fetch must never reach: our own machine, the private network, cloud metadata. */
const blocked = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  blocked.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  blocked.addSubnet(network, prefix, "ipv6");
}

export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, "ipv4");
  if (family === 6) {
    // IPv4-mapped (::ffff:127.0.0.1) is checked as the IPv4 address it is.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    return mapped ? blocked.check(mapped, "ipv4") : blocked.check(address, "ipv6");
  }
  return true;
}

export function parseDocumentUrl(value: string): URL | null {
  try {
    const url = new URL(value.trim());
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    if (url.username || url.password) return null;
    return url;
  } catch {
    return null;
  }
}

/**
 * Fetches a document for a knowledge base. The address check runs inside the socket's DNS lookup,
 * so the address connected to is the address checked (no DNS-rebinding gap), and again on every
 * redirect. Bounded in time and size; only text, HTML, markdown, CSV and PDF are accepted.
 */
export async function fetchDocumentUrl(rawUrl: string, options: { allowPrivate?: boolean } = {}): Promise<FetchedDocument> {
  const allowPrivate = options.allowPrivate ?? getEnv().KB_FETCH_ALLOW_PRIVATE;
  let url = parseDocumentUrl(rawUrl);
  if (!url) throw new UrlFetchError("invalid_url", "only http and https addresses are accepted");
  const deadline = AbortSignal.timeout(TIMEOUT_MS);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const response = await request(url, allowPrivate, deadline);
    if (response.status >= 300 && response.status < 400 && response.location) {
      response.discard();
      const next = parseDocumentUrl(new URL(response.location, url).toString());
      if (!next) throw new UrlFetchError("invalid_url", "redirected to an address that is not http or https");
      url = next;
      continue;
    }
    if (response.status !== 200) {
      response.discard();
      throw new UrlFetchError("http_error", `the server answered HTTP ${response.status}`);
    }
    const mime = response.contentType?.split(";")[0].trim().toLowerCase() ?? "";
    const format = detectFormat(null, mime) ?? (mime === "" || mime === "application/octet-stream" ? detectFormat(url.pathname, null) : null);
    if (!format) {
      response.discard();
      throw new UrlFetchError("unsupported_type", `unsupported content type ${mime || "(none)"}: use a web page, text, markdown, CSV or PDF`);
    }
    return { bytes: await response.read(), format, mime: mime || "application/octet-stream", finalUrl: url.toString() };
  }
  throw new UrlFetchError("http_error", `more than ${MAX_REDIRECTS} redirects`);
}

type RawResponse = {
  status: number;
  location?: string;
  contentType?: string;
  read(): Promise<Uint8Array>;
  discard(): void;
};

function request(url: URL, allowPrivate: boolean, signal: AbortSignal): Promise<RawResponse> {
  const literal = url.hostname.replace(/^\[|\]$/g, "");
  if (!allowPrivate && isIP(literal) && isBlockedAddress(literal)) {
    return Promise.reject(new UrlFetchError("blocked_address", `refusing to fetch a private or local address (${literal})`));
  }
  const guardedLookup = (hostname: string, options: object, callback: (...args: any[]) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error);
      const allowed = allowPrivate ? addresses : addresses.filter((entry) => !isBlockedAddress(entry.address));
      if (allowed.length === 0) return callback(new UrlFetchError("blocked_address", `refusing to fetch ${hostname}: it resolves to a private or local address`));
      if ((options as { all?: boolean }).all) callback(null, allowed);
      else callback(null, allowed[0].address, allowed[0].family);
    });
  };
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(
      url,
      { lookup: guardedLookup as never, signal, headers: { "User-Agent": "MasterIA-KnowledgeBase/1.0", Accept: "text/html, text/plain, text/markdown, text/csv, application/pdf;q=0.9, */*;q=0.1" } },
      (res) => {
        const declared = Number(res.headers["content-length"] ?? 0);
        resolve({
          status: res.statusCode ?? 0,
          location: res.headers.location,
          contentType: res.headers["content-type"],
          discard: () => res.destroy(),
          read: () =>
            new Promise<Uint8Array>((done, fail) => {
              if (declared > MAX_URL_BYTES) {
                res.destroy();
                return fail(tooLarge());
              }
              const chunks: Buffer[] = [];
              let size = 0;
              res.on("data", (chunk: Buffer) => {
                size += chunk.length;
                if (size > MAX_URL_BYTES) {
                  res.destroy();
                  fail(tooLarge());
                } else chunks.push(chunk);
              });
              res.on("end", () => done(new Uint8Array(Buffer.concat(chunks))));
              res.on("error", (error) => fail(toFetchError(error, signal)));
            }),
        });
      },
    );
    req.on("error", (error) => reject(toFetchError(error, signal)));
  });
}

function tooLarge() {
  return new UrlFetchError("too_large", `the document is larger than ${MAX_URL_BYTES / 1024 / 1024} MB`);
}

function toFetchError(error: unknown, signal: AbortSignal): UrlFetchError {
  if (error instanceof UrlFetchError) return error;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof UrlFetchError) return cause;
  if (signal.aborted) return new UrlFetchError("timeout", `no complete answer within ${TIMEOUT_MS / 1000} s`);
  return new UrlFetchError("network", `could not fetch the address: ${error instanceof Error ? error.message : String(error)}`);
}
