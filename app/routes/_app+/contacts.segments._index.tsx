import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useCountText } from "~/components/contacts/use-count-text";
import { Button } from "~/components/ui/button";
import { Card, PageHeader } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { useT } from "~/lib/i18n";
import { requireOrg } from "~/modules/auth/guards.server";
import { listSegmentsWithCounts } from "~/modules/contacts/segments.server";
import { permissions } from "~/modules/orgs/roles";

export const meta: MetaFunction = () => [{ title: "Segmentos · Master IA" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { org, role } = await requireOrg(request);
  const segments = await listSegmentsWithCounts(getDb(), org.id);
  return json({ segments: segments.map(({ id, name, contactCount }) => ({ id, name, contactCount })), canWrite: permissions.write(role) });
}

export default function SegmentsPage() {
  const { segments, canWrite } = useLoaderData<typeof loader>();
  const t = useT();
  const countText = useCountText();
  return (
    <>
      <PageHeader
        title={t("contacts.segments.title")}
        description={t("contacts.segments.help")}
        actions={
          canWrite ? (
            <Button asChild>
              <Link to="/contacts/segments/new">{t("contacts.segments.new")}</Link>
            </Button>
          ) : null
        }
      />
      <Card>
        {segments.length === 0 ? (
          <p className="text-sm text-slate-600">{t("contacts.segments.empty")}</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {segments.map((segment) => (
              <li key={segment.id} className="flex items-center justify-between gap-3 py-3" data-testid="segment-row">
                <Link to={`/contacts/segments/${segment.id}`} className="font-medium text-slate-900 hover:underline">
                  {segment.name}
                </Link>
                <span className="text-sm tabular-nums text-slate-600">{countText("contacts.count", segment.contactCount)}</span>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}
