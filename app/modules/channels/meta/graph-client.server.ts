import type { SendError } from "../types";
import type { GraphSettings } from "./config.server";
import { type GraphErrorBody, mapGraphError, networkError } from "./errors";

export type GraphOptions = { timeoutMs: number; fetch: typeof fetch };
export type GraphResult<T> = { ok: true; data: T } | { ok: false; error: SendError };

type RequestInit = { method?: "GET" | "POST"; json?: unknown; form?: FormData; absoluteUrl?: string };

/** One Graph API call: bearer auth, JSON in and out, every failure turned into a SendError (never thrown). */
export async function graphCall<T>(settings: GraphSettings, path: string, options: GraphOptions, init: RequestInit = {}): Promise<GraphResult<T>> {
  const url = init.absoluteUrl ?? `${settings.baseUrl}/${settings.version}/${path.replace(/^\//, "")}`;
  const headers: Record<string, string> = { Authorization: `Bearer ${settings.accessToken}` };
  let body: BodyInit | undefined;
  if (init.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(init.json);
  } else if (init.form) body = init.form;
  let response: Response;
  try {
    response = await options.fetch(url, { method: init.method ?? (body ? "POST" : "GET"), headers, body, signal: AbortSignal.timeout(options.timeoutMs) });
  } catch (error) {
    return { ok: false, error: networkError(error) };
  }
  let payload: unknown;
  try {
    payload = await response.json();
  } catch (error) {
    if (response.ok) return { ok: false, error: { ...networkError(error), code: "bad_response", retryable: true } };
    payload = undefined;
  }
  if (!response.ok) return { ok: false, error: mapGraphError(response.status, (payload as { error?: GraphErrorBody } | undefined)?.error) };
  return { ok: true, data: payload as T };
}

/** Downloads bytes from a media URL Meta handed out; it wants the same bearer token. */
export async function graphDownload(settings: GraphSettings, url: string, options: GraphOptions): Promise<GraphResult<Response>> {
  try {
    const response = await options.fetch(url, { headers: { Authorization: `Bearer ${settings.accessToken}` }, signal: AbortSignal.timeout(options.timeoutMs) });
    if (!response.ok || !response.body) {
      const payload = (await response.json().catch(() => undefined)) as { error?: GraphErrorBody } | undefined;
      return { ok: false, error: mapGraphError(response.status, payload?.error) };
    }
    return { ok: true, data: response };
  } catch (error) {
    return { ok: false, error: networkError(error) };
  }
}
