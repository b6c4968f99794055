import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ContactSearchForm, useContactSearch } from "~/components/pipelines/contact-picker";
import { LeadFields } from "~/components/pipelines/lead-fields";
import { Button } from "~/components/ui/button";
import { Card, PageHeader } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { negotiateLocale, translate, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { notFound, requireWriter } from "~/modules/auth/guards.server";
import { idParam } from "~/modules/pipelines/ids.server";
import { createLead } from "~/modules/pipelines/leads.server";
import { listMemberOptions, searchContactOptions } from "~/modules/pipelines/options.server";
import { findPipeline } from "~/modules/pipelines/pipelines.server";
import { leadFormSchema } from "~/modules/pipelines/schemas";
import { listStages } from "~/modules/pipelines/stages.server";

export const meta: MetaFunction = () => [{ title: "Novo lead · Master IA" }];

async function loadPipeline(request: Request, pipelineIdParam: string | undefined) {
  const context = await requireWriter(request);
  const pipeline = await findPipeline(getDb(), context.org.id, idParam(pipelineIdParam));
  if (!pipeline) notFound("Pipeline not found");
  return { ...context, pipeline };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { org, user, pipeline } = await loadPipeline(request, params.pipelineId);
  const db = getDb();
  const url = new URL(request.url);
  const contactQuery = url.searchParams.get("contactQuery")?.slice(0, 100) ?? "";
  const [stages, members, contacts] = await Promise.all([listStages(db, org.id, pipeline.id), listMemberOptions(db, org.id), searchContactOptions(db, org.id, contactQuery)]);
  const requested = url.searchParams.get("stageId");
  const stageId = stages.find((stage) => stage.id === requested)?.id ?? stages[0]?.id;
  return json({
    pipeline,
    stages: stages.map(({ id, name }) => ({ id, name })),
    members,
    contacts,
    contactQuery,
    defaults: { stageId, ownerId: user.id },
    money: { currency: org.currency, locale: org.locale },
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { org, user, pipeline } = await loadPipeline(request, params.pipelineId);
  const submission = parseWithZod(await request.formData(), { schema: leadFormSchema(org.locale) });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  const { stageId, value, ...lead } = submission.value;
  if (!stageId) return json(submission.reply({ fieldErrors: { stageId: ["validation.required"] } }), { status: 400 });
  const result = await createLead(getDb(), { ...lead, valueCents: value, orgId: org.id, pipelineId: pipeline.id, stageId, actor: { type: "user", id: user.id } });
  if (!result.ok) notFound("Stage, contact or owner not found");
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  return redirectWithToast(`/pipelines/${pipeline.id}`, { kind: "success", message: translate(locale, "pipelines.lead.created", { title: lead.title }) });
}

export default function NewLeadPage() {
  const { pipeline, stages, members, contacts, contactQuery, defaults, money } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = useT();
  const contactSearch = useContactSearch(contacts);
  const [form, fields] = useForm({
    lastResult,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    defaultValue: { stageId: defaults.stageId, ownerId: defaults.ownerId },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: leadFormSchema(money.locale) }),
  });
  return (
    <>
      <PageHeader
        title={t("pipelines.lead.new")}
        description={pipeline.name}
        actions={
          <Button asChild variant="secondary" size="sm">
            <Link to={`/pipelines/${pipeline.id}`}>{t("pipelines.backToBoard")}</Link>
          </Button>
        }
      />
      <Card className="max-w-2xl space-y-6">
        <ContactSearchForm query={contactQuery} onSearch={contactSearch.search} keep={defaults.stageId ? { stageId: defaults.stageId } : {}} />
        <Form method="post" className="space-y-4" {...getFormProps(form)}>
          <LeadFields fields={fields} contacts={contactSearch.options} members={members} stages={stages} currency={money.currency} />
          <Button type="submit" disabled={navigation.state === "submitting"}>
            {t("pipelines.lead.create")}
          </Button>
        </Form>
      </Card>
    </>
  );
}
