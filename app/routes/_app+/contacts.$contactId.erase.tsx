import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { ConfirmForm } from "~/components/contacts/confirm-form";
import { PageHeader } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { translate, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { notFound, requireWriter } from "~/modules/auth/guards.server";
import { confirmSchema } from "~/modules/contacts/contact-schemas";
import { findContact } from "~/modules/contacts/contacts.server";
import { requestLocale, requireId } from "~/modules/contacts/http.server";
import { formatPhone } from "~/modules/contacts/phone-format.server";
import { eraseContact } from "~/modules/contacts/privacy.server";

export const meta: MetaFunction = () => [{ title: "Apagar dados do contato · Master IA" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { org } = await requireWriter(request);
  const contact = await findContact(getDb(), org.id, requireId(params.contactId, "Contact not found"));
  if (!contact) notFound("Contact not found");
  return json({ contact: { id: contact.id, label: contact.name || formatPhone(contact.phone, org.country) || contact.email || "", erased: Boolean(contact.erasedAt) } });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { org, user } = await requireWriter(request);
  const contactId = requireId(params.contactId, "Contact not found");
  const parsed = confirmSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json({ errors: z.flattenError(parsed.error).fieldErrors as Record<string, string[] | undefined> }, { status: 400 });
  const outcome = await eraseContact(getDb(), org.id, contactId, { type: "user", id: user.id });
  if (outcome === "not_found") notFound("Contact not found");
  return redirectWithToast(`/contacts/${contactId}`, { kind: "success", message: translate(requestLocale(user, request), "contacts.erased.done") });
}

export default function EraseContactPage() {
  const { contact } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  return (
    <div className="max-w-xl">
      <PageHeader title={t("contacts.erase.title", { name: contact.label || t("contacts.noName") })} />
      <ConfirmForm
        body={t(contact.erased ? "contacts.erase.already" : "contacts.erase.body")}
        confirmLabel={t("contacts.erase.confirm")}
        submitLabel={t("contacts.privacy.erase")}
        cancelHref={`/contacts/${contact.id}`}
        errors={actionData?.errors?.confirm}
        disabled={contact.erased}
      />
    </div>
  );
}
