import { type MessageKey, useT } from "~/lib/i18n";
import { cn } from "../ui/cn";

const styles: Record<string, string> = {
  draft: "bg-slate-100 text-slate-700",
  scheduled: "bg-sky-100 text-sky-800",
  running: "bg-amber-100 text-amber-800",
  paused: "bg-orange-100 text-orange-800",
  completed: "bg-emerald-100 text-emerald-800",
  cancelled: "bg-red-100 text-red-800",
};

export function CampaignStatusBadge({ status }: { status: string }) {
  const t = useT();
  return (
    <span className={cn("inline-flex rounded-full px-2 py-0.5 text-xs font-medium", styles[status] ?? styles.draft)} data-testid="campaign-status" data-status={status}>
      {t(`campaigns.status.${status}` as MessageKey)}
    </span>
  );
}
