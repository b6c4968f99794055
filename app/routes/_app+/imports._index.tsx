import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { ImportStatusBadge } from "~/components/imports/status";
import { Button } from "~/components/ui/button";
import { Card, PageHeader } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { useLocale, useT } from "~/lib/i18n";
import { requireOrg } from "~/modules/auth/guards.server";
import { listImports } from "~/modules/imports/imports.server";
import { permissions } from "~/modules/orgs/roles";

export async function loader({ request }: LoaderFunctionArgs) {
  const { org, role } = await requireOrg(request);
  const before = z.uuid().safeParse(new URL(request.url).searchParams.get("before")).data;
  const page = await listImports(getDb(), org.id, { before });
  return json({ ...page, canImport: permissions.write(role) });
}

export default function ImportsPage() {
  const { imports, nextBefore, canImport } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const date = new Intl.DateTimeFormat(locale, { dateStyle: "short", timeStyle: "short" });
  const number = new Intl.NumberFormat(locale);
  return (
    <>
      <PageHeader
        title={t("imports.list.title")}
        description={t("imports.list.description")}
        actions={
          canImport ? (
            <Button asChild>
              <Link to="/imports/new">{t("imports.new.title")}</Link>
            </Button>
          ) : null
        }
      />
      <Card>
        {imports.length === 0 ? (
          <p className="text-sm text-slate-600">{t("imports.list.empty")}</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-xs uppercase text-slate-500">
                <tr>
                  <th className="py-2 pr-4">{t("imports.list.file")}</th>
                  <th className="py-2 pr-4">{t("common.created")}</th>
                  <th className="py-2 pr-4">{t("imports.list.status")}</th>
                  <th className="py-2 pr-4 text-right">{t("imports.report.created")}</th>
                  <th className="py-2 pr-4 text-right">{t("imports.report.updated")}</th>
                  <th className="py-2 pr-4 text-right">{t("imports.report.skipped")}</th>
                  <th className="py-2 text-right">{t("imports.report.errors")}</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {imports.map((upload) => (
                  <tr key={upload.id}>
                    <td className="max-w-[16rem] truncate py-2 pr-4">
                      <Link to={`/imports/${upload.id}`} className="font-medium text-brand-700 underline">
                        {upload.filename}
                      </Link>
                    </td>
                    <td className="whitespace-nowrap py-2 pr-4 text-slate-600">{date.format(new Date(upload.createdAt))}</td>
                    <td className="py-2 pr-4">
                      <ImportStatusBadge status={upload.status} />
                    </td>
                    <td className="py-2 pr-4 text-right tabular-nums">{number.format(upload.createdCount)}</td>
                    <td className="py-2 pr-4 text-right tabular-nums">{number.format(upload.updatedCount)}</td>
                    <td className="py-2 pr-4 text-right tabular-nums">{number.format(upload.skippedCount)}</td>
                    <td className="py-2 text-right tabular-nums">{number.format(upload.errorCount)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {nextBefore ? (
          <Link to={`?before=${nextBefore}`} className="mt-4 inline-block text-sm font-medium text-brand-700 underline">
            {t("imports.list.older")}
          </Link>
        ) : null}
      </Card>
    </>
  );
}
