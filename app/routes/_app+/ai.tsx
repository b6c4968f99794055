import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AiModeBadge, toModeView } from "~/components/ai/ai-mode-badge";
import { Alert, Card, PageHeader } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { type MessageKey, useLocale, useT } from "~/lib/i18n";
import { getAiMode } from "~/modules/ai/runtime.server";
import { getMonthUsage, listRecentRuns } from "~/modules/ai/usage.server";
import { requireOrg } from "~/modules/auth/guards.server";
import { permissions } from "~/modules/orgs/roles";

export const meta: MetaFunction = () => [{ title: "IA · Master IA" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { org, role } = await requireOrg(request);
  const db = getDb();
  const [mode, usage, runs] = await Promise.all([getAiMode(db, org.id), getMonthUsage(db, org.id), listRecentRuns(db, org.id, 15)]);
  return json({ mode: toModeView(mode), usage, runs, canManage: permissions.manageSettings(role), timezone: org.timezone });
}

export default function AiOverviewPage() {
  const { mode, usage, runs, canManage, timezone } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const number = new Intl.NumberFormat(locale);
  const money = new Intl.NumberFormat(locale, { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: 4 });
  const day = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: timezone });
  const when = new Intl.DateTimeFormat(locale, { dateStyle: "short", timeStyle: "short", timeZone: timezone });
  const percent = usage.budgetMicros ? Math.min(100, Math.round((100 * usage.costMicros) / usage.budgetMicros)) : null;
  const links: Array<{ to: string; label: MessageKey; hint: MessageKey; show: boolean }> = [
    { to: "/ai/knowledge", label: "ai.links.knowledge", hint: "ai.links.knowledgeHint", show: true },
    { to: "/ai/personas", label: "ai.links.personas", hint: "ai.links.personasHint", show: true },
    { to: "/settings/ai", label: "ai.links.settings", hint: "ai.links.settingsHint", show: canManage },
  ];
  return (
    <div className="max-w-4xl space-y-4">
      <PageHeader title={t("ai.title")} description={t("ai.description")} />
      <Card>
        <AiModeBadge mode={mode} detailed />
      </Card>
      {usage.budgetReached ? (
        <div data-testid="ai-budget-reached">
          <Alert kind="error">{t("ai.usage.budgetReached", { date: day.format(new Date(usage.nextMonthStart)) })}</Alert>
        </div>
      ) : null}
      <Card>
        <h2 className="mb-3 font-medium">{t("ai.usage.title")}</h2>
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4" data-testid="ai-usage">
          <Stat label={t("ai.usage.runs")} value={number.format(usage.runs)} note={usage.failedRuns ? `${number.format(usage.failedRuns)} ${t("ai.usage.failed")}` : undefined} />
          <Stat label={t("ai.usage.tokens")} value={number.format(usage.promptTokens + usage.completionTokens)} />
          <Stat label={t("ai.usage.cost")} value={money.format(usage.costMicros / 1e6)} />
          <Stat
            label={t("ai.usage.budget")}
            value={usage.budgetMicros === null ? t("ai.usage.noBudget") : money.format(usage.budgetMicros / 1e6)}
            note={percent === null ? undefined : t("ai.usage.ofBudget", { percent })}
          />
        </dl>
        {percent !== null ? (
          <div className="mt-3 h-2 overflow-hidden rounded-full bg-slate-100" role="progressbar" aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100} aria-label={t("ai.usage.budget")}>
            <div className={percent >= 100 ? "h-full bg-red-500" : percent >= 80 ? "h-full bg-amber-500" : "h-full bg-emerald-500"} style={{ width: `${percent}%` }} />
          </div>
        ) : null}
      </Card>
      <ul className="grid gap-3 sm:grid-cols-3">
        {links
          .filter((link) => link.show)
          .map((link) => (
            <li key={link.to}>
              <Link to={link.to} className="block h-full rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 hover:ring-brand-300">
                <span className="font-medium text-brand-700">{t(link.label)}</span>
                <span className="mt-1 block text-sm text-slate-600">{t(link.hint)}</span>
              </Link>
            </li>
          ))}
      </ul>
      <Card>
        <h2 className="mb-3 font-medium">{t("ai.usage.recent")}</h2>
        {runs.length === 0 ? (
          <p className="text-sm text-slate-600">{t("ai.usage.none")}</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-xs text-slate-500">
                <tr>
                  <th className="py-1 pr-3 font-medium">{t("ai.usage.when")}</th>
                  <th className="py-1 pr-3 font-medium">{t("ai.usage.purpose")}</th>
                  <th className="py-1 pr-3 font-medium">{t("ai.usage.model")}</th>
                  <th className="py-1 pr-3 text-right font-medium">{t("ai.usage.tokens")}</th>
                  <th className="py-1 pr-3 text-right font-medium">{t("ai.usage.latency")}</th>
                  <th className="py-1 font-medium">{t("ai.usage.status")}</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {runs.map((run) => (
                  <tr key={run.id}>
                    <td className="whitespace-nowrap py-1.5 pr-3 text-slate-600">{when.format(new Date(run.createdAt))}</td>
                    <td className="py-1.5 pr-3 font-mono text-xs">{run.purpose}</td>
                    <td className="py-1.5 pr-3 font-mono text-xs">{run.model}</td>
                    <td className="py-1.5 pr-3 text-right tabular-nums">{number.format(run.tokens)}</td>
                    <td className="py-1.5 pr-3 text-right tabular-nums">{number.format(run.latencyMs)} ms</td>
                    <td className={run.status === "ok" ? "py-1.5 text-emerald-700" : "py-1.5 text-red-700"}>{t(`ai.run.${run.status}` as MessageKey)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}

function Stat({ label, value, note }: { label: string; value: string; note?: string }) {
  return (
    <div className="rounded-md bg-slate-50 px-3 py-2 ring-1 ring-slate-200">
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="text-lg font-semibold tabular-nums">{value}</dd>
      {note ? <dd className="text-xs text-slate-500">{note}</dd> : null}
    </div>
  );
}
