import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { StageRow } from "~/components/pipelines/stage-row";
import { Button } from "~/components/ui/button";
import { Card, PageHeader } from "~/components/ui/card";
import { InputField } from "~/components/ui/field";
import { useErrorText } from "~/components/use-field-errors";
import { getDb } from "~/lib/db.server";
import { negotiateLocale, translate, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { notFound, requireSettingsManager } from "~/modules/auth/guards.server";
import { idParam } from "~/modules/pipelines/ids.server";
import { deletePipeline, findPipeline, renamePipeline } from "~/modules/pipelines/pipelines.server";
import { pipelineSettingsSchema, STAGE_COLORS } from "~/modules/pipelines/schemas";
import { createStage, deleteStage, listStages, moveStage, updateStage } from "~/modules/pipelines/stages.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.pipeline.name ?? ""} · Etapas · Master IA` }];

async function loadPipeline(request: Request, pipelineIdParam: string | undefined) {
  const context = await requireSettingsManager(request);
  const pipeline = await findPipeline(getDb(), context.org.id, idParam(pipelineIdParam));
  if (!pipeline) notFound("Pipeline not found");
  return { ...context, pipeline };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { org, pipeline } = await loadPipeline(request, params.pipelineId);
  return json({ pipeline, stages: await listStages(getDb(), org.id, pipeline.id), colors: STAGE_COLORS });
}

type Failure = { intent: string; stageId?: string; fieldErrors: Record<string, string[]> };
const fail = (failure: Failure, status = 400) => json(failure, { status });

export async function action({ request, params }: ActionFunctionArgs) {
  const { org, user, pipeline } = await loadPipeline(request, params.pipelineId);
  const db = getDb();
  const form = Object.fromEntries(await request.formData());
  const parsed = pipelineSettingsSchema.safeParse(form);
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) (fieldErrors[String(issue.path[0] ?? "form")] ??= []).push(issue.message);
    return fail({ intent: String(form.intent ?? ""), stageId: typeof form.stageId === "string" ? form.stageId : undefined, fieldErrors });
  }
  const command = parsed.data;
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  const here = `/pipelines/${pipeline.id}/settings`;
  const done = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>, to = here) => redirectWithToast(to, { kind: "success", message: translate(locale, key, vars) });

  switch (command.intent) {
    case "renamePipeline":
      await renamePipeline(db, org.id, pipeline.id, command.name);
      return done("pipelines.saved");
    case "deletePipeline":
      if (command.confirmName?.trim() !== pipeline.name) return fail({ intent: command.intent, fieldErrors: { confirmName: ["pipelines.delete.confirmMismatch"] } });
      await deletePipeline(db, { orgId: org.id, pipelineId: pipeline.id, actorId: user.id });
      return done("pipelines.deleted", { name: pipeline.name }, "/pipelines");
    case "createStage":
      await createStage(db, { orgId: org.id, pipelineId: pipeline.id, name: command.name, color: command.color });
      return done("pipelines.stage.created");
    case "updateStage":
      if (!(await updateStage(db, { orgId: org.id, pipelineId: pipeline.id, ...command }))) notFound("Stage not found");
      return done("pipelines.saved");
    case "moveStage":
      if (!(await moveStage(db, { orgId: org.id, pipelineId: pipeline.id, ...command }))) notFound("Stage not found");
      return done("pipelines.stage.reordered");
    case "deleteStage": {
      const result = await deleteStage(db, { orgId: org.id, pipelineId: pipeline.id, stageId: command.stageId, targetStageId: command.targetStageId, actor: { type: "user", id: user.id } });
      if (result.ok) return done("pipelines.stage.deleted", { count: result.movedLeads });
      if (result.reason === "not_found" || result.reason === "target_not_found") notFound("Stage not found");
      const message = result.reason === "last_stage" ? "pipelines.stage.lastStage" : "pipelines.stage.targetRequired";
      return fail({ intent: command.intent, stageId: command.stageId, fieldErrors: { targetStageId: [message] } });
    }
  }
}

export default function PipelineSettingsPage() {
  const { pipeline, stages, colors } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const errorText = useErrorText();
  const errorsFor = (intent: string, field: string, stageId?: string) =>
    actionData && actionData.intent === intent && (stageId === undefined || actionData.stageId === stageId) ? errorText(actionData.fieldErrors[field]) : undefined;

  return (
    <>
      <PageHeader
        title={t("pipelines.settingsTitle", { name: pipeline.name })}
        actions={
          <Button asChild variant="secondary" size="sm">
            <Link to={`/pipelines/${pipeline.id}`}>{t("pipelines.backToBoard")}</Link>
          </Button>
        }
      />
      <div className="max-w-3xl space-y-6">
        <Card>
          <h2 className="mb-3 font-medium">{t("pipelines.stages")}</h2>
          <ol className="divide-y divide-slate-100" data-testid="stage-list">
            {stages.map((stage, index) => (
              <StageRow
                key={stage.id}
                stage={stage}
                first={index === 0}
                last={index === stages.length - 1}
                others={stages.filter((other) => other.id !== stage.id)}
                errors={{
                  name: errorsFor("updateStage", "name", stage.id),
                  color: errorsFor("updateStage", "color", stage.id),
                  target: errorsFor("deleteStage", "targetStageId", stage.id),
                }}
              />
            ))}
          </ol>
          <h3 className="mb-2 mt-6 text-sm font-medium">{t("pipelines.stage.add")}</h3>
          <Form method="post" className="flex flex-wrap items-end gap-3">
            <input type="hidden" name="intent" value="createStage" />
            <div className="min-w-48 flex-1">
              <InputField id="new-stage-name" name="name" required maxLength={80} label={t("pipelines.stage.name")} errors={errorsFor("createStage", "name")} />
            </div>
            <div>
              <label htmlFor="new-stage-color" className="block text-sm font-medium text-slate-700">
                {t("pipelines.stage.color")}
              </label>
              <input id="new-stage-color" type="color" name="color" defaultValue={colors[stages.length % colors.length]} className="mt-1 h-9 w-14 rounded-md ring-1 ring-slate-300" />
            </div>
            <Button type="submit">{t("pipelines.stage.add")}</Button>
          </Form>
        </Card>

        <Card>
          <h2 className="mb-3 font-medium">{t("pipelines.rename")}</h2>
          <Form method="post" className="flex flex-wrap items-end gap-3">
            <input type="hidden" name="intent" value="renamePipeline" />
            <div className="min-w-48 flex-1">
              <InputField id="pipeline-name" name="name" required maxLength={80} defaultValue={pipeline.name} label={t("pipelines.name")} errors={errorsFor("renamePipeline", "name")} />
            </div>
            <Button type="submit" variant="secondary">
              {t("pipelines.save")}
            </Button>
          </Form>
        </Card>

        <Card className="ring-red-200">
          <h2 className="font-medium text-red-800">{t("pipelines.delete.title")}</h2>
          <p className="mb-3 mt-1 text-sm text-slate-600">{t("pipelines.delete.help")}</p>
          <Form method="post" className="flex flex-wrap items-end gap-3">
            <input type="hidden" name="intent" value="deletePipeline" />
            <div className="min-w-48 flex-1">
              <InputField
                id="confirm-name"
                name="confirmName"
                autoComplete="off"
                label={t("pipelines.delete.confirm", { name: pipeline.name })}
                errors={errorsFor("deletePipeline", "confirmName")}
              />
            </div>
            <Button type="submit" variant="danger">
              {t("pipelines.delete.submit")}
            </Button>
          </Form>
        </Card>
      </div>
    </>
  );
}
