import type { TemplateVariableMapping } from "./render";

// Shared by server and browser: what campaigns.audience / message / pacing / quiet_hours hold.

export const CAMPAIGN_STATUSES = ["draft", "scheduled", "running", "paused", "completed", "cancelled"] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const RECIPIENT_STATUSES = ["pending", "sending", "sent", "delivered", "read", "failed", "skipped", "cancelled"] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];

export const SKIP_REASONS = ["opted_out", "invalid_phone", "duplicate_phone", "no_phone", "sms_duplicate", "erased"] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export type CampaignAudience =
  | { kind: "all" }
  | { kind: "segment"; segmentId: string }
  | { kind: "tags"; tagIds: string[]; match: "any" | "all" }
  | { kind: "list" };
export type AudienceKind = CampaignAudience["kind"];
export const AUDIENCE_KINDS = ["all", "segment", "tags", "list"] as const satisfies readonly AudienceKind[];

export type CampaignMessage =
  | { type: "text"; text: string; mediaId?: string | null }
  | { type: "template"; templateId: string; variables: TemplateVariableMapping[] };

/** Cloud API, Twilio and the Sandbox pace by rate; numbers paired by QR by a random delay and a daily cap. */
export type CampaignPacing = { ratePerSecond?: number; minDelaySeconds?: number; maxDelaySeconds?: number; dailyCap?: number };

/** "HH:MM" in the organization's time zone; the window may cross midnight (21:00 → 08:00). */
export type QuietHours = { start: string; end: string };

export function isCampaignStatus(value: unknown): value is CampaignStatus {
  return typeof value === "string" && (CAMPAIGN_STATUSES as readonly string[]).includes(value);
}

export function asAudience(value: unknown): CampaignAudience {
  const audience = (value ?? {}) as Partial<Record<string, unknown>>;
  if (audience.kind === "segment" && typeof audience.segmentId === "string") return { kind: "segment", segmentId: audience.segmentId };
  if (audience.kind === "tags" && Array.isArray(audience.tagIds)) {
    return { kind: "tags", tagIds: audience.tagIds.filter((id): id is string => typeof id === "string"), match: audience.match === "all" ? "all" : "any" };
  }
  if (audience.kind === "list") return { kind: "list" };
  return { kind: "all" };
}

export function asMessage(value: unknown): CampaignMessage {
  const message = (value ?? {}) as Partial<Record<string, unknown>>;
  if (message.type === "template" && typeof message.templateId === "string") {
    const variables = Array.isArray(message.variables) ? message.variables : [];
    return {
      type: "template",
      templateId: message.templateId,
      variables: variables.map((variable: { source?: unknown; fallback?: unknown }) => ({
        source: typeof variable?.source === "string" ? variable.source : "",
        fallback: typeof variable?.fallback === "string" ? variable.fallback : "",
      })),
    };
  }
  return { type: "text", text: typeof message.text === "string" ? message.text : "", mediaId: typeof message.mediaId === "string" ? message.mediaId : null };
}

export function asPacing(value: unknown): CampaignPacing {
  const pacing = (value ?? {}) as Partial<Record<string, unknown>>;
  const out: CampaignPacing = {};
  for (const key of ["ratePerSecond", "minDelaySeconds", "maxDelaySeconds", "dailyCap"] as const) {
    if (typeof pacing[key] === "number") out[key] = pacing[key];
  }
  return out;
}

export function asQuietHours(value: unknown): QuietHours | null {
  const quiet = (value ?? null) as Partial<Record<string, unknown>> | null;
  return quiet && typeof quiet.start === "string" && typeof quiet.end === "string" ? { start: quiet.start, end: quiet.end } : null;
}
