import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { StepFields } from "~/components/cadences/step-fields";
import { StepSummary, useStepKindLabel } from "~/components/cadences/step-summary";
import { Button } from "~/components/ui/button";
import { Card, PageHeader } from "~/components/ui/card";
import { FieldErrors, InputField, SelectField } from "~/components/ui/field";
import { useErrorText } from "~/components/use-field-errors";
import { getDb } from "~/lib/db.server";
import { type MessageKey, negotiateLocale, translate, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { notFound, requireWriter } from "~/modules/auth/guards.server";
import { editSteps, findCadence, type StepEdit, updateCadenceSettings } from "~/modules/cadences/cadences.server";
import { fieldErrorsOf, settingsFromForm, stepsActionSchema } from "~/modules/cadences/forms";
import { cadenceOptions } from "~/modules/cadences/pages.server";
import { STEP_KINDS, stepFormSchema, stepFromForm } from "~/modules/cadences/steps";
import { stepView } from "~/modules/cadences/step-view";
import { idParam } from "~/modules/pipelines/ids.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.cadence.name ?? ""} · Cadências · Master IA` }];

async function loadCadence(request: Request, cadenceIdParam: string | undefined) {
  const context = await requireWriter(request);
  const cadence = await findCadence(getDb(), context.org.id, idParam(cadenceIdParam));
  if (!cadence) notFound("Cadence not found");
  return { ...context, cadence };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { org, cadence } = await loadCadence(request, params.cadenceId);
  const options = await cadenceOptions(getDb(), org.id);
  return json({
    cadence: {
      id: cadence.id,
      name: cadence.name,
      versionNumber: cadence.versionNumber,
      triggerTagId: cadence.triggerTagId,
      triggerStageId: cadence.triggerStageId,
      exitOnReply: cadence.exitOnReply,
      exitOnLeadClosed: cadence.exitOnLeadClosed,
      businessHours: cadence.businessHours,
    },
    steps: cadence.steps.map((stored) => ({ position: stored.position, view: stepView(stored, options) })),
    options,
    timezone: org.timezone,
  });
}

type Failure = { intent: string; position?: number; kind?: string; fieldErrors: Record<string, string[]> };
const fail = (failure: Failure, status = 400) => json(failure, { status });

export async function action({ request, params }: ActionFunctionArgs) {
  const { org, user, cadence } = await loadCadence(request, params.cadenceId);
  const db = getDb();
  const formData = await request.formData();
  const form = Object.fromEntries(formData);
  const parsed = stepsActionSchema.safeParse(form);
  if (!parsed.success) return fail({ intent: String(form.intent ?? ""), fieldErrors: fieldErrorsOf(parsed.error) });
  const command = parsed.data;
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  const here = `/cadences/${cadence.id}/edit`;
  const saved = (key: MessageKey) => redirectWithToast(here, { kind: "success", message: translate(locale, key) });

  if (command.intent === "settings") {
    const settings = settingsFromForm(formData);
    if (!settings.success) return fail({ intent: "settings", fieldErrors: fieldErrorsOf(settings.error) });
    const { hours, ...rest } = settings.data;
    const result = await updateCadenceSettings(db, {
      orgId: org.id,
      cadenceId: cadence.id,
      settings: { ...rest, triggerTagId: rest.triggerTagId ?? null, triggerStageId: rest.triggerStageId ?? null, businessHours: hours },
    });
    if (!result.ok) notFound();
    return saved("cadences.settings.saved");
  }

  let edit: StepEdit;
  if (command.intent === "addStep" || command.intent === "updateStep") {
    const kind = typeof form.kind === "string" ? form.kind : "";
    const position = command.intent === "updateStep" ? command.position : undefined;
    const stepForm = stepFormSchema.safeParse(form);
    if (!stepForm.success) return fail({ intent: command.intent, position, kind, fieldErrors: fieldErrorsOf(stepForm.error) });
    const step = stepFromForm(stepForm.data);
    if (!step.ok) return fail({ intent: command.intent, position, kind, fieldErrors: step.errors });
    edit = command.intent === "addStep" ? { op: "add", step: step.step } : { op: "update", position: command.position, step: step.step };
  } else if (command.intent === "deleteStep") edit = { op: "delete", position: command.position };
  else edit = { op: "move", position: command.position, direction: command.direction };

  const result = await editSteps(db, { orgId: org.id, cadenceId: cadence.id, edit, userId: user.id });
  // A connection, tag or stage id from another organization reads as missing, like any unknown id.
  if (!result.ok) notFound();
  return saved("cadences.steps.saved");
}

const DAYS = [1, 2, 3, 4, 5, 6, 0] as const;

export default function CadenceEditPage() {
  const { cadence, steps, options, timezone } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const t = useT();
  const errorText = useErrorText();
  const kindLabel = useStepKindLabel();
  const errorsFor = (intent: string, match: { position?: number; kind?: string } = {}) =>
    failure && failure.intent === intent && (match.position === undefined || failure.position === match.position) && (match.kind === undefined || failure.kind === match.kind) ? failure.fieldErrors : undefined;
  const settingsErrors = errorsFor("settings");
  const { businessHours } = cadence;
  return (
    <>
      <PageHeader
        title={t("cadences.edit.title", { name: cadence.name })}
        description={
          <>
            <Link to={`/cadences/${cadence.id}`} className="underline">
              {t("cadences.edit.back")}
            </Link>{" "}
            · {t("cadences.version", { number: cadence.versionNumber })} · {t("cadences.edit.versionHint")}
          </>
        }
      />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_24rem]">
        <div className="space-y-6">
          <Card>
            <h2 className="mb-3 font-medium">{t("cadences.steps.title")}</h2>
            {steps.length === 0 ? <p className="text-sm text-slate-600">{t("cadences.steps.empty")}</p> : null}
            <ol className="space-y-3">
              {steps.map((step, index) => {
                const kind = step.view.kind === "invalid" ? step.view.storedKind : step.view.kind;
                const errors = errorsFor("updateStep", { position: step.position });
                return (
                  <li key={`${cadence.versionNumber}-${step.position}`} className="rounded-md p-3 text-sm ring-1 ring-slate-200" data-testid="edit-step">
                    <div className="flex flex-wrap items-start justify-between gap-2">
                      <div className="min-w-0 flex-1">
                        <div className="font-medium">
                          {step.position + 1}. {kindLabel(kind)}
                        </div>
                        <div className="mt-1 text-slate-700">
                          <StepSummary step={step.view} />
                        </div>
                      </div>
                      <div className="flex gap-1">
                        {(["up", "down"] as const).map((direction) => (
                          <Form method="post" key={direction}>
                            <input type="hidden" name="intent" value="moveStep" />
                            <input type="hidden" name="position" value={step.position} />
                            <input type="hidden" name="direction" value={direction} />
                            <Button type="submit" size="sm" variant="ghost" disabled={direction === "up" ? index === 0 : index === steps.length - 1} aria-label={t(direction === "up" ? "cadences.steps.moveUp" : "cadences.steps.moveDown", { n: step.position + 1 })}>
                              {direction === "up" ? "↑" : "↓"}
                            </Button>
                          </Form>
                        ))}
                        <Form method="post">
                          <input type="hidden" name="intent" value="deleteStep" />
                          <input type="hidden" name="position" value={step.position} />
                          <Button type="submit" size="sm" variant="danger" aria-label={t("cadences.steps.deleteLabel", { n: step.position + 1 })}>
                            {t("cadences.steps.delete")}
                          </Button>
                        </Form>
                      </div>
                    </div>
                    {step.view.kind !== "invalid" ? (
                      <details className="mt-2" open={Boolean(errors)}>
                        <summary className="cursor-pointer text-brand-700 underline">{t("cadences.steps.edit")}</summary>
                        <Form method="post" className="mt-2 space-y-3">
                          <input type="hidden" name="intent" value="updateStep" />
                          <input type="hidden" name="position" value={step.position} />
                          <input type="hidden" name="kind" value={kind} />
                          <StepFields kind={kind} idPrefix={`step-${step.position}`} current={step.view} options={options} errors={errors} />
                          <Button type="submit" size="sm">
                            {t("common.save")}
                          </Button>
                        </Form>
                      </details>
                    ) : null}
                  </li>
                );
              })}
            </ol>
          </Card>
          <Card>
            <h2 className="mb-3 font-medium">{t("cadences.steps.add")}</h2>
            <div className="space-y-2">
              {STEP_KINDS.map((kind) => {
                const errors = errorsFor("addStep", { kind });
                return (
                  // Keyed by version: after a save the panel comes back closed and empty, as it does without JavaScript.
                  <details key={`${kind}-${cadence.versionNumber}`} className="rounded-md ring-1 ring-slate-200" open={Boolean(errors)} data-testid={`add-${kind}`}>
                    <summary className="cursor-pointer px-3 py-2 text-sm font-medium">{t(`cadences.add.${kind}` as MessageKey)}</summary>
                    <Form method="post" className="space-y-3 px-3 pb-3">
                      <input type="hidden" name="intent" value="addStep" />
                      <input type="hidden" name="kind" value={kind} />
                      <StepFields kind={kind} idPrefix={`add-${kind}`} options={options} errors={errors} />
                      <Button type="submit" size="sm">
                        {t("cadences.steps.addButton")}
                      </Button>
                    </Form>
                  </details>
                );
              })}
            </div>
          </Card>
        </div>
        <Card>
          <h2 className="mb-3 font-medium">{t("cadences.settings.title")}</h2>
          <Form method="post" className="space-y-4">
            <input type="hidden" name="intent" value="settings" />
            <InputField id="settings-name" name="name" required maxLength={120} defaultValue={cadence.name} label={t("cadences.new.name")} errors={errorText(settingsErrors?.name)} />
            <SelectField id="settings-tag" name="triggerTagId" label={t("cadences.settings.triggerTag")} defaultValue={cadence.triggerTagId ?? ""}>
              <option value="">{t("cadences.settings.none")}</option>
              {options.tags.map((tag) => (
                <option key={tag.id} value={tag.id}>
                  {tag.name}
                </option>
              ))}
            </SelectField>
            <SelectField id="settings-stage" name="triggerStageId" label={t("cadences.settings.triggerStage")} defaultValue={cadence.triggerStageId ?? ""}>
              <option value="">{t("cadences.settings.none")}</option>
              {options.stages.map((stage) => (
                <option key={stage.id} value={stage.id}>
                  {stage.pipelineName} › {stage.name}
                </option>
              ))}
            </SelectField>
            <fieldset className="space-y-2 text-sm">
              <legend className="font-medium text-slate-700">{t("cadences.settings.exits")}</legend>
              <label className="flex items-center gap-2">
                <input type="checkbox" name="exitOnReply" defaultChecked={cadence.exitOnReply} /> {t("cadences.settings.exitOnReply")}
              </label>
              <label className="flex items-center gap-2">
                <input type="checkbox" name="exitOnLeadClosed" defaultChecked={cadence.exitOnLeadClosed} /> {t("cadences.settings.exitOnLeadClosed")}
              </label>
              <p className="text-xs text-slate-500">{t("cadences.rules.optOut")}</p>
            </fieldset>
            <fieldset className="space-y-2 text-sm">
              <legend className="font-medium text-slate-700">{t("cadences.settings.hours", { timezone })}</legend>
              <div className="flex flex-wrap gap-3">
                {DAYS.map((day) => (
                  <label key={day} className="flex items-center gap-1">
                    <input type="checkbox" name="days" value={day} defaultChecked={businessHours.days.includes(day)} /> {t(`cadences.day.${day}` as MessageKey)}
                  </label>
                ))}
              </div>
              <FieldErrors id="settings-days-error" errors={errorText(settingsErrors?.days)} />
              <div className="grid grid-cols-2 gap-3">
                <InputField id="settings-start" name="start" type="time" required defaultValue={businessHours.start} label={t("cadences.settings.opens")} errors={errorText(settingsErrors?.start)} />
                <InputField id="settings-end" name="end" type="time" required defaultValue={businessHours.end} label={t("cadences.settings.closes")} errors={errorText(settingsErrors?.end)} />
              </div>
            </fieldset>
            <Button type="submit">{t("common.save")}</Button>
          </Form>
        </Card>
      </div>
    </>
  );
}
