import { z } from "zod";
import type { Logger } from "../logger.server";
import { LiveEventTypes, type LiveEvent } from "./types";

// Postgres rejects NOTIFY payloads of 8000 bytes or more; Redis applies the same cap so an event that
// works in production (Redis) also works on the zero-config default (Postgres).
export const MAX_EVENT_PAYLOAD_BYTES = 7999;

export const liveEventSchema = z.object({
  orgId: z.string().min(1).max(100),
  type: z.enum(LiveEventTypes),
  ids: z.record(z.string().min(1).max(100), z.string().max(200)),
  at: z.iso.datetime({ offset: true }).optional(),
});

export type LiveEventHandler = (event: LiveEvent) => void;
export type BusLogger = Pick<Logger, "debug" | "info" | "warn" | "error">;

export type DecodeResult = { ok: true; event: LiveEvent } | { ok: false; reason: string };

/** Validates and serializes an event for the wire; throws a readable error when it cannot be sent. */
export function encodeLiveEvent(event: LiveEvent): string {
  const parsed = liveEventSchema.safeParse(event);
  if (!parsed.success) throw new Error(`invalid live event: ${describeIssues(parsed.error)}`);
  const payload = JSON.stringify(parsed.data);
  const bytes = Buffer.byteLength(payload, "utf8");
  if (bytes > MAX_EVENT_PAYLOAD_BYTES) {
    throw new Error(
      `live event ${event.type} is ${bytes} bytes; the limit is ${MAX_EVENT_PAYLOAD_BYTES} (Postgres NOTIFY). Send ids only.`,
    );
  }
  return payload;
}

export function decodeLiveEvent(raw: string): DecodeResult {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, reason: "not JSON" };
  }
  const parsed = liveEventSchema.safeParse(json);
  return parsed.success ? { ok: true, event: parsed.data } : { ok: false, reason: describeIssues(parsed.error) };
}

/** Holds a bus's subscribers and hands each well-formed raw message to all of them. */
export function createDecodingDispatcher(logger: BusLogger, source: "redis" | "postgres") {
  const handlers = new Set<LiveEventHandler>();
  return {
    handlers,
    dispatch(raw: string) {
      const decoded = decodeLiveEvent(raw);
      if (!decoded.ok) {
        logger.warn({ source, reason: decoded.reason, payload: raw.slice(0, 200) }, "dropped malformed live event");
        return;
      }
      for (const handler of [...handlers]) {
        try {
          handler(decoded.event);
        } catch (error) {
          logger.error({ err: error, type: decoded.event.type }, "live event handler threw");
        }
      }
    },
  };
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
}
