import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { CampaignProgressPanel } from "~/components/campaigns/progress-panel";
import { RecipientsTable } from "~/components/campaigns/recipients-table";
import { CampaignStatusBadge } from "~/components/campaigns/status-badge";
import { Button } from "~/components/ui/button";
import { Alert, Card, PageHeader } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { type Locale, type MessageKey, translate, useLocale, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { requireOrg } from "~/modules/auth/guards.server";
import { RECIPIENT_STATUSES, SKIP_REASONS } from "~/modules/campaigns/campaign-types";
import type { Campaign } from "~/modules/campaigns/drafts.server";
import { requireCampaign, requireCampaignManager } from "~/modules/campaigns/http.server";
import { AUTO_PAUSE_REASONS, cancelCampaign, pauseCampaign, resumeCampaign, retryFailedRecipients } from "~/modules/campaigns/lifecycle.server";
import { campaignProgress } from "~/modules/campaigns/progress.server";
import { countRetryableFailures, listRecipients, parseRecipientFilter, recipientErrorCodes } from "~/modules/campaigns/recipients-list.server";
import { explainSendError } from "~/modules/channels/error-explanations";
import { requestLocale } from "~/modules/contacts/http.server";
import { permissions } from "~/modules/orgs/roles";

export const meta: MetaFunction = () => [{ title: "Campanha · Master IA" }];

function pauseReasonText(locale: Locale, reason: string | null): string | null {
  if (!reason) return null;
  return (AUTO_PAUSE_REASONS as readonly string[]).includes(reason) ? translate(locale, `campaigns.pauseReason.${reason}` as MessageKey) : reason;
}

/** The text as written, or the template's name and language. */
async function messageSummary(campaign: Campaign, orgId: string): Promise<string> {
  if (campaign.message.type === "text") return campaign.message.text;
  const template = await getDb()
    .selectFrom("message_templates")
    .select(["name", "language"])
    .where("org_id", "=", orgId)
    .where("id", "=", campaign.message.templateId)
    .executeTakeFirst();
  return template ? `${template.name} (${template.language})` : "";
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { org, user, role } = await requireOrg(request);
  const db = getDb();
  const campaign = await requireCampaign(db, org.id, params.campaignId);
  const locale = requestLocale(user, request);
  const filter = parseRecipientFilter(new URL(request.url).searchParams);
  const [progress, page, errorCodes, retryable, messageText] = await Promise.all([
    campaignProgress(db, org.id, campaign.id),
    listRecipients(db, org.id, campaign.id, filter),
    recipientErrorCodes(db, org.id, campaign.id),
    countRetryableFailures(db, org.id, campaign.id),
    messageSummary(campaign, org.id),
  ]);
  const kind = campaign.connectionKind ?? "";
  return json({
    campaign: {
      id: campaign.id,
      name: campaign.name,
      status: campaign.status,
      connectionName: campaign.connectionName,
      startedAt: campaign.startedAt?.toISOString() ?? null,
      scheduledAt: campaign.scheduledAt?.toISOString() ?? null,
      pauseReason: campaign.status === "paused" ? pauseReasonText(locale, campaign.pauseReason) : null,
      messageText,
      messageType: campaign.message.type,
    },
    progress,
    recipients: page.recipients.map((recipient) => ({
      ...recipient,
      explanation: recipient.status === "failed" ? explainSendError(locale, { kind, code: recipient.errorCode, message: recipient.errorMessage }) : null,
    })),
    nextAfter: page.nextAfter,
    filter: { status: filter.status, skipReason: filter.skipReason, errorCode: filter.errorCode },
    errorCodes,
    retryable,
    canManage: permissions.manageCampaigns(role),
    timezone: org.timezone,
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { org, user } = await requireCampaignManager(request);
  const db = getDb();
  const campaign = await requireCampaign(db, org.id, params.campaignId);
  const locale = requestLocale(user, request);
  const form = await request.formData();
  const target = { orgId: org.id, campaignId: campaign.id, actor: { type: "user" as const, id: user.id } };
  const back = `/campaigns/${campaign.id}`;
  const intent = String(form.get("intent") ?? "");
  let result: { ok: true; requeued?: number } | { ok: false; code: string };
  let success: string;
  switch (intent) {
    case "pause":
      result = await pauseCampaign(db, { ...target, reason: String(form.get("reason") ?? "") });
      success = translate(locale, "campaigns.paused");
      break;
    case "resume":
      result = await resumeCampaign(db, target);
      success = translate(locale, "campaigns.resumed");
      break;
    case "cancel":
      result = await cancelCampaign(db, target);
      success = translate(locale, "campaigns.cancelled");
      break;
    case "retryFailed": {
      const retried = await retryFailedRecipients(db, target);
      result = retried;
      success = translate(locale, "campaigns.retried", { count: retried.ok ? retried.requeued : 0 });
      break;
    }
    default:
      return json({ error: { code: "invalid_intent", message: "Unknown action." } }, { status: 400 });
  }
  if (!result.ok) {
    const message = translate(locale, `campaigns.error.${result.code}` as MessageKey);
    if (result.code === "not_found") return json({ error: { code: result.code, message } }, { status: 404 });
    return redirectWithToast(back, { kind: "error", message });
  }
  return redirectWithToast(back, { kind: "success", message: success });
}

function Controls({ status, retryable }: { status: string; retryable: number }) {
  const t = useT();
  return (
    <Card className="flex flex-wrap items-end gap-3">
      {status === "running" ? (
        <Form method="post" className="flex flex-wrap items-end gap-2">
          <label className="text-sm">
            <span className="block text-xs text-slate-500">{t("campaigns.pauseReasonLabel")}</span>
            <input name="reason" maxLength={500} className="rounded-md px-2 py-1.5 text-sm ring-1 ring-inset ring-slate-300" />
          </label>
          <Button type="submit" name="intent" value="pause" variant="secondary">
            {t("campaigns.action.pause")}
          </Button>
        </Form>
      ) : null}
      {status === "paused" ? (
        <Form method="post">
          <Button type="submit" name="intent" value="resume">
            {t("campaigns.action.resume")}
          </Button>
        </Form>
      ) : null}
      {retryable > 0 && ["running", "paused", "completed"].includes(status) ? (
        <Form method="post">
          <Button type="submit" name="intent" value="retryFailed" variant="secondary">
            {t("campaigns.action.retryFailed", { count: retryable })}
          </Button>
        </Form>
      ) : null}
      {["scheduled", "running", "paused"].includes(status) ? (
        <Form method="post">
          <Button type="submit" name="intent" value="cancel" variant="danger">
            {t("campaigns.action.cancel")}
          </Button>
        </Form>
      ) : null}
    </Card>
  );
}

export default function CampaignPage() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const { campaign } = data;
  const date = new Intl.DateTimeFormat(locale, { dateStyle: "short", timeStyle: "short", timeZone: data.timezone });
  // A scheduled campaign may be days away: only a running one reloads itself.
  const active = campaign.status === "running";
  return (
    <>
      {active ? (
        // Without JavaScript the page reloads itself while sending; with it, live events revalidate instead.
        <noscript>
          <meta httpEquiv="refresh" content="3" />
        </noscript>
      ) : null}
      <PageHeader
        title={campaign.name}
        description={
          <>
            {campaign.connectionName ? t("campaigns.detail.channel", { name: campaign.connectionName }) : null}
            {campaign.startedAt ? ` · ${t("campaigns.detail.startedAt", { date: date.format(new Date(campaign.startedAt)) })}` : null}
            {campaign.status === "scheduled" && campaign.scheduledAt ? ` · ${t("campaigns.list.scheduledFor", { date: date.format(new Date(campaign.scheduledAt)) })}` : null}
          </>
        }
        actions={
          <div className="flex items-center gap-3">
            <CampaignStatusBadge status={campaign.status} />
            {campaign.status === "draft" && data.canManage ? (
              <Button asChild size="sm">
                <Link to={`/campaigns/${campaign.id}/edit`}>{t("campaigns.action.edit")}</Link>
              </Button>
            ) : null}
            <Link to="/campaigns" className="text-sm font-medium text-brand-700 underline">
              {t("campaigns.list.title")}
            </Link>
          </div>
        }
      />
      <div className="space-y-4">
        {campaign.pauseReason ? <Alert kind="error">{t("campaigns.pausedBecause", { reason: campaign.pauseReason })}</Alert> : null}
        {data.canManage && campaign.status !== "draft" ? <Controls status={campaign.status} retryable={data.retryable} /> : null}
        {!data.canManage ? <p className="text-sm text-slate-600">{t("campaigns.readOnly")}</p> : null}
        <CampaignProgressPanel progress={data.progress} active={active} />
        {campaign.messageText ? (
          <Card>
            <h2 className="mb-2 font-medium">{t("campaigns.detail.message")}</h2>
            <p className="whitespace-pre-wrap text-sm text-slate-700">{campaign.messageText}</p>
          </Card>
        ) : null}
        <RecipientsTable
          recipients={data.recipients}
          nextAfter={data.nextAfter}
          filter={data.filter}
          statuses={RECIPIENT_STATUSES}
          skipReasons={SKIP_REASONS}
          errorCodes={data.errorCodes}
          timezone={data.timezone}
        />
      </div>
    </>
  );
}
