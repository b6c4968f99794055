import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { CadenceStatusBadge } from "~/components/cadences/status-badge";
import { StepSummary, useStepKindLabel } from "~/components/cadences/step-summary";
import { Button } from "~/components/ui/button";
import { Alert, Card, PageHeader } from "~/components/ui/card";
import { SelectField } from "~/components/ui/field";
import { getDb } from "~/lib/db.server";
import { type MessageKey, negotiateLocale, translate, useLocale, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { notFound, requireOrg, requireWriter } from "~/modules/auth/guards.server";
import { enrollmentCounts, findCadence, setCadenceStatus, stepStats } from "~/modules/cadences/cadences.server";
import { enrollContact, enrollSegment, exitEnrollment } from "~/modules/cadences/enrollments.server";
import { cadencePageActionSchema } from "~/modules/cadences/forms";
import { cadenceOptions, ENROLLMENT_STATUSES, type EnrollmentStatus, listEnrollments, parseCursor, searchContactsToEnroll } from "~/modules/cadences/pages.server";
import { stepView } from "~/modules/cadences/step-view";
import { permissions } from "~/modules/orgs/roles";
import { idParam } from "~/modules/pipelines/ids.server";
import { ExitEnrollmentButton } from "~/components/cadences/exit-enrollment-button";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.cadence.name ?? ""} · Cadências · Master IA` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { org, role } = await requireOrg(request);
  const db = getDb();
  const cadence = await findCadence(db, org.id, idParam(params.cadenceId));
  if (!cadence) notFound("Cadence not found");
  const url = new URL(request.url);
  const statusParam = url.searchParams.get("status");
  const status = (ENROLLMENT_STATUSES as readonly string[]).includes(statusParam ?? "") ? (statusParam as EnrollmentStatus) : undefined;
  const search = (url.searchParams.get("q") ?? "").slice(0, 100);
  const canWrite = permissions.write(role);
  const [options, stats, counts, page, matches] = await Promise.all([
    cadenceOptions(db, org.id),
    stepStats(db, org.id, cadence),
    enrollmentCounts(db, org.id, [cadence.id]),
    listEnrollments(db, org.id, cadence.id, { status, before: parseCursor(url.searchParams.get("cursor")) }),
    canWrite ? searchContactsToEnroll(db, org.id, search) : Promise.resolve([]),
  ]);
  const trigger = {
    tag: options.tags.find((tag) => tag.id === cadence.triggerTagId)?.name ?? null,
    stage: (() => {
      const stage = options.stages.find((item) => item.id === cadence.triggerStageId);
      return stage ? `${stage.pipelineName} › ${stage.name}` : null;
    })(),
  };
  return json({
    cadence: { id: cadence.id, name: cadence.name, status: cadence.status, versionNumber: cadence.versionNumber, exitOnReply: cadence.exitOnReply, exitOnLeadClosed: cadence.exitOnLeadClosed },
    steps: cadence.steps.map((stored, index) => ({ position: stored.position, view: stepView(stored, options), stats: stats[index]! })),
    trigger,
    counts: counts.get(cadence.id) ?? { active: 0, completed: 0, exited: 0 },
    ...page,
    status: status ?? null,
    search,
    matches,
    segments: options.segments,
    canWrite,
  });
}

const REFUSALS: Record<string, MessageKey> = {
  cadence_inactive: "cadences.enroll.inactive",
  no_steps: "cadences.enroll.noSteps",
  opted_out: "cadences.enroll.optedOut",
  already_enrolled: "cadences.enroll.already",
};

export async function action({ request, params }: ActionFunctionArgs) {
  const { org, user } = await requireWriter(request);
  const db = getDb();
  const cadenceId = idParam(params.cadenceId);
  const parsed = cadencePageActionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json({ error: "cadences.form.invalid" as MessageKey }, { status: 400 });
  const command = parsed.data;
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  const here = `/cadences/${cadenceId}`;
  switch (command.intent) {
    case "status": {
      if (!(await setCadenceStatus(db, { orgId: org.id, cadenceId, status: command.status, actor: { type: "user", id: user.id } }))) notFound("Cadence not found");
      return redirectWithToast(here, { kind: "success", message: translate(locale, `cadences.statusChanged.${command.status}`) });
    }
    case "enroll": {
      const result = await enrollContact(db, { orgId: org.id, cadenceId, contactId: command.contactId, userId: user.id });
      if (!result.ok && (result.reason === "cadence_not_found" || result.reason === "contact_not_found")) notFound();
      if (!result.ok) return json({ error: REFUSALS[result.reason]! }, { status: 409 });
      return redirectWithToast(`${here}/enrollments/${result.enrollmentId}`, { kind: "success", message: translate(locale, "cadences.enroll.done") });
    }
    case "enrollSegment": {
      const result = await enrollSegment(db, { orgId: org.id, cadenceId, segmentId: command.segmentId, userId: user.id });
      if (!result.ok && (result.reason === "cadence_not_found" || result.reason === "segment_not_found")) notFound();
      if (!result.ok) return json({ error: REFUSALS[result.reason]! }, { status: 409 });
      return redirectWithToast(here, { kind: "success", message: translate(locale, "cadences.enroll.segmentDone", { count: result.enrolled }) });
    }
    case "exit": {
      const found = await db.selectFrom("cadence_enrollments").select("id").where("org_id", "=", org.id).where("cadence_id", "=", cadenceId).where("id", "=", command.enrollmentId).executeTakeFirst();
      if (!found || !(await exitEnrollment(db, org.id, found.id, user.id))) notFound();
      return redirectWithToast(here, { kind: "success", message: translate(locale, "cadences.exit.done") });
    }
  }
}

export default function CadencePage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { cadence, steps, trigger, counts, enrollments, nextCursor, canWrite } = data;
  const t = useT();
  const kindLabel = useStepKindLabel();
  const locale = useLocale();
  const [searchParams] = useSearchParams();
  const date = new Intl.DateTimeFormat(locale, { dateStyle: "short", timeStyle: "medium" });
  const number = new Intl.NumberFormat(locale);
  const statusButton = (status: "active" | "paused" | "archived", label: MessageKey, variant: "primary" | "secondary" | "danger" = "secondary") => (
    <Form method="post">
      <input type="hidden" name="intent" value="status" />
      <input type="hidden" name="status" value={status} />
      <Button type="submit" size="sm" variant={variant}>
        {t(label)}
      </Button>
    </Form>
  );
  const filterLink = (status: string | null, label: string) => {
    const params = new URLSearchParams(searchParams);
    params.delete("cursor");
    if (status) params.set("status", status);
    else params.delete("status");
    return (
      <Link to={`?${params}`} aria-current={data.status === status ? "page" : undefined} className={data.status === status ? "font-semibold text-slate-900" : "text-brand-700 underline"}>
        {label}
      </Link>
    );
  };
  return (
    <>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-2">
            {cadence.name} <CadenceStatusBadge status={cadence.status} />
          </span>
        }
        description={
          <>
            <Link to="/cadences" className="underline">
              {t("cadences.title")}
            </Link>{" "}
            · {t("cadences.version", { number: cadence.versionNumber })}
          </>
        }
        actions={
          canWrite ? (
            <div className="flex flex-wrap gap-2">
              {cadence.status === "active" ? statusButton("paused", "cadences.action.pause") : statusButton("active", "cadences.action.activate", "primary")}
              <Button asChild size="sm" variant="secondary">
                <Link to={`/cadences/${cadence.id}/edit`}>{t("cadences.action.edit")}</Link>
              </Button>
              {cadence.status !== "archived" ? statusButton("archived", "cadences.action.archive", "danger") : null}
            </div>
          ) : null
        }
      />
      {actionData?.error ? (
        <div className="mb-4">
          <Alert kind="error">{t(actionData.error)}</Alert>
        </div>
      ) : null}
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <div className="space-y-6">
          <Card>
            <h2 className="mb-3 font-medium">{t("cadences.steps.title")}</h2>
            {steps.length === 0 ? (
              <p className="text-sm text-slate-600">{t("cadences.steps.empty")}</p>
            ) : (
              <ol className="space-y-3">
                {steps.map((step) => (
                  <li key={step.position} className="rounded-md p-3 text-sm ring-1 ring-slate-200" data-testid="cadence-step">
                    <div className="font-medium text-slate-900">
                      {step.position + 1}. {kindLabel(step.view.kind === "invalid" ? step.view.storedKind : step.view.kind)}
                    </div>
                    <div className="mt-1 text-slate-700">
                      <StepSummary step={step.view} />
                    </div>
                    <p className="mt-2 text-xs text-slate-500" data-testid="step-stats">
                      {t("cadences.steps.stats", { done: number.format(step.stats.done), skipped: number.format(step.stats.skipped), failed: number.format(step.stats.failed), waiting: number.format(step.stats.waiting) })}
                    </p>
                  </li>
                ))}
              </ol>
            )}
          </Card>
          <Card>
            <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
              <h2 className="font-medium">{t("cadences.enrollments.title")}</h2>
              <p className="flex flex-wrap gap-3 text-sm" data-testid="enrollment-counts">
                {filterLink(null, t("cadences.enrollments.all"))}
                {filterLink("active", `${t("cadences.enrollment.status.active")} (${number.format(counts.active)})`)}
                {filterLink("completed", `${t("cadences.enrollment.status.completed")} (${number.format(counts.completed)})`)}
                {filterLink("exited", `${t("cadences.enrollment.status.exited")} (${number.format(counts.exited)})`)}
              </p>
            </div>
            {enrollments.length === 0 ? (
              <p className="text-sm text-slate-600">{t("cadences.enrollments.empty")}</p>
            ) : (
              <ul className="divide-y divide-slate-100">
                {enrollments.map((enrollment) => (
                  <li key={enrollment.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm" data-testid="enrollment-row">
                    <div>
                      <Link to={`/cadences/${cadence.id}/enrollments/${enrollment.id}`} className="font-medium text-brand-700 underline">
                        {enrollment.contactName || enrollment.contactPhone || "—"}
                      </Link>{" "}
                      <CadenceStatusBadge status={enrollment.status} kind="enrollment" />
                      <span className="block text-xs text-slate-500">
                        {enrollment.status === "active" && enrollment.nextRunAt
                          ? t("cadences.enrollments.next", { step: enrollment.position + 1, at: date.format(new Date(enrollment.nextRunAt)) })
                          : enrollment.exitReason
                            ? t(`cadences.exitReason.${enrollment.exitReason}` as MessageKey)
                            : date.format(new Date(enrollment.createdAt))}
                      </span>
                    </div>
                    {canWrite && enrollment.status === "active" ? (
                      <ExitEnrollmentButton enrollmentId={enrollment.id} />
                    ) : null}
                  </li>
                ))}
              </ul>
            )}
            {nextCursor ? (
              <Link to={`?${new URLSearchParams({ ...(data.status ? { status: data.status } : {}), cursor: nextCursor })}`} className="mt-3 inline-block text-sm font-medium text-brand-700 underline">
                {t("cadences.enrollments.older")}
              </Link>
            ) : null}
          </Card>
        </div>
        <div className="space-y-6">
          <Card>
            <h2 className="mb-2 font-medium">{t("cadences.rules.title")}</h2>
            <ul className="space-y-1 text-sm text-slate-700">
              <li>{trigger.tag ? t("cadences.rules.tag", { tag: trigger.tag }) : t("cadences.rules.noTag")}</li>
              <li>{trigger.stage ? t("cadences.rules.stage", { stage: trigger.stage }) : t("cadences.rules.noStage")}</li>
              <li>{cadence.exitOnReply ? t("cadences.rules.exitOnReply") : t("cadences.rules.keepOnReply")}</li>
              {cadence.exitOnLeadClosed ? <li>{t("cadences.rules.exitOnLeadClosed")}</li> : null}
              <li>{t("cadences.rules.optOut")}</li>
            </ul>
          </Card>
          {canWrite ? (
            <Card>
              <h2 className="mb-3 font-medium">{t("cadences.enroll.title")}</h2>
              <Form method="get" className="flex items-end gap-2">
                {data.status ? <input type="hidden" name="status" value={data.status} /> : null}
                <div className="flex-1">
                  <label htmlFor="enroll-search" className="block text-sm font-medium text-slate-700">
                    {t("cadences.enroll.search")}
                  </label>
                  <input id="enroll-search" name="q" type="search" defaultValue={data.search} maxLength={100} className="mt-1 block w-full rounded-md border-0 px-3 py-2 text-sm ring-1 ring-slate-300" />
                </div>
                <Button type="submit" variant="secondary">
                  {t("cadences.enroll.find")}
                </Button>
              </Form>
              {data.search ? (
                data.matches.length === 0 ? (
                  <p className="mt-2 text-sm text-slate-600">{t("cadences.enroll.noMatches")}</p>
                ) : (
                  <ul className="mt-3 divide-y divide-slate-100">
                    {data.matches.map((contact) => (
                      <li key={contact.id} className="flex items-center justify-between gap-2 py-2 text-sm" data-testid="enroll-match">
                        <span>
                          {contact.name || "—"} <span className="text-slate-500">{contact.phone}</span>
                        </span>
                        {contact.optedOut ? (
                          <span className="text-xs text-slate-500">{t("cadences.enroll.optedOut")}</span>
                        ) : (
                          <Form method="post">
                            <input type="hidden" name="intent" value="enroll" />
                            <input type="hidden" name="contactId" value={contact.id} />
                            <Button type="submit" size="sm">
                              {t("cadences.enroll.button")}
                            </Button>
                          </Form>
                        )}
                      </li>
                    ))}
                  </ul>
                )
              ) : null}
              {data.segments.length ? (
                <Form method="post" className="mt-4 space-y-2 border-t border-slate-100 pt-4">
                  <input type="hidden" name="intent" value="enrollSegment" />
                  <SelectField id="enroll-segment" name="segmentId" label={t("cadences.enroll.segment")} required defaultValue="">
                    <option value="" disabled>
                      {t("cadences.enroll.chooseSegment")}
                    </option>
                    {data.segments.map((segment) => (
                      <option key={segment.id} value={segment.id}>
                        {segment.name}
                      </option>
                    ))}
                  </SelectField>
                  <Button type="submit" size="sm" variant="secondary">
                    {t("cadences.enroll.segmentButton")}
                  </Button>
                </Form>
              ) : null}
            </Card>
          ) : null}
        </div>
      </div>
    </>
  );
}
