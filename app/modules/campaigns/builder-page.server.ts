import type { Database } from "#db/index.js";
import { type Locale, translate } from "~/lib/i18n";
import { formatBytes, MediaError } from "~/lib/storage/media-limits";
import { findMedia, saveMedia } from "~/lib/storage/media.server";
import type { Organization } from "../orgs/organizations.server";
import { type AudienceCount, countAudience } from "./audience-count.server";
import { type BuilderOptions, loadBuilderOptions } from "./builder-options.server";
import { campaignFormValues, type CampaignFormResult, type FormErrors, readCampaignForm } from "./campaign-form.server";
import { type Campaign, saveDraft } from "./drafts.server";
import { countListEntries, loadListPhones, replaceListEntries } from "./list-entries.server";
import { type StartFailure, startCampaign } from "./lifecycle.server";
import { PACING_LIMITS } from "./pacing";
import { sampleContacts } from "./preview.server";
import { sendTestMessage } from "./test-send.server";

/** Everything the builder page shows for a saved draft. */
export async function loadBuilderPage(db: Database, org: Organization, campaign: Campaign) {
  const [options, listPhones, samples, media] = await Promise.all([
    loadBuilderOptions(db, org.id),
    campaign.audience.kind === "list" ? loadListPhones(db, campaign.id) : Promise.resolve([]),
    sampleContacts(db, org.id, campaign.id, campaign.audience),
    campaign.message.type === "text" && campaign.message.mediaId ? findMedia(db, org.id, campaign.message.mediaId) : Promise.resolve(null),
  ]);
  const count = await countAudience(db, org.id, campaign.audience, listPhones);
  return {
    campaign: { id: campaign.id, name: campaign.name },
    values: campaignFormValues(campaign, org.timezone),
    options,
    pacingLimits: PACING_LIMITS,
    timezone: org.timezone,
    count,
    listCount: campaign.audience.kind === "list" ? listPhones.length : await countListEntries(db, campaign.id),
    samples,
    media: media ? { filename: media.filename } : null,
  };
}

export type BuilderActionResult =
  | { kind: "redirect"; to: string; toast: string }
  | { kind: "json"; status: number; body: { values: Record<string, string[]>; errors: FormErrors; formError?: string; notice?: string; count?: AudienceCount } };

type Context = { db: Database; org: Organization; userId: string; locale: Locale; campaign: Campaign; form: FormData };

function mediaErrorText(locale: Locale, error: MediaError): string {
  const { kind, mimeType, maxBytes } = error.details;
  return error.code === "media_too_large"
    ? translate(locale, "media.tooLarge", { kind: kind ?? "", max: maxBytes ? formatBytes(maxBytes) : "" })
    : translate(locale, "media.typeNotAllowed", { type: mimeType || "?" });
}

const START_ERRORS: Record<StartFailure, Parameters<typeof translate>[1]> = {
  not_found: "campaigns.error.not_found",
  invalid_state: "campaigns.error.invalid_state",
  no_connection: "campaigns.error.no_connection",
  empty_audience: "campaigns.error.empty_audience",
  invalid_message: "campaigns.error.invalid_message",
};

export function startErrorText(locale: Locale, code: StartFailure): string {
  return translate(locale, START_ERRORS[code]);
}

/** Stores the attachment (if one came) and returns the draft with its media id, or the field error. */
async function withMedia(ctx: Context, parsed: CampaignFormResult): Promise<CampaignFormResult> {
  if (!parsed.mediaFile || parsed.draft.message.type !== "text") return parsed;
  try {
    const file = parsed.mediaFile;
    const media = await saveMedia(ctx.db, ctx.org.id, new Uint8Array(await file.arrayBuffer()), { mimeType: file.type || "application/octet-stream", filename: file.name });
    return { ...parsed, draft: { ...parsed.draft, message: { ...parsed.draft.message, mediaId: media.id } } };
  } catch (error) {
    if (error instanceof MediaError) return { ...parsed, errors: { ...parsed.errors, mediaFile: [mediaErrorText(ctx.locale, error)] } };
    throw error;
  }
}

/** The builder's buttons: save, count, preview, testSend, start. */
export async function runBuilderAction(ctx: Context, intent: string, options: BuilderOptions): Promise<BuilderActionResult> {
  const { db, org, campaign, locale } = ctx;
  const t = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate(locale, key, vars);
  const mode = intent === "start" ? "start" : "draft";
  let parsed = await readCampaignForm(ctx.form, { campaign, options, timezone: org.timezone, country: org.country, locale, mode });
  const reply = (status: number, extra: { formError?: string; notice?: string; count?: AudienceCount } = {}): BuilderActionResult => ({
    kind: "json",
    status,
    body: { values: parsed.values, errors: parsed.errors, ...extra },
  });

  if (intent === "count") {
    const audienceErrors = ["segmentId", "tagIds", "listNumbers"].some((field) => parsed.errors[field]);
    if (audienceErrors) return reply(400);
    const phones = parsed.listEntries ? parsed.listEntries.map((entry) => entry.phone) : parsed.draft.audience.kind === "list" ? await loadListPhones(db, campaign.id) : [];
    const count = await countAudience(db, org.id, parsed.draft.audience, phones);
    return { kind: "json", status: 200, body: { values: parsed.values, errors: {}, count } };
  }
  if (intent === "preview") return reply(Object.keys(parsed.errors).length ? 400 : 200);

  if (intent === "testSend") {
    const connectionId = parsed.draft.connectionId;
    if (!connectionId) parsed.errors.testPhone = [t("campaigns.test.needsConnection")];
    parsed = await withMedia(ctx, parsed);
    if (Object.keys(parsed.errors).length) return reply(400, { formError: t("campaigns.form.hasErrors") });
    const sent = await sendTestMessage(db, {
      orgId: org.id,
      userId: ctx.userId,
      connectionId: connectionId!,
      phone: String(ctx.form.get("testPhone") ?? ""),
      country: org.country,
      message: parsed.draft.message,
      templates: options.templates,
      knownKeys: options.fields.map((field) => field.key),
    });
    if (!sent.ok) {
      const key = sent.code === "invalid_phone" ? "campaigns.test.invalidPhone" : sent.code === "empty_message" ? "campaigns.test.emptyMessage" : "campaigns.test.templateMissing";
      parsed.errors.testPhone = [t(key)];
      return reply(400);
    }
    // The uploaded attachment is kept with the draft so the next test or the start reuses it.
    if (parsed.draft.message.type === "text" && parsed.draft.message.mediaId) await saveDraft(db, org.id, campaign.id, parsed.draft);
    return reply(200, { notice: t("campaigns.test.sent") });
  }

  // save or start
  parsed = await withMedia(ctx, parsed);
  if (mode === "start" && parsed.draft.audience.kind === "list" && !parsed.listEntries && (await countListEntries(db, campaign.id)) === 0) {
    parsed.errors.listNumbers = [t("campaigns.form.listRequired")];
  }
  if (Object.keys(parsed.errors).length) return reply(400, { formError: t("campaigns.form.hasErrors") });
  if (!(await saveDraft(db, org.id, campaign.id, parsed.draft))) return { kind: "redirect", to: `/campaigns/${campaign.id}`, toast: t("campaigns.notDraft") };
  if (parsed.listEntries) await replaceListEntries(db, campaign.id, parsed.listEntries);
  if (mode === "draft") return { kind: "redirect", to: `/campaigns/${campaign.id}/edit`, toast: t("campaigns.saved") };

  const started = await startCampaign(db, { orgId: org.id, campaignId: campaign.id, actor: { type: "user", id: ctx.userId } });
  if (!started.ok) return reply(started.code === "invalid_state" ? 409 : 400, { formError: startErrorText(locale, started.code) });
  const toast = started.scheduledFor ? t("campaigns.scheduled") : t("campaigns.started", { recipients: started.recipients, skipped: started.skipped });
  return { kind: "redirect", to: `/campaigns/${campaign.id}`, toast };
}
