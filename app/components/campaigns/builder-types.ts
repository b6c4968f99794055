// Data the campaign builder receives from its route (components take only types from domain modules).

import type { BuilderConnection, BuilderOptions, BuilderTemplate } from "~/modules/campaigns/builder-options.server";

export type { BuilderConnection, BuilderOptions, BuilderTemplate };
export type ChannelKindName = BuilderConnection["kind"];
export type PacingLimits =
  | { style: "rate"; default: number; max: number }
  | { style: "delay"; minDelay: number; maxDelay: number; maxDelayLimit: number; dailyCap: number; maxDailyCap: number };
export type AudienceCountView = {
  total: number;
  eligible: number;
  excluded: { optedOut: number; noPhone: number; invalidPhone: number; duplicatePhone: number; erased: number };
};
export type SampleContactView = { id: string | null; name: string | null; phone: string | null; email: string | null; attributes: Record<string, unknown> | null };
export type FormValues = Record<string, string[]>;
export type FormErrors = Record<string, string[]>;

/** What the live preview needs from the form as it is being edited. */
export type MessageSnapshot = { messageType: string; text: string; templateId: string; templateVars: Array<{ source: string; fallback: string }> };

export function first(values: FormValues, name: string): string {
  return values[name]?.[0] ?? "";
}
