import type { SendError } from "../types";

type Rule = Pick<SendError, "retryable" | "consequence">;

/** Meta tells errors apart by `code` (never by HTTP status or title): what each means for our send loop. */
const RULES: Record<number, Rule> = {
  130429: { retryable: true, consequence: "rate_limited" }, // throughput of the number exceeded
  131056: { retryable: true, consequence: "rate_limited" }, // pair rate limit: same business → same user too fast
  80007: { retryable: true, consequence: "rate_limited" }, // WABA rate limit
  4: { retryable: true, consequence: "rate_limited" }, // app call limit
  1: { retryable: true }, // API unknown
  2: { retryable: true }, // API service (temporary)
  131000: { retryable: true }, // something went wrong
  131016: { retryable: true }, // service overloaded
  131026: { retryable: false }, // undeliverable
  131047: { retryable: false, consequence: "window_closed" }, // 24-hour window closed
  131048: { retryable: false, consequence: "pause_sending" }, // spam rate limit
  131049: { retryable: false }, // Meta chose not to deliver this marketing message
  190: { retryable: false, consequence: "connection_broken" }, // access token expired or revoked
  368: { retryable: false, consequence: "pause_sending" }, // policy block
};

export type GraphErrorBody = { message?: string; code?: number; error_subcode?: number; error_data?: { details?: string } };

/** Maps a Graph API error (or a bare HTTP failure with no error body) to our SendError. */
export function mapGraphError(httpStatus: number, error: GraphErrorBody | undefined): SendError {
  const code = typeof error?.code === "number" ? error.code : undefined;
  const details = error?.error_data?.details;
  const message = [error?.message, details].filter(Boolean).join(": ") || `HTTP ${httpStatus}`;
  if (code === undefined) return { code: `http_${httpStatus}`, message, retryable: httpStatus >= 500 || httpStatus === 429 };
  const rule = RULES[code] ?? { retryable: httpStatus >= 500 };
  return { code: String(code), message, ...rule };
}

/** No answer at all: the request may or may not have reached Meta, and retrying is the only move. */
export function networkError(error: unknown): SendError {
  const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
  return { code: timedOut ? "timeout" : "network", message: error instanceof Error ? error.message : String(error), retryable: true };
}
