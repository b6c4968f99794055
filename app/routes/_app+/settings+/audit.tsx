import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Card } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { useLocale, useT } from "~/lib/i18n";
import { requireSettingsManager } from "~/modules/auth/guards.server";
import { listAudit } from "~/modules/audit/audit.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { org } = await requireSettingsManager(request);
  return json({ entries: await listAudit(getDb(), org.id, 100) });
}

export default function AuditPage() {
  const { entries } = useLoaderData<typeof loader>();
  const t = useT();
  const date = new Intl.DateTimeFormat(useLocale(), { dateStyle: "short", timeStyle: "medium" });
  return (
    <Card>
      <h2 className="mb-3 font-medium">{t("settings.audit")}</h2>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <thead className="text-xs uppercase text-slate-500">
            <tr>
              <th className="py-2 pr-4">{t("common.created")}</th>
              <th className="py-2 pr-4">Actor</th>
              <th className="py-2 pr-4">Action</th>
              <th className="py-2">Target</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {entries.map((entry) => (
              <tr key={entry.id}>
                <td className="whitespace-nowrap py-2 pr-4 text-slate-600">{date.format(new Date(entry.created_at))}</td>
                <td className="py-2 pr-4">{entry.actor_name ?? entry.actor_type}</td>
                <td className="py-2 pr-4 font-mono text-xs">{entry.action}</td>
                <td className="py-2 font-mono text-xs text-slate-500">{entry.target_type ? `${entry.target_type}:${entry.target_id}` : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
