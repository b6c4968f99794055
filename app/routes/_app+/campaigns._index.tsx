import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { CampaignStatusBadge } from "~/components/campaigns/status-badge";
import { Button } from "~/components/ui/button";
import { Card, PageHeader } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { useLocale, useT } from "~/lib/i18n";
import { requireOrg } from "~/modules/auth/guards.server";
import { listCampaigns } from "~/modules/campaigns/campaign-list.server";
import { permissions } from "~/modules/orgs/roles";

export const meta: MetaFunction = () => [{ title: "Campanhas · Master IA" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { org, role } = await requireOrg(request);
  const before = z.uuid().safeParse(new URL(request.url).searchParams.get("before")).data;
  const page = await listCampaigns(getDb(), org.id, { before });
  return json({ ...page, canManage: permissions.manageCampaigns(role), timezone: org.timezone });
}

export default function CampaignsPage() {
  const { campaigns, nextBefore, canManage, timezone } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const date = new Intl.DateTimeFormat(locale, { dateStyle: "short", timeStyle: "short", timeZone: timezone });
  const number = new Intl.NumberFormat(locale);
  return (
    <>
      <PageHeader
        title={t("campaigns.list.title")}
        description={t("campaigns.list.description")}
        actions={
          canManage ? (
            <Button asChild>
              <Link to="/campaigns/new">{t("campaigns.new.title")}</Link>
            </Button>
          ) : null
        }
      />
      <Card>
        {campaigns.length === 0 ? (
          <p className="text-sm text-slate-600">{t("campaigns.list.empty")}</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-xs uppercase text-slate-500">
                <tr>
                  <th className="py-2 pr-4">{t("campaigns.list.name")}</th>
                  <th className="py-2 pr-4">{t("campaigns.list.status")}</th>
                  <th className="hidden py-2 pr-4 sm:table-cell">{t("campaigns.list.channel")}</th>
                  <th className="py-2 pr-4 text-right">{t("campaigns.list.recipients")}</th>
                  <th className="py-2 pr-4 text-right">{t("campaigns.counter.sent")}</th>
                  <th className="hidden py-2 pr-4 text-right sm:table-cell">{t("campaigns.counter.delivered")}</th>
                  <th className="hidden py-2 pr-4 text-right sm:table-cell">{t("campaigns.counter.read")}</th>
                  <th className="py-2 pr-4 text-right">{t("campaigns.counter.failed")}</th>
                  <th className="hidden py-2 text-right sm:table-cell">{t("campaigns.counter.replied")}</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {campaigns.map((campaign) => (
                  <tr key={campaign.id} data-testid="campaign-row">
                    <td className="max-w-[16rem] py-2 pr-4">
                      <Link to={campaign.status === "draft" && canManage ? `/campaigns/${campaign.id}/edit` : `/campaigns/${campaign.id}`} className="font-medium text-brand-700 underline">
                        {campaign.name}
                      </Link>
                      <p className="text-xs text-slate-500">
                        {campaign.status === "scheduled" && campaign.scheduledAt
                          ? t("campaigns.list.scheduledFor", { date: date.format(new Date(campaign.scheduledAt)) })
                          : date.format(new Date(campaign.createdAt))}
                      </p>
                    </td>
                    <td className="py-2 pr-4">
                      <CampaignStatusBadge status={campaign.status} />
                    </td>
                    <td className="hidden py-2 pr-4 text-slate-600 sm:table-cell">{campaign.connectionName ?? "—"}</td>
                    <td className="py-2 pr-4 text-right tabular-nums">{number.format(campaign.stats.total)}</td>
                    <td className="py-2 pr-4 text-right tabular-nums">{number.format(campaign.stats.sent)}</td>
                    <td className="hidden py-2 pr-4 text-right tabular-nums sm:table-cell">{number.format(campaign.stats.delivered)}</td>
                    <td className="hidden py-2 pr-4 text-right tabular-nums sm:table-cell">{number.format(campaign.stats.read)}</td>
                    <td className="py-2 pr-4 text-right tabular-nums">{number.format(campaign.stats.failed)}</td>
                    <td className="hidden py-2 text-right tabular-nums sm:table-cell">{number.format(campaign.stats.replied)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {nextBefore ? (
          <Link to={`?before=${nextBefore}`} className="mt-4 inline-block text-sm font-medium text-brand-700 underline">
            {t("campaigns.list.older")}
          </Link>
        ) : null}
      </Card>
    </>
  );
}
