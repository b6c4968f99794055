import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { ContactForm } from "~/components/contacts/contact-form";
import { PageHeader } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { translate, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { requireWriter } from "~/modules/auth/guards.server";
import { contactFormSchema } from "~/modules/contacts/contact-schemas";
import { createContact } from "~/modules/contacts/contacts.server";
import { listCustomFields } from "~/modules/contacts/custom-fields.server";
import { requestLocale } from "~/modules/contacts/http.server";

export const meta: MetaFunction = () => [{ title: "Novo contato · Master IA" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { org } = await requireWriter(request);
  return json({ fields: await listCustomFields(getDb(), org.id), country: org.country });
}

export async function action({ request }: ActionFunctionArgs) {
  const { org, user } = await requireWriter(request);
  const db = getDb();
  const submission = parseWithZod(await request.formData(), { schema: contactFormSchema });
  if (submission.status !== "success") return json({ result: submission.reply(), duplicateOf: null }, { status: 400 });
  const fields = await listCustomFields(db, org.id);
  const result = await createContact(db, { orgId: org.id, country: org.country, fields, input: submission.value });
  if (!result.ok) {
    const fieldErrors = result.reason === "invalid" ? result.fieldErrors : {};
    const duplicateOf = result.reason === "invalid" ? (result.duplicateOf ?? null) : null;
    return json({ result: submission.reply({ fieldErrors }), duplicateOf }, { status: duplicateOf ? 409 : 400 });
  }
  return redirectWithToast(`/contacts/${result.id}`, { kind: "success", message: translate(requestLocale(user, request), "contacts.created") });
}

export default function NewContactPage() {
  const { fields, country } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  return (
    <div className="max-w-2xl">
      <PageHeader title={t("contacts.new")} />
      <ContactForm
        lastResult={actionData?.result}
        onValidate={({ formData }) => parseWithZod(formData, { schema: contactFormSchema })}
        customFields={fields}
        duplicateOf={actionData?.duplicateOf}
        country={country}
        submitLabel={t("contacts.create")}
        cancelHref="/contacts"
      />
    </div>
  );
}
