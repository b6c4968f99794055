import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { AuthLayout } from "~/components/auth-layout";
import { inputProps } from "~/components/conform";
import { Button } from "~/components/ui/button";
import { InputField } from "~/components/ui/field";
import { useErrorText } from "~/components/use-field-errors";
import { getDb } from "~/lib/db.server";
import { negotiateLocale, translate, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { requireUser } from "~/modules/auth/guards.server";
import { organizationNameSchema } from "~/modules/auth/schemas";
import { setSessionOrganization } from "~/modules/auth/sessions.server";
import { createOrganization } from "~/modules/orgs/organizations.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return json({});
}

export async function action({ request }: ActionFunctionArgs) {
  const { user, session } = await requireUser(request);
  const submission = parseWithZod(await request.formData(), { schema: organizationNameSchema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  const db = getDb();
  const org = await createOrganization(db, { name: submission.value.name, ownerId: user.id });
  await setSessionOrganization(db, session, org.id);
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  return redirectWithToast("/dashboard", { kind: "success", message: translate(locale, "orgs.created", { name: org.name }) });
}

export default function NewOrganizationPage() {
  const lastResult = useActionData<typeof action>();
  const t = useT();
  const errorText = useErrorText();
  const [form, fields] = useForm({ lastResult, onValidate: ({ formData }) => parseWithZod(formData, { schema: organizationNameSchema }) });
  return (
    <AuthLayout title={t("orgs.new")}>
      <Form method="post" className="space-y-4" {...getFormProps(form)}>
        <InputField {...inputProps(fields.name, { type: "text" })} label={t("auth.orgName")} errors={errorText(fields.name.errors)} />
        <Button type="submit" className="w-full">
          {t("orgs.create")}
        </Button>
      </Form>
    </AuthLayout>
  );
}
