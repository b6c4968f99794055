import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { AiModeBanner } from "~/components/ai/ai-mode-banner";
import { Button } from "~/components/ui/button";
import { Alert, Card, PageHeader } from "~/components/ui/card";
import { FieldErrors, InputField } from "~/components/ui/field";
import { useErrorText } from "~/components/use-field-errors";
import { getDb } from "~/lib/db.server";
import { type MessageKey, translate, useLocale, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { listDecisions, undoDecision } from "~/modules/ai/leads/decisions.server";
import { pipelineAiSettingsSchema, undoDecisionSchema } from "~/modules/ai/leads/pipeline-ai-schema";
import { getPipelineAi, savePipelineAi } from "~/modules/ai/leads/pipeline-ai.server";
import { getAiMode } from "~/modules/ai/runtime.server";
import { forbidden, notFound, requireOrg } from "~/modules/auth/guards.server";
import { requestLocale, requireId } from "~/modules/contacts/http.server";
import { permissions } from "~/modules/orgs/roles";

export const meta: MetaFunction = () => [{ title: "IA do funil · Master IA" }];

function cursorOf(value: string | null) {
  if (!value) return null;
  const [at, id] = value.split("_");
  return at && id && !Number.isNaN(Date.parse(at)) && /^[0-9a-f-]{36}$/i.test(id) ? { at, id } : null;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { org, role } = await requireOrg(request);
  const db = getDb();
  const pipeline = await getPipelineAi(db, org.id, requireId(params.pipelineId, "Pipeline not found"));
  if (!pipeline) notFound("Pipeline not found");
  const before = cursorOf(new URL(request.url).searchParams.get("before"));
  const [{ decisions, next }, mode] = await Promise.all([listDecisions(db, org.id, pipeline.id, before), getAiMode(db, org.id)]);
  return json({
    pipeline,
    decisions,
    olderHref: next ? `/pipelines/${pipeline.id}/ai?before=${encodeURIComponent(`${next.at}_${next.id}`)}` : null,
    mode: mode.kind === "openai" ? { kind: "openai" as const, chatModel: mode.chatModel } : { kind: "offline" as const },
    canManage: permissions.manageSettings(role),
    canWrite: permissions.write(role),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { org, user, role } = await requireOrg(request);
  const db = getDb();
  const pipelineId = requireId(params.pipelineId, "Pipeline not found");
  const form = await request.formData();
  const locale = requestLocale(user, request);
  if (form.get("intent") === "undo") {
    if (!permissions.write(role)) forbidden();
    const parsed = undoDecisionSchema.safeParse(Object.fromEntries(form));
    if (!parsed.success) notFound("Decision not found");
    const result = await undoDecision(db, { orgId: org.id, pipelineId, decisionId: parsed.data.decisionId, userId: user.id, reason: translate(locale, "aiBot.leads.undoReason") });
    if (result === "not_found") notFound("Decision not found");
    if (result === "not_undoable") return json({ result: null, undoError: translate(locale, "aiBot.leads.undoRefused") }, { status: 409 });
    return redirectWithToast(`/pipelines/${pipelineId}/ai`, { kind: "success", message: translate(locale, "aiBot.leads.undoDone") });
  }
  if (!permissions.manageSettings(role)) forbidden("Only owners and admins can change settings.");
  const submission = parseWithZod(form, { schema: pipelineAiSettingsSchema });
  if (submission.status !== "success") {
    if (!(await getPipelineAi(db, org.id, pipelineId))) notFound("Pipeline not found");
    return json({ result: submission.reply(), undoError: null }, { status: 400 });
  }
  if (!(await savePipelineAi(db, { orgId: org.id, pipelineId, userId: user.id, values: submission.value }))) notFound("Pipeline not found");
  return redirectWithToast(`/pipelines/${pipelineId}/ai`, { kind: "success", message: translate(locale, "aiBot.leads.saved") });
}

export default function PipelineAiPage() {
  const { pipeline, decisions, olderHref, mode, canManage, canWrite } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const errorText = useErrorText();
  const fieldErrors = (actionData?.result?.error ?? {}) as Record<string, string[] | null | undefined>;
  const errorsOf = (name: string) => errorText(fieldErrors[name] ?? undefined);
  const time = new Intl.DateTimeFormat(locale, { dateStyle: "short", timeStyle: "short" });
  return (
    <div className="max-w-5xl space-y-4">
      <PageHeader
        title={t("aiBot.leads.title", { name: pipeline.name })}
        description={t("aiBot.leads.description")}
        actions={
          <Button asChild variant="ghost" size="sm">
            <Link to={`/pipelines/${pipeline.id}`}>{t("pipelines.backToBoard")}</Link>
          </Button>
        }
      />
      <AiModeBanner mode={mode} />
      <Card className="space-y-4">
        <h2 className="font-medium">{t("aiBot.leads.settings")}</h2>
        {canManage ? (
          <Form method="post" className="space-y-4">
            <input type="hidden" name="intent" value="settings" />
            <label className="flex items-center gap-2 text-sm font-medium">
              <input type="checkbox" name="aiEnabled" value="on" defaultChecked={pipeline.aiEnabled} data-testid="ai-enabled" />
              {t("aiBot.leads.enabled")}
            </label>
            <div className="grid gap-4 sm:grid-cols-2">
              <InputField id="threshold" name="threshold" inputMode="decimal" defaultValue={String(pipeline.threshold)} label={t("aiBot.leads.threshold")} errors={errorsOf("threshold")} />
              <label className="flex items-center gap-2 self-end text-sm">
                <input type="checkbox" name="allowBackwards" value="on" defaultChecked={pipeline.allowBackwards} />
                {t("aiBot.leads.allowBackwards")}
              </label>
            </div>
            <h3 className="text-sm font-medium">{t("aiBot.leads.stageCriteria")}</h3>
            <ul className="space-y-3">
              {pipeline.stages.map((stage, index) => (
                <li key={stage.id} className="space-y-2 rounded-md p-3 ring-1 ring-slate-200">
                  <input type="hidden" name={`stages[${index}].id`} value={stage.id} />
                  <label htmlFor={`criteria-${index}`} className="block text-sm font-medium text-slate-700">
                    {t("aiBot.leads.criteria", { stage: stage.name })}
                  </label>
                  <textarea
                    id={`criteria-${index}`}
                    name={`stages[${index}].criteria`}
                    defaultValue={stage.criteria}
                    rows={2}
                    className="block w-full rounded-md border-0 px-3 py-2 text-sm shadow-sm ring-1 ring-inset ring-slate-300"
                  />
                  <FieldErrors id={`criteria-${index}-error`} errors={errorsOf(`stages[${index}].criteria`)} />
                  <InputField
                    id={`keywords-${index}`}
                    name={`stages[${index}].keywords`}
                    defaultValue={stage.keywords.join(", ")}
                    label={t("aiBot.leads.keywords")}
                    hint={t("aiBot.leads.keywordsHint")}
                    errors={errorsOf(`stages[${index}].keywords`)}
                  />
                </li>
              ))}
            </ul>
            <Button type="submit">{t("aiBot.leads.save")}</Button>
          </Form>
        ) : (
          <p className="text-sm text-slate-600">{t("aiBot.leads.onlyAdmins")}</p>
        )}
      </Card>

      <Card className="space-y-3">
        <h2 className="font-medium">{t("aiBot.leads.log")}</h2>
        {actionData?.undoError ? <Alert kind="error">{actionData.undoError}</Alert> : null}
        {decisions.length === 0 ? <p className="text-sm text-slate-600">{t("aiBot.leads.empty")}</p> : null}
        <ul className="divide-y divide-slate-200" data-testid="ai-decisions">
          {decisions.map((decision) => (
            <li key={decision.id} className="flex flex-wrap items-start gap-x-4 gap-y-1 py-2 text-sm" data-testid="ai-decision" data-applied={decision.applied || undefined}>
              <div className="min-w-0 flex-1">
                <p>
                  <Link to={`/leads/${decision.leadId}`} className="font-medium text-brand-700 underline-offset-2 hover:underline">
                    {decision.leadTitle}
                  </Link>{" "}
                  <span className="text-slate-600">
                    {decision.fromStage ?? "—"} → {decision.toStage ?? "—"}
                  </span>
                </p>
                <p className="text-slate-700">{decision.reason}</p>
                <p className="text-xs text-slate-500">
                  <time dateTime={decision.createdAt}>{time.format(new Date(decision.createdAt))}</time> · {t("aiBot.leads.confidence")}: {Math.round(decision.confidence * 100)}% ·{" "}
                  {decision.applied ? t("aiBot.leads.applied") : t(`aiBot.leads.skip.${decision.skipReason ?? "same_stage"}` as MessageKey)}
                  {decision.undoneAt ? ` · ${t("aiBot.leads.undone", { name: decision.undoneBy ?? "?" })}` : ""}
                </p>
              </div>
              {canWrite && decision.canUndo ? (
                <Form method="post">
                  <input type="hidden" name="intent" value="undo" />
                  <input type="hidden" name="decisionId" value={decision.id} />
                  <Button type="submit" size="sm" variant="secondary">
                    {t("aiBot.leads.undo")}
                  </Button>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
        {olderHref ? (
          <Link to={olderHref} className="text-sm font-medium text-brand-700 underline">
            {t("aiBot.leads.older")}
          </Link>
        ) : null}
      </Card>
    </div>
  );
}
