import { type Locale, type MessageKey, translate } from "~/lib/i18n";
import { paramValues } from "../contacts/http.server";
import type { BuilderOptions } from "./builder-options.server";
import { AUDIENCE_KINDS, type AudienceKind, type CampaignAudience, type CampaignMessage, type CampaignPacing, type QuietHours } from "./campaign-types";
import type { Campaign, CampaignDraft } from "./drafts.server";
import { decodeListFile, type ListEntry, MAX_LIST_BYTES, parseListText } from "./list-entries.server";
import { PACING_LIMITS } from "./pacing";
import { validateTemplateText } from "./render";
import { dateToZonedInput, TIME_OF_DAY, zonedInputToDate } from "./schedule";

export type FormErrors = Record<string, string[]>;
export type FormMode = "draft" | "start";

export type CampaignFormResult = {
  /** The form as submitted, to fill it again. */
  values: Record<string, string[]>;
  draft: CampaignDraft;
  /** The list lines submitted now; null keeps the saved list. */
  listEntries: ListEntry[] | null;
  mediaFile: File | null;
  errors: FormErrors;
};

const MAX_TEXT = 4096;

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

function file(form: FormData, name: string): File | null {
  const value = form.get(name);
  return value instanceof File && value.size > 0 ? value : null;
}

function integer(raw: string): number | null {
  if (!/^\s*\d{1,7}\s*$/.test(raw)) return null;
  return Number(raw);
}

/**
 * Reads the builder's form into a draft and the errors to show beside each field. A draft may be
 * incomplete (no channel, empty text); `start` also requires what sending needs.
 */
export async function readCampaignForm(
  form: FormData,
  ctx: { campaign: Campaign; options: BuilderOptions; timezone: string; country: string; locale: Locale; mode: FormMode; now?: Date },
): Promise<CampaignFormResult> {
  const { options, locale, mode } = ctx;
  const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(locale, key, vars);
  const errors: FormErrors = {};
  const fail = (field: string, message: string) => (errors[field] ??= []).push(message);

  const name = text(form, "name").trim();
  if (!name) fail("name", t("validation.required"));
  else if (name.length > 120) fail("name", t("validation.tooLong"));

  const connectionId = text(form, "connectionId");
  const connection = connectionId ? options.connections.find((candidate) => candidate.id === connectionId) : undefined;
  if (connectionId && !connection) fail("connectionId", t("campaigns.form.unknownConnection"));
  if (!connection && mode === "start") fail("connectionId", t("campaigns.form.connectionRequired"));

  // Audience
  const kindRaw = text(form, "audienceKind");
  const kind: AudienceKind = (AUDIENCE_KINDS as readonly string[]).includes(kindRaw) ? (kindRaw as AudienceKind) : "all";
  let audience: CampaignAudience = { kind: "all" };
  let listEntries: ListEntry[] | null = null;
  if (kind === "segment") {
    const segmentId = text(form, "segmentId");
    if (!options.segments.some((segment) => segment.id === segmentId)) fail("segmentId", t("campaigns.form.segmentRequired"));
    audience = { kind: "segment", segmentId };
  } else if (kind === "tags") {
    const tagIds = [...new Set(form.getAll("tagIds").filter((value): value is string => typeof value === "string"))];
    if (tagIds.length === 0 || tagIds.length > 20 || tagIds.some((id) => !options.tags.some((tag) => tag.id === id))) fail("tagIds", t("campaigns.form.tagsRequired"));
    audience = { kind: "tags", tagIds, match: text(form, "tagMatch") === "all" ? "all" : "any" };
  } else if (kind === "list") {
    audience = { kind: "list" };
    const upload = file(form, "listFile");
    const pasted = text(form, "listNumbers");
    if (upload && upload.size > MAX_LIST_BYTES) fail("listNumbers", t("campaigns.form.listTooLarge", { mb: MAX_LIST_BYTES / 1024 / 1024 }));
    else if (upload || pasted.trim()) {
      const source = upload ? decodeListFile(new Uint8Array(await upload.arrayBuffer())) : pasted;
      const parsed = source === null ? null : parseListText(source, ctx.country);
      if (!parsed) fail("listNumbers", t("imports.upload.notCsv"));
      else if (parsed.entries.length === 0) fail("listNumbers", t("campaigns.form.listEmpty"));
      else listEntries = parsed.entries;
    }
  }

  // Message
  const messageType = text(form, "messageType") === "template" ? "template" : "text";
  let message: CampaignMessage;
  const mediaFile = messageType === "text" ? file(form, "mediaFile") : null;
  if (messageType === "template") {
    const templateId = text(form, "templateId");
    const template = options.templates.find((candidate) => candidate.id === templateId);
    if (connection && connection.kind !== "whatsapp_cloud") fail("templateId", t("campaigns.form.templateNeedsCloud"));
    else if (!template || (connection && template.connectionId !== connection.id)) fail("templateId", t("campaigns.form.templateRequired"));
    const fieldKeys = new Set(["first_name", "name", "phone", "email", ...options.fields.map((field) => field.key)]);
    const variables = (template?.variables ?? []).map((_, index) => {
      const source = text(form, `templateVar.${index}.source`);
      const fallback = text(form, `templateVar.${index}.fallback`).trim().slice(0, 200);
      if (source && !fieldKeys.has(source)) fail(`templateVar.${index}`, t("campaigns.form.unknownField"));
      if (!source && !fallback) fail(`templateVar.${index}`, t("campaigns.form.templateVarRequired"));
      return { source, fallback };
    });
    message = { type: "template", templateId, variables };
  } else {
    const body = text(form, "text");
    const current = ctx.campaign.message.type === "text" ? ctx.campaign.message.mediaId : null;
    const mediaId = text(form, "removeMedia") === "on" ? null : (current ?? null);
    if (body.length > MAX_TEXT) fail("text", t("campaigns.form.textTooLong", { max: MAX_TEXT }));
    for (const issue of validateTemplateText(body, options.fields.map((field) => field.key))) {
      if (issue.code === "unknownVariable") fail("text", t("campaigns.form.unknownVariable", { variable: `{{${issue.variable}}}` }));
      else if (issue.code === "invalidVariable") fail("text", t("campaigns.form.invalidVariable", { variable: issue.variable }));
      else fail("text", t("campaigns.form.unclosedSpintax"));
    }
    if (mode === "start" && !body.trim() && !mediaId && !mediaFile) fail("text", t("campaigns.form.messageRequired"));
    message = { type: "text", text: body, mediaId };
  }

  // Schedule
  let scheduledAt: Date | null = null;
  if (text(form, "scheduleMode") === "later") {
    scheduledAt = zonedInputToDate(text(form, "scheduledAt"), ctx.timezone);
    if (!scheduledAt) fail("scheduledAt", t("campaigns.form.scheduleInvalid"));
    else if (scheduledAt.getTime() <= (ctx.now ?? new Date()).getTime()) fail("scheduledAt", t("campaigns.form.schedulePast"));
  }

  // Pacing, by the chosen connection's kind
  const pacing: CampaignPacing = {};
  const limits = connection ? PACING_LIMITS[connection.kind] : null;
  // A field left out (the channel changed without JavaScript) takes the kind's default.
  const orDefault = (name: string, fallback: number) => (text(form, name).trim() === "" ? String(fallback) : text(form, name));
  if (limits?.style === "rate") {
    const rate = integer(orDefault("ratePerSecond", limits.default));
    if (rate === null || rate < 1 || rate > limits.max) fail("ratePerSecond", t("campaigns.form.rateRange", { max: limits.max }));
    else pacing.ratePerSecond = rate;
  } else if (limits?.style === "delay") {
    const min = integer(orDefault("minDelaySeconds", limits.minDelay));
    const max = integer(orDefault("maxDelaySeconds", limits.maxDelay));
    const cap = integer(orDefault("dailyCap", limits.dailyCap));
    if (min === null || max === null || min < 1 || max < min || max > limits.maxDelayLimit) fail("delay", t("campaigns.form.delayRange", { max: limits.maxDelayLimit }));
    else Object.assign(pacing, { minDelaySeconds: min, maxDelaySeconds: max });
    if (cap === null || cap < 1 || cap > limits.maxDailyCap) fail("dailyCap", t("campaigns.form.dailyCapRange", { max: limits.maxDailyCap }));
    else pacing.dailyCap = cap;
  }

  let quietHours: QuietHours | null = null;
  const quietStart = text(form, "quietStart");
  const quietEnd = text(form, "quietEnd");
  if (quietStart || quietEnd) {
    if (!TIME_OF_DAY.test(quietStart) || !TIME_OF_DAY.test(quietEnd) || quietStart === quietEnd) fail("quietHours", t("campaigns.form.quietHoursInvalid"));
    else quietHours = { start: quietStart, end: quietEnd };
  }

  return {
    values: paramValues(form),
    draft: { name: name.slice(0, 120) || ctx.campaign.name, connectionId: connection?.id ?? null, audience, message, scheduledAt, pacing, quietHours },
    listEntries,
    mediaFile,
    errors,
  };
}

/** The saved campaign as the builder's form values (the same shape a submission comes back in). */
export function campaignFormValues(campaign: Campaign, timezone: string): Record<string, string[]> {
  const values: Record<string, string[]> = {
    name: [campaign.name],
    connectionId: [campaign.connectionId ?? ""],
    audienceKind: [campaign.audience.kind],
    scheduleMode: [campaign.scheduledAt ? "later" : "now"],
    scheduledAt: [campaign.scheduledAt ? dateToZonedInput(campaign.scheduledAt, timezone) : ""],
    quietStart: [campaign.quietHours?.start ?? ""],
    quietEnd: [campaign.quietHours?.end ?? ""],
    messageType: [campaign.message.type],
  };
  if (campaign.audience.kind === "segment") values.segmentId = [campaign.audience.segmentId];
  if (campaign.audience.kind === "tags") {
    values.tagIds = campaign.audience.tagIds;
    values.tagMatch = [campaign.audience.match];
  }
  if (campaign.message.type === "text") values.text = [campaign.message.text];
  else {
    values.templateId = [campaign.message.templateId];
    campaign.message.variables.forEach((variable, index) => {
      values[`templateVar.${index}.source`] = [variable.source];
      values[`templateVar.${index}.fallback`] = [variable.fallback];
    });
  }
  for (const key of ["ratePerSecond", "minDelaySeconds", "maxDelaySeconds", "dailyCap"] as const) {
    const value = campaign.pacing[key];
    if (value !== undefined) values[key] = [String(value)];
  }
  return values;
}
