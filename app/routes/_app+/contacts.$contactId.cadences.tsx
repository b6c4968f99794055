import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { CadenceStatusBadge } from "~/components/cadences/status-badge";
import { Button } from "~/components/ui/button";
import { Alert, Card, PageHeader } from "~/components/ui/card";
import { SelectField } from "~/components/ui/field";
import { getDb } from "~/lib/db.server";
import { type MessageKey, negotiateLocale, translate, useLocale, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { notFound, requireOrg, requireWriter } from "~/modules/auth/guards.server";
import { listCadences } from "~/modules/cadences/cadences.server";
import { enrollContact, exitEnrollment } from "~/modules/cadences/enrollments.server";
import { listContactEnrollments } from "~/modules/cadences/pages.server";
import { findContact } from "~/modules/contacts/contacts.server";
import { requireId } from "~/modules/contacts/http.server";
import { permissions } from "~/modules/orgs/roles";
import { ExitEnrollmentButton } from "~/components/cadences/exit-enrollment-button";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.contact.name ?? ""} · Cadências · Master IA` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { org, role } = await requireOrg(request);
  const db = getDb();
  const contact = await findContact(db, org.id, requireId(params.contactId, "Contact not found"));
  if (!contact) notFound("Contact not found");
  const [enrollments, cadences] = await Promise.all([listContactEnrollments(db, org.id, contact.id), listCadences(db, org.id)]);
  return json({
    contact: { id: contact.id, name: contact.name, phone: contact.phone, optedOut: contact.optedOut },
    enrollments,
    cadences: cadences.filter((cadence) => cadence.status === "active" && cadence.stepCount > 0).map(({ id, name }) => ({ id, name })),
    canWrite: permissions.write(role),
  });
}

const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("enroll"), cadenceId: z.uuid("cadences.enroll.cadenceRequired") }),
  z.object({ intent: z.literal("exit"), enrollmentId: z.uuid() }),
]);

const REFUSALS: Record<string, MessageKey> = {
  cadence_inactive: "cadences.enroll.inactive",
  no_steps: "cadences.enroll.noSteps",
  opted_out: "cadences.enroll.optedOut",
  already_enrolled: "cadences.enroll.already",
};

export async function action({ request, params }: ActionFunctionArgs) {
  const { org, user } = await requireWriter(request);
  const db = getDb();
  const contact = await findContact(db, org.id, requireId(params.contactId, "Contact not found"));
  if (!contact) notFound("Contact not found");
  const parsed = actionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json({ error: "cadences.enroll.cadenceRequired" as MessageKey }, { status: 400 });
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  const here = `/contacts/${contact.id}/cadences`;
  if (parsed.data.intent === "exit") {
    const { enrollmentId } = parsed.data;
    const found = await db.selectFrom("cadence_enrollments").select("id").where("org_id", "=", org.id).where("contact_id", "=", contact.id).where("id", "=", enrollmentId).executeTakeFirst();
    if (!found || !(await exitEnrollment(db, org.id, found.id, user.id))) notFound();
    return redirectWithToast(here, { kind: "success", message: translate(locale, "cadences.exit.done") });
  }
  const result = await enrollContact(db, { orgId: org.id, cadenceId: parsed.data.cadenceId, contactId: contact.id, userId: user.id });
  if (!result.ok && (result.reason === "cadence_not_found" || result.reason === "contact_not_found")) notFound();
  if (!result.ok) return json({ error: REFUSALS[result.reason]! }, { status: 409 });
  return redirectWithToast(here, { kind: "success", message: translate(locale, "cadences.enroll.done") });
}

export default function ContactCadencesPage() {
  const { contact, enrollments, cadences, canWrite } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const date = new Intl.DateTimeFormat(useLocale(), { dateStyle: "short", timeStyle: "short" });
  return (
    <>
      <PageHeader
        title={t("cadences.contact.title", { name: contact.name || contact.phone || "—" })}
        description={
          <Link to={`/contacts/${contact.id}`} className="underline">
            {t("cadences.contact.back")}
          </Link>
        }
      />
      {actionData?.error ? (
        <div className="mb-4">
          <Alert kind="error">{t(actionData.error)}</Alert>
        </div>
      ) : null}
      {canWrite ? (
        <Card className="mb-6">
          {contact.optedOut ? (
            <p className="text-sm text-slate-600">{t("cadences.enroll.optedOut")}</p>
          ) : cadences.length === 0 ? (
            <p className="text-sm text-slate-600">
              {t("cadences.contact.noCadences")}{" "}
              <Link to="/cadences" className="text-brand-700 underline">
                {t("cadences.title")}
              </Link>
            </p>
          ) : (
            <Form method="post" className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-end">
              <input type="hidden" name="intent" value="enroll" />
              <SelectField id="contact-cadence" name="cadenceId" label={t("cadences.contact.choose")} required defaultValue="">
                <option value="" disabled>
                  {t("cadences.contact.choosePlaceholder")}
                </option>
                {cadences.map((cadence) => (
                  <option key={cadence.id} value={cadence.id}>
                    {cadence.name}
                  </option>
                ))}
              </SelectField>
              <Button type="submit">{t("cadences.enroll.button")}</Button>
            </Form>
          )}
        </Card>
      ) : null}
      <Card>
        {enrollments.length === 0 ? (
          <p className="text-sm text-slate-600">{t("cadences.contact.none")}</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {enrollments.map((enrollment) => (
              <li key={enrollment.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm" data-testid="contact-enrollment">
                <div>
                  <Link to={`/cadences/${enrollment.cadenceId}/enrollments/${enrollment.id}`} className="font-medium text-brand-700 underline">
                    {enrollment.cadenceName}
                  </Link>{" "}
                  <CadenceStatusBadge status={enrollment.status} kind="enrollment" />
                  <span className="block text-xs text-slate-500">
                    {date.format(new Date(enrollment.createdAt))}
                    {enrollment.exitReason ? ` · ${t(`cadences.exitReason.${enrollment.exitReason}` as MessageKey)}` : ""}
                  </span>
                </div>
                {canWrite && enrollment.status === "active" ? (
                  <ExitEnrollmentButton enrollmentId={enrollment.id} />
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}
