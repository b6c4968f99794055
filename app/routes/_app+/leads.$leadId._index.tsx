import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import type { ReactNode } from "react";
import { formatMoney } from "~/components/pipelines/format";
import { LeadHistory } from "~/components/pipelines/lead-history";
import { MoveLeadForm } from "~/components/pipelines/move-lead-form";
import { LeadStatusBadge } from "~/components/pipelines/status-badge";
import { Button } from "~/components/ui/button";
import { Card, PageHeader } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { negotiateLocale, translate, useLocale, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { notFound, requireOrg, requireWriter } from "~/modules/auth/guards.server";
import { permissions } from "~/modules/orgs/roles";
import { idParam } from "~/modules/pipelines/ids.server";
import { findLead, listLeadEvents } from "~/modules/pipelines/lead-details.server";
import { changeLeadStatus, deleteLead } from "~/modules/pipelines/leads.server";
import { leadActionSchema } from "~/modules/pipelines/schemas";
import { listStages } from "~/modules/pipelines/stages.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.lead.title ?? "Lead"} · Master IA` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { org, role } = await requireOrg(request);
  const db = getDb();
  const lead = await findLead(db, org.id, idParam(params.leadId));
  if (!lead) notFound("Lead not found");
  const before = Number(new URL(request.url).searchParams.get("before")) || undefined;
  const [history, stages] = await Promise.all([listLeadEvents(db, org.id, lead.id, before), listStages(db, org.id, lead.pipelineId)]);
  return json({
    lead: { ...lead, valueCents: Number(lead.valueCents), createdAt: new Date(lead.createdAt).toISOString(), closedAt: lead.closedAt ? new Date(lead.closedAt).toISOString() : null },
    history,
    stages: stages.map(({ id, name }) => ({ id, name })),
    money: { currency: org.currency, locale: org.locale },
    canWrite: permissions.write(role),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { org, user } = await requireWriter(request);
  const leadId = idParam(params.leadId);
  const parsed = leadActionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json({ error: "invalid" }, { status: 400 });
  const db = getDb();
  const actor = { type: "user" as const, id: user.id };
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  if (parsed.data.intent === "delete") {
    const deleted = await deleteLead(db, { orgId: org.id, leadId, actor });
    if (!deleted) notFound("Lead not found");
    return redirectWithToast(`/pipelines/${deleted.pipelineId}`, { kind: "success", message: translate(locale, "pipelines.lead.deleted") });
  }
  const result = await changeLeadStatus(db, { orgId: org.id, leadId, status: parsed.data.status, actor });
  if (!result.ok) notFound("Lead not found");
  return redirectWithToast(`/leads/${leadId}`, { kind: "success", message: translate(locale, "pipelines.lead.statusChanged") });
}

export default function LeadPage() {
  const { lead, history, stages, money, canWrite } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const location = useLocation();
  const date = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
  const statusButton = (status: "open" | "won" | "lost", label: string, variant: "primary" | "secondary" = "secondary") => (
    <Form method="post">
      <input type="hidden" name="intent" value="status" />
      <input type="hidden" name="status" value={status} />
      <Button type="submit" size="sm" variant={variant}>
        {label}
      </Button>
    </Form>
  );
  return (
    <>
      <PageHeader
        title={lead.title}
        description={
          <>
            <Link to={`/pipelines/${lead.pipelineId}`} className="underline">
              {lead.pipelineName}
            </Link>{" "}
            › <span data-testid="lead-stage">{lead.stageName}</span>
          </>
        }
        actions={
          canWrite ? (
            <div className="flex flex-wrap gap-2">
              {lead.status === "open" ? (
                <>
                  {statusButton("won", t("pipelines.lead.markWon"), "primary")}
                  {statusButton("lost", t("pipelines.lead.markLost"))}
                </>
              ) : (
                statusButton("open", t("pipelines.lead.reopen"))
              )}
              <Button asChild size="sm" variant="secondary">
                <Link to={`/leads/${lead.id}/edit`}>{t("pipelines.lead.edit")}</Link>
              </Button>
            </div>
          ) : null
        }
      />
      <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
        <div className="space-y-6">
          <Card>
            <dl className="grid gap-4 text-sm sm:grid-cols-2">
              <Detail label={t("pipelines.lead.status")}>
                <LeadStatusBadge status={lead.status} />
                {lead.closedAt ? <span className="ml-2 text-slate-500">{date.format(new Date(lead.closedAt))}</span> : null}
              </Detail>
              <Detail label={t("pipelines.lead.value")}>
                <span data-testid="lead-value">{formatMoney(lead.valueCents, money.currency, money.locale)}</span>
              </Detail>
              <Detail label={t("pipelines.lead.contact")}>
                {lead.contactId ? (
                  <Link to={`/contacts/${lead.contactId}`} className="text-brand-700 underline">
                    {lead.contactName || lead.contactPhone || "—"}
                  </Link>
                ) : (
                  "—"
                )}
              </Detail>
              <Detail label={t("pipelines.lead.owner")}>{lead.ownerName ?? t("pipelines.owner.none")}</Detail>
              <Detail label={t("pipelines.lead.createdAt")}>{date.format(new Date(lead.createdAt))}</Detail>
            </dl>
            {lead.notes ? (
              <div className="mt-4 border-t border-slate-100 pt-4">
                <h2 className="text-sm font-medium text-slate-700">{t("pipelines.lead.notes")}</h2>
                <p className="mt-1 whitespace-pre-wrap text-sm text-slate-800">{lead.notes}</p>
              </div>
            ) : null}
          </Card>
          <Card>
            <h2 className="mb-3 font-medium">{t("pipelines.history.title")}</h2>
            <LeadHistory events={history.events} />
            {history.nextBefore ? (
              <Link to={`?before=${history.nextBefore}`} className="mt-3 inline-block text-sm font-medium text-brand-700 underline">
                {t("pipelines.history.older")}
              </Link>
            ) : null}
          </Card>
        </div>
        {canWrite ? (
          <div className="space-y-6">
            <Card>
              <h2 className="mb-3 font-medium">{t("pipelines.move.title")}</h2>
              <MoveLeadForm leadId={lead.id} currentStageId={lead.stageId} stages={stages} returnTo={location.pathname} />
            </Card>
            <Card>
              <h2 className="mb-2 font-medium text-red-800">{t("pipelines.lead.delete")}</h2>
              <p className="mb-3 text-sm text-slate-600">{t("pipelines.lead.deleteHelp")}</p>
              <Form method="post">
                <input type="hidden" name="intent" value="delete" />
                <Button type="submit" size="sm" variant="danger">
                  {t("pipelines.lead.delete")}
                </Button>
              </Form>
            </Card>
          </div>
        ) : null}
      </div>
    </>
  );
}

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-1 text-slate-900">{children}</dd>
    </div>
  );
}
