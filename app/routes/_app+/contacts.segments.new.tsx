import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { SegmentBuilder } from "~/components/contacts/segment-builder";
import { PageHeader } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { translate, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { notFound, requireWriter } from "~/modules/auth/guards.server";
import { countContacts, filterReferencesExist } from "~/modules/contacts/contact-filter.server";
import { listCustomFields } from "~/modules/contacts/custom-fields.server";
import { paramValues, requestLocale } from "~/modules/contacts/http.server";
import { parseSegmentForm } from "~/modules/contacts/segment-form";
import { createSegment } from "~/modules/contacts/segments.server";
import { listTags } from "~/modules/contacts/tags.server";

export const meta: MetaFunction = () => [{ title: "Novo segmento · Master IA" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { org } = await requireWriter(request);
  const db = getDb();
  const url = new URL(request.url);
  const [fields, tags] = await Promise.all([listCustomFields(db, org.id), listTags(db, org.id)]);
  const { filter, errors } = parseSegmentForm(url.searchParams, fields);
  if (!(await filterReferencesExist(db, org.id, filter))) notFound("Tag not found");
  // Params arrive from "Preview" (no JS) or from the list's "save as segment" link.
  const count = url.searchParams.size > 0 ? await countContacts(db, org.id, filter) : null;
  return json({ name: url.searchParams.get("name") ?? "", values: paramValues(url.searchParams), errors, count, fields, tags }, { status: Object.keys(errors).length ? 400 : 200 });
}

export async function action({ request }: ActionFunctionArgs) {
  const { org, user } = await requireWriter(request);
  const db = getDb();
  const formData = await request.formData();
  const fields = await listCustomFields(db, org.id);
  const segment = parseSegmentForm(formData, fields);
  if (segment.nameErrors || Object.keys(segment.errors).length) {
    return json({ values: paramValues(formData), errors: segment.errors, nameErrors: segment.nameErrors }, { status: 400 });
  }
  if (!(await filterReferencesExist(db, org.id, segment.filter))) notFound("Tag not found");
  const id = await createSegment(db, org.id, { name: segment.name, filter: segment.filter, createdBy: user.id });
  return redirectWithToast(`/contacts/segments/${id}`, { kind: "success", message: translate(requestLocale(user, request), "contacts.segments.created") });
}

export default function NewSegmentPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const values = actionData?.values ?? data.values;
  return (
    <>
      <PageHeader title={t("contacts.segments.new")} description={t("contacts.segments.help")} />
      <SegmentBuilder
        name={values.name?.[0] ?? data.name}
        nameErrors={actionData?.nameErrors}
        values={values}
        errors={actionData?.errors ?? data.errors}
        tags={data.tags}
        fields={data.fields}
        count={actionData ? null : data.count}
        submitLabel={t("contacts.segments.save")}
        cancelHref="/contacts/segments"
      />
    </>
  );
}
