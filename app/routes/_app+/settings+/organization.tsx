import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { inputProps } from "~/components/conform";
import { Button } from "~/components/ui/button";
import { Card } from "~/components/ui/card";
import { InputField, SelectField } from "~/components/ui/field";
import { useErrorText } from "~/components/use-field-errors";
import { getDb } from "~/lib/db.server";
import { negotiateLocale, translate, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { requireOrg, requireSettingsManager } from "~/modules/auth/guards.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { commonTimezones, organizationSettingsSchema } from "~/modules/orgs/organization-schema";
import { updateOrganization } from "~/modules/orgs/organizations.server";
import { permissions } from "~/modules/orgs/roles";

export async function loader({ request }: LoaderFunctionArgs) {
  const { org, role } = await requireOrg(request);
  return json({ org, canEdit: permissions.manageSettings(role) });
}

export async function action({ request }: ActionFunctionArgs) {
  const { org, user } = await requireSettingsManager(request);
  const submission = parseWithZod(await request.formData(), { schema: organizationSettingsSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  const db = getDb();
  await updateOrganization(db, org.id, submission.value);
  await recordAudit(db, { orgId: org.id, actor: { type: "user", id: user.id }, action: "organization.updated", metadata: submission.value });
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  return redirectWithToast("/settings/organization", { kind: "success", message: translate(locale, "orgs.saved") });
}

export default function OrganizationSettingsPage() {
  const { org, canEdit } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const t = useT();
  const errorText = useErrorText();
  const [form, fields] = useForm({
    lastResult,
    defaultValue: { name: org.name, timezone: org.timezone, locale: org.locale },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: organizationSettingsSchema }),
  });
  const zones = commonTimezones.includes(org.timezone) ? commonTimezones : [org.timezone, ...commonTimezones];
  return (
    <Card>
      <Form method="post" className="max-w-lg space-y-4" {...getFormProps(form)}>
        <fieldset disabled={!canEdit} className="space-y-4">
          <InputField {...inputProps(fields.name, { type: "text" })} label={t("auth.orgName")} errors={errorText(fields.name.errors)} />
          <SelectField id={fields.timezone.id} name={fields.timezone.name} defaultValue={org.timezone} label={t("orgs.timezone")} errors={errorText(fields.timezone.errors)}>
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone}
              </option>
            ))}
          </SelectField>
          <SelectField id={fields.locale.id} name={fields.locale.name} defaultValue={org.locale} label={t("orgs.locale")} errors={errorText(fields.locale.errors)}>
            <option value="pt-BR">Português (Brasil)</option>
            <option value="en">English</option>
          </SelectField>
          {canEdit ? <Button type="submit">{t("common.save")}</Button> : null}
        </fieldset>
      </Form>
    </Card>
  );
}
