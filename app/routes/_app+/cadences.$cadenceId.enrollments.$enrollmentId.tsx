import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { CadenceStatusBadge } from "~/components/cadences/status-badge";
import { useStepKindLabel } from "~/components/cadences/step-summary";
import { Card, PageHeader } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { type MessageKey, negotiateLocale, translate, useLocale, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { notFound, requireOrg, requireWriter } from "~/modules/auth/guards.server";
import { exitEnrollment } from "~/modules/cadences/enrollments.server";
import { findEnrollment, type TimelineEntry } from "~/modules/cadences/pages.server";
import { permissions } from "~/modules/orgs/roles";
import { idParam } from "~/modules/pipelines/ids.server";
import { ExitEnrollmentButton } from "~/components/cadences/exit-enrollment-button";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.enrollment.contactName ?? ""} · ${data?.enrollment.cadenceName ?? ""} · Master IA` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { org, role } = await requireOrg(request);
  const enrollment = await findEnrollment(getDb(), org.id, idParam(params.cadenceId), idParam(params.enrollmentId));
  if (!enrollment) notFound("Enrollment not found");
  return json({ enrollment, canWrite: permissions.write(role) });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { org, user } = await requireWriter(request);
  const db = getDb();
  const enrollment = await findEnrollment(db, org.id, idParam(params.cadenceId), idParam(params.enrollmentId));
  if (!enrollment) notFound("Enrollment not found");
  const form = await request.formData();
  if (form.get("intent") !== "exit") return json({ error: "cadences.form.invalid" }, { status: 400 });
  await exitEnrollment(db, org.id, enrollment.id, user.id);
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  return redirectWithToast(`/cadences/${enrollment.cadenceId}/enrollments/${enrollment.id}`, { kind: "success", message: translate(locale, "cadences.exit.done") });
}

function useEntryText() {
  const t = useT();
  const kindLabel = useStepKindLabel();
  return (entry: TimelineEntry): string => {
    switch (entry.type) {
      case "enrolled":
        return t("cadences.timeline.enrolled", { source: t(`cadences.source.${entry.source}` as MessageKey) }) + (entry.by ? ` · ${entry.by}` : "");
      case "step": {
        const base = t(`cadences.timeline.step.${entry.status}` as MessageKey, { n: entry.position + 1, kind: kindLabel(entry.kind) });
        return entry.detail ? `${base}: ${t(`cadences.skip.${entry.detail}` as MessageKey)}` : base;
      }
      case "scheduled":
        return t(entry.paused ? "cadences.timeline.paused" : "cadences.timeline.scheduled", { n: entry.position + 1, kind: kindLabel(entry.kind) });
      case "completed":
        return t("cadences.timeline.completed");
      case "exited":
        return t("cadences.timeline.exited", { reason: t(`cadences.exitReason.${entry.reason ?? "manual"}` as MessageKey) }) + (entry.by ? ` · ${entry.by}` : "");
    }
  };
}

/** With JavaScript, an enrollment in progress refreshes its timeline while the tab is visible; without it, reload. */
function useRefreshWhileActive(active: boolean) {
  const { revalidate, state } = useRevalidator();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible" && state === "idle") revalidate();
    }, 5_000);
    return () => clearInterval(timer);
  }, [active, revalidate, state]);
}

export default function EnrollmentPage() {
  const { enrollment, canWrite } = useLoaderData<typeof loader>();
  useRefreshWhileActive(enrollment.status === "active");
  const t = useT();
  const entryText = useEntryText();
  const date = new Intl.DateTimeFormat(useLocale(), { dateStyle: "short", timeStyle: "medium" });
  return (
    <>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-2">
            {enrollment.contactName || enrollment.contactPhone || "—"} <CadenceStatusBadge status={enrollment.status} kind="enrollment" />
          </span>
        }
        description={
          <>
            <Link to={`/cadences/${enrollment.cadenceId}`} className="underline">
              {enrollment.cadenceName}
            </Link>{" "}
            · {t("cadences.version", { number: enrollment.versionNumber })} ·{" "}
            <Link to={`/contacts/${enrollment.contactId}`} className="underline">
              {t("cadences.timeline.contact")}
            </Link>
          </>
        }
        actions={
          canWrite && enrollment.status === "active" ? (
            <ExitEnrollmentButton />
          ) : null
        }
      />
      <Card>
        <h2 className="mb-3 font-medium">{t("cadences.timeline.title")}</h2>
        <ol className="space-y-3 border-l-2 border-slate-200 pl-4" data-testid="timeline">
          {enrollment.timeline.map((entry, index) => (
            <li key={index} className="text-sm" data-testid={`timeline-${entry.type}`}>
              <p className={entry.type === "scheduled" ? "text-slate-600" : "text-slate-900"}>{entryText(entry)}</p>
              <p className="text-xs text-slate-500">
                {entry.at ? date.format(new Date(entry.at)) : "—"}
                {entry.type === "step" && entry.conversationId ? (
                  <>
                    {" · "}
                    <Link to={`/inbox/${entry.conversationId}`} className="text-brand-700 underline">
                      {t("cadences.timeline.conversation")}
                    </Link>
                  </>
                ) : null}
              </p>
            </li>
          ))}
        </ol>
      </Card>
    </>
  );
}
