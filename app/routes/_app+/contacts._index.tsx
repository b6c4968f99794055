import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useSubmit } from "@remix-run/react";
import { type ChangeEvent, useRef } from "react";
import { ContactFilterFields } from "~/components/contacts/contact-filter-fields";
import { ContactTable } from "~/components/contacts/contact-table";
import { useCountText } from "~/components/contacts/use-count-text";
import { LoadMoreButton, useLoadMore } from "~/components/contacts/load-more";
import { Pager } from "~/components/contacts/pager";
import { Button } from "~/components/ui/button";
import { Alert, Card, PageHeader } from "~/components/ui/card";
import { FieldErrors } from "~/components/ui/field";
import { useErrorText } from "~/components/use-field-errors";
import { useHydrated } from "~/components/use-hydrated";
import { getDb } from "~/lib/db.server";
import { type MessageKey, translate, useLocale, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { notFound, requireOrg, requireWriter } from "~/modules/auth/guards.server";
import { applyBulkAction } from "~/modules/contacts/bulk.server";
import { filterToParams, isEmptyFilter, parseFilterParams } from "~/modules/contacts/contact-filter";
import { countContactsUpTo, filterReferencesExist } from "~/modules/contacts/contact-filter.server";
import { loadContactList } from "~/modules/contacts/contact-list.server";
import { BULK_ACTIONS, bulkActionSchema } from "~/modules/contacts/contact-schemas";
import { listCustomFields } from "~/modules/contacts/custom-fields.server";
import { paramValues, requestLocale, safeSearch } from "~/modules/contacts/http.server";
import { listSegments } from "~/modules/contacts/segments.server";
import { listTags } from "~/modules/contacts/tags.server";
import { permissions } from "~/modules/orgs/roles";

export const meta: MetaFunction = () => [{ title: "Contatos · Master IA" }];

/** Exact counts stay on segments; the list says "more than 10,000" (see countContactsUpTo). */
const LIST_COUNT_CAP = 10_000;

export async function loader({ request }: LoaderFunctionArgs) {
  const { org, role } = await requireOrg(request);
  const db = getDb();
  const url = new URL(request.url);
  const [fields, tags, segments] = await Promise.all([listCustomFields(db, org.id), listTags(db, org.id), listSegments(db, org.id)]);
  const { filter, errors } = parseFilterParams(url.searchParams, fields);
  if (!(await filterReferencesExist(db, org.id, filter))) notFound("Tag or segment not found");
  const [list, total] = await Promise.all([loadContactList(db, org, filter, url), countContactsUpTo(db, org.id, filter, LIST_COUNT_CAP)]);
  const filterQuery = filterToParams(filter).toString();
  return json(
    {
      ...list,
      total: total.count,
      totalCapped: total.capped,
      filtered: !isEmptyFilter(filter),
      filterQuery,
      values: paramValues(url.searchParams),
      errors,
      tags,
      segments: segments.map(({ id, name }) => ({ id, name })),
      fields,
      canWrite: permissions.write(role),
      timezone: org.timezone,
    },
    { status: Object.keys(errors).length ? 400 : 200 },
  );
}

export async function action({ request }: ActionFunctionArgs) {
  const { org, user } = await requireWriter(request);
  const formData = await request.formData();
  const parsed = bulkActionSchema.safeParse({
    intent: formData.get("intent"),
    action: formData.get("action") || undefined,
    contactIds: formData.getAll("contactIds"),
    tagId: formData.get("tagId") || undefined,
    confirm: formData.get("confirm") || undefined,
  });
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? "form")] ??= issue.message;
    return json({ errors }, { status: 400 });
  }
  const result = await applyBulkAction(getDb(), org.id, { type: "user", id: user.id }, parsed.data);
  if (!result.ok) notFound("Contact or tag not found");
  const message = translate(requestLocale(user, request), `contacts.bulk.done.${parsed.data.action}` as MessageKey, { count: result.changed, selected: result.selected });
  return redirectWithToast(`/contacts${safeSearch(formData.get("returnTo"))}`, { kind: "success", message });
}

const BULK_FORM_ID = "bulk-actions";

export default function ContactsPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const countText = useCountText();
  const locale = useLocale();
  const errorText = useErrorText();
  const hydrated = useHydrated();
  const submit = useSubmit();
  const location = useLocation();
  const loadMore = useLoadMore(data);
  const searchTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const bulkErrors = actionData?.errors ?? {};
  const bulkError = (name: string) => errorText(bulkErrors[name] ? [bulkErrors[name]] : undefined);

  // Search as you type: one navigation 300 ms after the last keystroke, replacing the history entry.
  const onSearchChange = (event: ChangeEvent<HTMLInputElement>) => {
    const form = event.currentTarget.form;
    clearTimeout(searchTimer.current);
    searchTimer.current = setTimeout(() => form && submit(form, { replace: true, preventScrollReset: true }), 300);
  };
  const exportHref = (delimiter: "comma" | "semicolon") => `/contacts/export.csv?${data.filterQuery}${data.filterQuery ? "&" : ""}delimiter=${delimiter}`;

  return (
    <>
      <PageHeader
        title={t("contacts.title")}
        description={<span data-testid="contacts-total">{data.totalCapped
              ? t(data.filtered ? "contacts.countFilteredMore" : "contacts.countMore", { count: new Intl.NumberFormat(locale).format(data.total) })
              : countText(data.filtered ? "contacts.countFiltered" : "contacts.count", data.total)}</span>}
        actions={
          <div className="flex flex-wrap gap-2">
            {data.canWrite ? (
              <>
                <Button asChild>
                  <Link to="/contacts/new">{t("contacts.new")}</Link>
                </Button>
                <Button asChild variant="secondary">
                  <Link to="/imports/new">{t("contacts.importCsv")}</Link>
                </Button>
              </>
            ) : null}
            <details className="relative">
              <summary className="inline-flex h-10 cursor-pointer list-none items-center rounded-md bg-white px-4 text-sm font-medium text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50">
                {t("contacts.exportCsv")}
              </summary>
              <div className="absolute right-0 z-20 mt-1 w-64 rounded-md bg-white p-1 shadow-lg ring-1 ring-slate-200">
                <a href={exportHref("comma")} className="block rounded px-3 py-2 text-sm hover:bg-slate-100" download>
                  {t("contacts.export.comma")}
                </a>
                <a href={exportHref("semicolon")} className="block rounded px-3 py-2 text-sm hover:bg-slate-100" download>
                  {t("contacts.export.semicolon")}
                </a>
              </div>
            </details>
          </div>
        }
      />

      <Card className="mb-6">
        <Form method="get" action="/contacts" role="search" className="space-y-4">
          <ContactFilterFields values={data.values} errors={data.errors} tags={data.tags} segments={data.segments} fields={data.fields} onSearchChange={hydrated ? onSearchChange : undefined} collapsible />
          <div className="flex flex-wrap items-center gap-2">
            <Button type="submit">{t("contacts.filter.apply")}</Button>
            {data.filtered ? (
              <>
                <Button asChild variant="ghost">
                  <Link to="/contacts">{t("contacts.filter.clear")}</Link>
                </Button>
                {data.canWrite ? (
                  <Link to={`/contacts/segments/new?${data.filterQuery}`} className="text-sm font-medium text-brand-700 underline">
                    {t("contacts.filter.saveAsSegment")}
                  </Link>
                ) : null}
              </>
            ) : null}
          </div>
        </Form>
      </Card>

      <Card>
        {data.canWrite && data.contacts.length ? (
          <Form method="post" id={BULK_FORM_ID} className="mb-4 flex flex-wrap items-end gap-3 border-b border-slate-100 pb-4" aria-label={t("contacts.bulk.title")}>
            <input type="hidden" name="intent" value="bulk" />
            <input type="hidden" name="returnTo" value={location.search} />
            <div className="space-y-1">
              <label htmlFor="bulk-action" className="block text-xs font-medium uppercase text-slate-500">
                {t("contacts.bulk.title")}
              </label>
              <select id="bulk-action" name="action" defaultValue="" className="rounded-md border-0 py-1.5 pl-2 pr-8 text-sm ring-1 ring-slate-300">
                <option value="">{t("contacts.bulk.choose")}</option>
                {BULK_ACTIONS.map((bulkAction) => (
                  <option key={bulkAction} value={bulkAction}>
                    {t(`contacts.bulk.${bulkAction}` as MessageKey)}
                  </option>
                ))}
              </select>
              <FieldErrors id="bulk-action-error" errors={bulkError("action")} />
            </div>
            <div className="space-y-1">
              <label htmlFor="bulk-tag" className="block text-xs font-medium uppercase text-slate-500">
                {t("contacts.bulk.tag")}
              </label>
              <select id="bulk-tag" name="tagId" defaultValue="" className="rounded-md border-0 py-1.5 pl-2 pr-8 text-sm ring-1 ring-slate-300">
                <option value="">—</option>
                {data.tags.map((tag) => (
                  <option key={tag.id} value={tag.id}>
                    {tag.name}
                  </option>
                ))}
              </select>
              <FieldErrors id="bulk-tag-error" errors={bulkError("tagId")} />
            </div>
            <div className="space-y-1">
              <label className="flex items-center gap-2 py-1.5 text-sm text-slate-700">
                <input type="checkbox" name="confirm" value="yes" /> {t("contacts.bulk.confirmDelete")}
              </label>
              <FieldErrors id="bulk-confirm-error" errors={bulkError("confirm")} />
            </div>
            <Button type="submit" size="sm" variant="secondary">
              {t("contacts.bulk.apply")}
            </Button>
            {bulkErrors.contactIds ? <Alert kind="error">{errorText([bulkErrors.contactIds])}</Alert> : null}
          </Form>
        ) : null}
        <ContactTable
          contacts={[...data.contacts, ...loadMore.rows]}
          bulkFormId={data.canWrite ? BULK_FORM_ID : undefined}
          timezone={data.timezone}
          empty={t(data.filtered ? "contacts.emptyFiltered" : "contacts.empty")}
        />
        {hydrated ? <LoadMoreButton loadMore={loadMore} /> : null}
        <Pager prevHref={data.prevHref} nextHref={hydrated ? null : data.nextHref} />
      </Card>
    </>
  );
}
