import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { SegmentBuilder } from "~/components/contacts/segment-builder";
import { Button } from "~/components/ui/button";
import { Card, PageHeader } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { translate, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { notFound, requireWriter } from "~/modules/auth/guards.server";
import { filterFormValues } from "~/modules/contacts/contact-filter";
import { countContacts, filterReferencesExist } from "~/modules/contacts/contact-filter.server";
import { listCustomFields } from "~/modules/contacts/custom-fields.server";
import { paramValues, requestLocale, requireId } from "~/modules/contacts/http.server";
import { parseSegmentForm } from "~/modules/contacts/segment-form";
import { deleteSegment, findSegment, updateSegment } from "~/modules/contacts/segments.server";
import { listTags } from "~/modules/contacts/tags.server";

export const meta: MetaFunction = () => [{ title: "Editar segmento · Master IA" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { org } = await requireWriter(request);
  const segmentId = requireId(params.segmentId, "Segment not found");
  const db = getDb();
  const url = new URL(request.url);
  const [segment, fields, tags] = await Promise.all([findSegment(db, org.id, segmentId), listCustomFields(db, org.id), listTags(db, org.id)]);
  if (!segment) notFound("Segment not found");
  // "Preview" re-submits the form as GET (preview=1): show what was typed, else the saved filter.
  const previewing = url.searchParams.has("preview");
  const { filter, errors } = previewing ? parseSegmentForm(url.searchParams, fields) : { filter: segment.filter, errors: {} };
  if (!(await filterReferencesExist(db, org.id, filter))) notFound("Tag not found");
  return json(
    {
      segment: { id: segment.id, name: previewing ? (url.searchParams.get("name") ?? "") : segment.name },
      values: previewing ? paramValues(url.searchParams) : filterFormValues(filter),
      errors,
      count: await countContacts(db, org.id, filter),
      fields,
      tags,
    },
    { status: Object.keys(errors).length ? 400 : 200 },
  );
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { org, user } = await requireWriter(request);
  const segmentId = requireId(params.segmentId, "Segment not found");
  const db = getDb();
  const formData = await request.formData();
  const locale = requestLocale(user, request);
  if (formData.get("intent") === "delete") {
    if (!(await deleteSegment(db, org.id, segmentId, { type: "user", id: user.id }))) notFound("Segment not found");
    return redirectWithToast("/contacts/segments", { kind: "success", message: translate(locale, "contacts.segments.deleted") });
  }
  const fields = await listCustomFields(db, org.id);
  const segment = parseSegmentForm(formData, fields);
  if (segment.nameErrors || Object.keys(segment.errors).length) {
    if (!(await findSegment(db, org.id, segmentId))) notFound("Segment not found");
    return json({ values: paramValues(formData), errors: segment.errors, nameErrors: segment.nameErrors }, { status: 400 });
  }
  if (!(await filterReferencesExist(db, org.id, segment.filter))) notFound("Tag not found");
  if (!(await updateSegment(db, org.id, segmentId, { name: segment.name, filter: segment.filter }))) notFound("Segment not found");
  return redirectWithToast(`/contacts/segments/${segmentId}`, { kind: "success", message: translate(locale, "contacts.segments.saved") });
}

export default function EditSegmentPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const values = actionData?.values ?? data.values;
  return (
    <>
      <PageHeader title={t("contacts.segments.edit")} />
      <SegmentBuilder
        name={values.name?.[0] ?? data.segment.name}
        nameErrors={actionData?.nameErrors}
        values={values}
        errors={actionData?.errors ?? data.errors}
        tags={data.tags}
        fields={data.fields}
        count={actionData ? null : data.count}
        submitLabel={t("common.save")}
        cancelHref={`/contacts/segments/${data.segment.id}`}
      />
      <Card className="mt-6">
        <details>
          <summary className="cursor-pointer text-sm font-medium text-red-700">{t("contacts.segments.delete")}</summary>
          <Form method="post" className="mt-3 space-y-2 text-sm">
            <input type="hidden" name="intent" value="delete" />
            <p>{t("contacts.segments.deleteConfirm")}</p>
            <Button type="submit" size="sm" variant="danger">
              {t("contacts.segments.deleteButton")}
            </Button>
          </Form>
        </details>
      </Card>
    </>
  );
}
