import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { type MessageKey, useLocale, useT } from "~/lib/i18n";
import type { CampaignProgress } from "~/modules/campaigns/progress.server";
import { Card } from "../ui/card";

export type CampaignProgressView = CampaignProgress;

const COUNTERS = ["total", "pending", "sent", "delivered", "read", "failed", "skipped", "cancelled", "replied", "optedOut"] as const;

/**
 * Live events (the app shell revalidates on campaign.progress) drive the updates while JavaScript
 * runs; this slow poll only covers an event missed while the socket reconnected.
 */
function useSafetyPoll(ms: number, active: boolean) {
  const revalidator = useRevalidator();
  const latest = useRef(revalidator);
  useEffect(() => {
    latest.current = revalidator;
  });
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (latest.current.state === "idle") latest.current.revalidate();
    }, ms);
    return () => clearInterval(timer);
  }, [ms, active]);
}

export function CampaignProgressPanel({ progress, active }: { progress: CampaignProgressView; active: boolean }) {
  const t = useT();
  const number = new Intl.NumberFormat(useLocale());
  useSafetyPoll(5_000, active);
  const done = progress.total - progress.pending - progress.sending;
  const percent = progress.total > 0 ? Math.min(100, Math.round((done / progress.total) * 100)) : 0;
  return (
    <Card className="space-y-4" aria-live="polite">
      <h2 className="font-medium">{t("campaigns.detail.progress")}</h2>
      <div>
        <div
          role="progressbar"
          aria-label={t("campaigns.detail.progressLabel")}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          className="h-3 w-full overflow-hidden rounded-full bg-slate-200"
        >
          <div className="h-full rounded-full bg-brand-600 transition-[width] duration-500" style={{ width: `${percent}%` }} />
        </div>
        <p className="mt-1 text-sm text-slate-600" data-testid="campaign-processed">
          {t("campaigns.detail.processed", { done: number.format(done), total: number.format(progress.total) })}
        </p>
      </div>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-5">
        {COUNTERS.map((name) => (
          <div key={name} className="rounded-md bg-slate-50 px-3 py-2 ring-1 ring-slate-200">
            <dt className="text-xs text-slate-500">{t(`campaigns.counter.${name}` as MessageKey)}</dt>
            <dd className="text-lg font-semibold tabular-nums" data-testid={`campaign-${name}`}>
              {number.format(progress[name])}
            </dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}
