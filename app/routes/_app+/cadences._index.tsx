import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CadenceStatusBadge } from "~/components/cadences/status-badge";
import { Button } from "~/components/ui/button";
import { Card, PageHeader } from "~/components/ui/card";
import { InputField } from "~/components/ui/field";
import { useErrorText } from "~/components/use-field-errors";
import { getDb } from "~/lib/db.server";
import { negotiateLocale, translate, useLocale, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { requireOrg, requireWriter } from "~/modules/auth/guards.server";
import { createCadence, listCadences } from "~/modules/cadences/cadences.server";
import { createCadenceSchema, fieldErrorsOf } from "~/modules/cadences/forms";
import { permissions } from "~/modules/orgs/roles";

export const meta: MetaFunction = () => [{ title: "Cadências · Master IA" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { org, role } = await requireOrg(request);
  const includeArchived = new URL(request.url).searchParams.get("archived") === "1";
  const cadences = await listCadences(getDb(), org.id, { includeArchived });
  return json({ cadences: cadences.map((cadence) => ({ ...cadence, createdAt: cadence.createdAt.toISOString() })), includeArchived, canWrite: permissions.write(role) });
}

export async function action({ request }: ActionFunctionArgs) {
  const { org, user } = await requireWriter(request);
  const parsed = createCadenceSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json({ fieldErrors: fieldErrorsOf(parsed.error) }, { status: 400 });
  const cadenceId = await createCadence(getDb(), { orgId: org.id, name: parsed.data.name, actor: { type: "user", id: user.id } });
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  return redirectWithToast(`/cadences/${cadenceId}/edit`, { kind: "success", message: translate(locale, "cadences.created") });
}

export default function CadencesPage() {
  const { cadences, includeArchived, canWrite } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const errorText = useErrorText();
  const number = new Intl.NumberFormat(useLocale());
  return (
    <>
      <PageHeader title={t("cadences.title")} description={t("cadences.description")} />
      {canWrite ? (
        <Card className="mb-6">
          <Form method="post" className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-end">
            <InputField id="cadence-name" name="name" required maxLength={120} label={t("cadences.new.name")} placeholder={t("cadences.new.placeholder")} errors={errorText(actionData?.fieldErrors.name)} />
            <Button type="submit">{t("cadences.new.submit")}</Button>
          </Form>
        </Card>
      ) : null}
      <Card>
        {cadences.length === 0 ? (
          <p className="text-sm text-slate-600">{t("cadences.list.empty")}</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-xs uppercase text-slate-500">
                <tr>
                  <th className="py-2 pr-4">{t("cadences.list.name")}</th>
                  <th className="py-2 pr-4">{t("cadences.list.status")}</th>
                  <th className="py-2 pr-4 text-right">{t("cadences.list.steps")}</th>
                  <th className="py-2 pr-4 text-right">{t("cadences.enrollment.status.active")}</th>
                  <th className="py-2 pr-4 text-right">{t("cadences.enrollment.status.completed")}</th>
                  <th className="py-2 text-right">{t("cadences.enrollment.status.exited")}</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {cadences.map((cadence) => (
                  <tr key={cadence.id} data-testid="cadence-row">
                    <td className="max-w-[16rem] truncate py-2 pr-4">
                      <Link to={`/cadences/${cadence.id}`} className="font-medium text-brand-700 underline">
                        {cadence.name}
                      </Link>
                    </td>
                    <td className="py-2 pr-4">
                      <CadenceStatusBadge status={cadence.status} />
                    </td>
                    <td className="py-2 pr-4 text-right tabular-nums">{number.format(cadence.stepCount)}</td>
                    <td className="py-2 pr-4 text-right tabular-nums">{number.format(cadence.counts.active)}</td>
                    <td className="py-2 pr-4 text-right tabular-nums">{number.format(cadence.counts.completed)}</td>
                    <td className="py-2 text-right tabular-nums">{number.format(cadence.counts.exited)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Link to={includeArchived ? "/cadences" : "/cadences?archived=1"} className="mt-4 inline-block text-sm text-brand-700 underline">
          {includeArchived ? t("cadences.list.hideArchived") : t("cadences.list.showArchived")}
        </Link>
      </Card>
    </>
  );
}
