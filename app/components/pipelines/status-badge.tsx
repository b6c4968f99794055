import { type MessageKey, useT } from "~/lib/i18n";
import { cn } from "../ui/cn";

const styles: Record<string, string> = {
  open: "bg-sky-50 text-sky-800 ring-sky-200",
  won: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  lost: "bg-slate-100 text-slate-700 ring-slate-300",
};

export function LeadStatusBadge({ status }: { status: string }) {
  const t = useT();
  return (
    <span className={cn("inline-flex items-center rounded px-1.5 py-0.5 text-xs font-medium ring-1", styles[status] ?? styles.open)} data-testid="lead-status">
      {t(`pipelines.status.${status}` as MessageKey)}
    </span>
  );
}
