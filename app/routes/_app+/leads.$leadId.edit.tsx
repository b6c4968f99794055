import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ContactSearchForm, useContactSearch } from "~/components/pipelines/contact-picker";
import { LeadFields } from "~/components/pipelines/lead-fields";
import { Button } from "~/components/ui/button";
import { Alert, Card, PageHeader } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { negotiateLocale, translate, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { notFound, requireWriter } from "~/modules/auth/guards.server";
import { idParam } from "~/modules/pipelines/ids.server";
import { findLead } from "~/modules/pipelines/lead-details.server";
import { updateLead } from "~/modules/pipelines/leads.server";
import { formatCentsForInput } from "~/modules/pipelines/money";
import { listMemberOptions, searchContactOptions } from "~/modules/pipelines/options.server";
import { leadFormSchema } from "~/modules/pipelines/schemas";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.lead.title ?? "Lead"} · Master IA` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { org } = await requireWriter(request);
  const db = getDb();
  const lead = await findLead(db, org.id, idParam(params.leadId));
  if (!lead) notFound("Lead not found");
  const contactQuery = new URL(request.url).searchParams.get("contactQuery")?.slice(0, 100) ?? "";
  const [members, contacts] = await Promise.all([listMemberOptions(db, org.id), searchContactOptions(db, org.id, contactQuery, lead.contactId)]);
  return json({
    lead: {
      id: lead.id,
      title: lead.title,
      version: lead.version,
      values: { title: lead.title, contactId: lead.contactId ?? "", value: formatCentsForInput(Number(lead.valueCents), org.locale), ownerId: lead.ownerId ?? "", notes: lead.notes, version: String(lead.version) },
    },
    members,
    contacts,
    contactQuery,
    money: { currency: org.currency, locale: org.locale },
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { org, user } = await requireWriter(request);
  const leadId = idParam(params.leadId);
  const submission = parseWithZod(await request.formData(), { schema: leadFormSchema(org.locale) });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  const { value, stageId: _stageId, ...lead } = submission.value;
  const result = await updateLead(getDb(), { ...lead, valueCents: value, orgId: org.id, leadId, actor: { type: "user", id: user.id } });
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  if (!result.ok) {
    if (result.reason === "stale") return json(submission.reply({ formErrors: [translate(locale, "pipelines.lead.stale")] }), { status: 409 });
    notFound("Lead, contact or owner not found");
  }
  return redirectWithToast(`/leads/${leadId}`, { kind: "success", message: translate(locale, "pipelines.saved") });
}

export default function EditLeadPage() {
  const { lead, members, contacts, contactQuery, money } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = useT();
  const contactSearch = useContactSearch(contacts);
  const [form, fields] = useForm({
    lastResult,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    defaultValue: lead.values,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: leadFormSchema(money.locale) }),
  });
  return (
    <>
      <PageHeader
        title={t("pipelines.lead.editTitle", { title: lead.title })}
        actions={
          <Button asChild variant="secondary" size="sm">
            <Link to={`/leads/${lead.id}`}>{t("pipelines.lead.back")}</Link>
          </Button>
        }
      />
      <Card className="max-w-2xl space-y-6">
        <ContactSearchForm query={contactQuery} onSearch={contactSearch.search} />
        <Form method="post" className="space-y-4" {...getFormProps(form)}>
          {form.errors?.length ? <Alert kind="error">{form.errors.join(" ")}</Alert> : null}
          <input type="hidden" name="version" value={lead.version} />
          <LeadFields fields={fields} contacts={contactSearch.options} members={members} currency={money.currency} />
          <Button type="submit" disabled={navigation.state === "submitting"}>
            {t("pipelines.save")}
          </Button>
        </Form>
      </Card>
    </>
  );
}
