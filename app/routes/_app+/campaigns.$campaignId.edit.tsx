import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, type ShouldRevalidateFunction, useActionData, useLoaderData } from "@remix-run/react";
import { useRef } from "react";
import { CampaignBuilderForm } from "~/components/campaigns/builder-form";
import type { MessageSnapshot, SampleContactView } from "~/components/campaigns/builder-types";
import { Button } from "~/components/ui/button";
import { PageHeader } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { translate, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { loadBuilderOptions } from "~/modules/campaigns/builder-options.server";
import { loadBuilderPage, runBuilderAction } from "~/modules/campaigns/builder-page.server";
import { deleteDraft } from "~/modules/campaigns/drafts.server";
import { requireCampaign, requireCampaignManager } from "~/modules/campaigns/http.server";
import { renderMessage, templateBodyParameters } from "~/modules/campaigns/render";
import { requestLocale } from "~/modules/contacts/http.server";

export const meta: MetaFunction = () => [{ title: "Campanha · Master IA" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { org } = await requireCampaignManager(request);
  const db = getDb();
  const campaign = await requireCampaign(db, org.id, params.campaignId);
  if (campaign.status !== "draft") return redirect(`/campaigns/${campaign.id}`);
  return json(await loadBuilderPage(db, org, campaign));
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { org, user } = await requireCampaignManager(request);
  const db = getDb();
  const campaign = await requireCampaign(db, org.id, params.campaignId);
  const locale = requestLocale(user, request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "save");
  if (intent === "delete") {
    if (!(await deleteDraft(db, org.id, campaign.id, user.id))) return redirectWithToast(`/campaigns/${campaign.id}`, { kind: "error", message: translate(locale, "campaigns.notDraft") });
    return redirectWithToast("/campaigns", { kind: "success", message: translate(locale, "campaigns.deleted") });
  }
  if (campaign.status !== "draft") return redirectWithToast(`/campaigns/${campaign.id}`, { kind: "error", message: translate(locale, "campaigns.notDraft") });
  const options = await loadBuilderOptions(db, org.id);
  const result = await runBuilderAction({ db, org, userId: user.id, locale, campaign, form }, intent, options);
  if (result.kind === "redirect") return redirectWithToast(result.to, { kind: "success", message: result.toast });
  return json(result.body, { status: result.status });
}

/** Live events and counts do not reload the builder: that would throw away what is being typed. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, formData, currentUrl, nextUrl, defaultShouldRevalidate }) => {
  if (formData?.get("intent") === "count") return false;
  if (!formMethod && currentUrl.href === nextUrl.href) return false;
  return defaultShouldRevalidate;
};

function placeholderPattern() {
  return /\{\{\s*([\w.]+)\s*\}\}/g;
}

/** The builder's live preview; the route passes it in because components may not import domain modules. */
function renderPreview(knownKeys: string[], templates: Array<{ id: string; bodyText: string; variables: string[] }>) {
  return (message: MessageSnapshot, sample: SampleContactView) => {
    if (message.messageType !== "template") return renderMessage(message.text, sample, { seed: sample.phone ?? 1, knownKeys });
    const template = templates.find((candidate) => candidate.id === message.templateId);
    if (!template) return "";
    const values = templateBodyParameters(message.templateVars, sample);
    return template.bodyText.replace(placeholderPattern(), (whole, name: string) => values[template.variables.indexOf(name)] ?? whole);
  };
}

export default function EditCampaignPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const values = actionData?.values ?? data.values;
  // A new key after each submit lets the fields take the values the server answered with.
  const version = useRef({ values, key: 0 });
  if (version.current.values !== values) version.current = { values, key: version.current.key + 1 };
  const knownKeys = data.options.fields.map((field) => field.key);
  return (
    <div className="max-w-3xl">
      <PageHeader
        title={data.campaign.name}
        description={t("campaigns.builder.title")}
        actions={
          <Link to="/campaigns" className="text-sm font-medium text-brand-700 underline">
            {t("campaigns.list.title")}
          </Link>
        }
      />
      <CampaignBuilderForm
        key={version.current.key}
        values={values}
        errors={actionData?.errors ?? {}}
        formError={actionData && "formError" in actionData ? actionData.formError : null}
        notice={actionData && "notice" in actionData ? actionData.notice : null}
        options={data.options}
        pacingLimits={data.pacingLimits}
        timezone={data.timezone}
        count={(actionData && "count" in actionData ? actionData.count : undefined) ?? data.count}
        listCount={data.listCount}
        media={data.media}
        samples={data.samples}
        renderPreview={renderPreview(knownKeys, data.options.templates)}
      />
      <Form method="post" className="mt-4">
        <Button type="submit" name="intent" value="delete" variant="danger" size="sm">
          {t("campaigns.action.delete")}
        </Button>
      </Form>
    </div>
  );
}
