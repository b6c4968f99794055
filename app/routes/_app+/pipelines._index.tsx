import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Button } from "~/components/ui/button";
import { Card, PageHeader } from "~/components/ui/card";
import { InputField } from "~/components/ui/field";
import { useErrorText } from "~/components/use-field-errors";
import { getDb } from "~/lib/db.server";
import { isLocale, type MessageKey, negotiateLocale, translate, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { requireOrg, requireSettingsManager } from "~/modules/auth/guards.server";
import { permissions } from "~/modules/orgs/roles";
import { createPipeline, listPipelines } from "~/modules/pipelines/pipelines.server";
import { pipelineCreateSchema } from "~/modules/pipelines/schemas";

export const meta: MetaFunction = () => [{ title: "Funis · Master IA" }];

const DEFAULT_STAGES: MessageKey[] = ["pipelines.defaultStage.new", "pipelines.defaultStage.qualified", "pipelines.defaultStage.proposal", "pipelines.defaultStage.negotiation"];

export async function loader({ request }: LoaderFunctionArgs) {
  const { org, role } = await requireOrg(request);
  return json({ pipelines: await listPipelines(getDb(), org.id), canManage: permissions.manageSettings(role) });
}

export async function action({ request }: ActionFunctionArgs) {
  const { org, user } = await requireSettingsManager(request);
  const parsed = pipelineCreateSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json({ fieldErrors: { name: parsed.error.issues.map((issue) => issue.message) } }, { status: 400 });
  // Stage names in the organization's language: they are shared by everyone in it.
  const orgLocale = isLocale(org.locale) ? org.locale : "pt-BR";
  const pipelineId = await createPipeline(getDb(), { orgId: org.id, name: parsed.data.name, stageNames: DEFAULT_STAGES.map((key) => translate(orgLocale, key)) });
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  return redirectWithToast(`/pipelines/${pipelineId}`, { kind: "success", message: translate(locale, "pipelines.created") });
}

export default function PipelinesPage() {
  const { pipelines, canManage } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const errorText = useErrorText();
  return (
    <>
      <PageHeader title={t("pipelines.title")} description={t("pipelines.description")} />
      <div className="space-y-6">
        {pipelines.length === 0 ? (
          <Card>
            <p className="text-sm text-slate-600">{canManage ? t("pipelines.empty") : t("pipelines.emptyViewer")}</p>
          </Card>
        ) : (
          <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="pipeline-list">
            {pipelines.map((pipeline) => (
              <li key={pipeline.id}>
                <Link to={`/pipelines/${pipeline.id}`} className="block rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 hover:ring-brand-600">
                  <p className="font-medium text-slate-900">{pipeline.name}</p>
                  <p className="mt-1 text-sm text-slate-600">{t("pipelines.summary", { stages: pipeline.stageCount, leads: pipeline.leadCount })}</p>
                </Link>
              </li>
            ))}
          </ul>
        )}
        {canManage ? (
          <Card>
            <h2 className="mb-3 font-medium">{t("pipelines.new")}</h2>
            <Form method="post" className="grid gap-4 sm:grid-cols-[1fr_auto] sm:items-end">
              <InputField id="pipeline-name" name="name" required maxLength={80} label={t("pipelines.name")} errors={errorText(actionData?.fieldErrors.name)} />
              <Button type="submit">{t("pipelines.create")}</Button>
            </Form>
            <p className="mt-2 text-xs text-slate-500">{t("pipelines.defaultStagesHint")}</p>
          </Card>
        ) : null}
      </div>
    </>
  );
}
