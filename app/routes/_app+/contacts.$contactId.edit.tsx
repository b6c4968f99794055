import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { ContactForm } from "~/components/contacts/contact-form";
import { PageHeader } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { translate, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { notFound, requireWriter } from "~/modules/auth/guards.server";
import { contactFormSchema } from "~/modules/contacts/contact-schemas";
import { findContact, updateContact } from "~/modules/contacts/contacts.server";
import { listCustomFields } from "~/modules/contacts/custom-fields.server";
import { requestLocale, requireId } from "~/modules/contacts/http.server";

export const meta: MetaFunction = () => [{ title: "Editar contato · Master IA" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { org } = await requireWriter(request);
  const contactId = requireId(params.contactId, "Contact not found");
  const db = getDb();
  const [contact, fields] = await Promise.all([findContact(db, org.id, contactId), listCustomFields(db, org.id)]);
  if (!contact || contact.erasedAt) notFound("Contact not found");
  const attr = Object.fromEntries(fields.filter((field) => contact.attributes[field.key] !== undefined).map((field) => [field.key, String(contact.attributes[field.key])]));
  return json({ contact: { id: contact.id, name: contact.name, phone: contact.phone ?? "", email: contact.email ?? "", attr }, fields, country: org.country });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { org, user } = await requireWriter(request);
  const contactId = requireId(params.contactId, "Contact not found");
  const db = getDb();
  const submission = parseWithZod(await request.formData(), { schema: contactFormSchema });
  if (submission.status !== "success") return json({ result: submission.reply(), duplicateOf: null }, { status: 400 });
  const fields = await listCustomFields(db, org.id);
  const result = await updateContact(db, { orgId: org.id, country: org.country, fields, input: submission.value, contactId });
  if (!result.ok) {
    if (result.reason === "not_found") notFound("Contact not found");
    return json({ result: submission.reply({ fieldErrors: result.fieldErrors }), duplicateOf: result.duplicateOf ?? null }, { status: result.duplicateOf ? 409 : 400 });
  }
  return redirectWithToast(`/contacts/${contactId}`, { kind: "success", message: translate(requestLocale(user, request), "contacts.saved") });
}

export default function EditContactPage() {
  const { contact, fields, country } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  return (
    <div className="max-w-2xl">
      <PageHeader title={t("contacts.edit")} />
      <ContactForm
        lastResult={actionData?.result}
        defaultValue={{ name: contact.name, phone: contact.phone, email: contact.email, attr: contact.attr }}
        onValidate={({ formData }) => parseWithZod(formData, { schema: contactFormSchema })}
        customFields={fields}
        duplicateOf={actionData?.duplicateOf}
        country={country}
        submitLabel={t("common.save")}
        cancelHref={`/contacts/${contact.id}`}
      />
    </div>
  );
}
