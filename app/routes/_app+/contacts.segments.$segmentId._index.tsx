import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ContactTable } from "~/components/contacts/contact-table";
import { useCountText } from "~/components/contacts/use-count-text";
import { LoadMoreButton, useLoadMore } from "~/components/contacts/load-more";
import { Pager } from "~/components/contacts/pager";
import { Button } from "~/components/ui/button";
import { Card, PageHeader } from "~/components/ui/card";
import { useHydrated } from "~/components/use-hydrated";
import { getDb } from "~/lib/db.server";
import { useT } from "~/lib/i18n";
import { notFound, requireOrg } from "~/modules/auth/guards.server";
import { countContacts } from "~/modules/contacts/contact-filter.server";
import { loadContactList } from "~/modules/contacts/contact-list.server";
import { requireId } from "~/modules/contacts/http.server";
import { findSegment } from "~/modules/contacts/segments.server";
import { permissions } from "~/modules/orgs/roles";

export const meta: MetaFunction = () => [{ title: "Segmento · Master IA" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { org, role } = await requireOrg(request);
  const segmentId = requireId(params.segmentId, "Segment not found");
  const db = getDb();
  const segment = await findSegment(db, org.id, segmentId);
  if (!segment) notFound("Segment not found");
  const filter = { segmentId };
  const [list, total] = await Promise.all([loadContactList(db, org, filter, new URL(request.url)), countContacts(db, org.id, filter)]);
  return json({ segment: { id: segment.id, name: segment.name }, ...list, total, canWrite: permissions.write(role), timezone: org.timezone });
}

export default function SegmentPage() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const countText = useCountText();
  const hydrated = useHydrated();
  const loadMore = useLoadMore(data);
  const { segment } = data;
  return (
    <>
      <PageHeader
        title={segment.name}
        description={<span data-testid="segment-total">{countText("contacts.count", data.total)}</span>}
        actions={
          <div className="flex flex-wrap gap-2">
            {data.canWrite ? (
              <Button asChild variant="secondary">
                <Link to={`/contacts/segments/${segment.id}/edit`}>{t("contacts.segments.edit")}</Link>
              </Button>
            ) : null}
            <Button asChild variant="secondary">
              <Link to={`/contacts?segment=${segment.id}`}>{t("contacts.segments.openInList")}</Link>
            </Button>
            {data.canWrite ? (
              <Button asChild variant="secondary">
                <a href={`/contacts/export.csv?segment=${segment.id}`} download>
                  {t("contacts.exportCsv")}
                </a>
              </Button>
            ) : null}
          </div>
        }
      />
      <Card>
        <ContactTable contacts={[...data.contacts, ...loadMore.rows]} timezone={data.timezone} empty={t("contacts.segments.noContacts")} />
        {hydrated ? <LoadMoreButton loadMore={loadMore} /> : null}
        <Pager prevHref={data.prevHref} nextHref={hydrated ? null : data.nextHref} />
      </Card>
    </>
  );
}
