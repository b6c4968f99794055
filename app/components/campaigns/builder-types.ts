// Data the campaign builder receives from its route (components may not import domain modules).

export type ChannelKindName = "sandbox" | "whatsapp_cloud" | "whatsapp_baileys" | "twilio_sms";
export type BuilderConnection = { id: string; name: string; kind: ChannelKindName; status: string };
export type BuilderTemplate = { id: string; connectionId: string; name: string; language: string; bodyText: string; variables: string[] };
export type BuilderOptions = {
  connections: BuilderConnection[];
  segments: Array<{ id: string; name: string }>;
  tags: Array<{ id: string; name: string; color: string }>;
  fields: Array<{ key: string; label: string }>;
  templates: BuilderTemplate[];
};
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
