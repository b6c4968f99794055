import { cn } from "~/components/ui/cn";
import { type MessageKey, useT } from "~/lib/i18n";

const styles: Record<string, string> = {
  active: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  paused: "bg-amber-50 text-amber-800 ring-amber-200",
  archived: "bg-slate-100 text-slate-600 ring-slate-200",
  completed: "bg-sky-50 text-sky-800 ring-sky-200",
  exited: "bg-slate-100 text-slate-700 ring-slate-200",
};

/** A cadence (active, paused, archived) or an enrollment (active, completed, exited). */
export function CadenceStatusBadge({ status, kind = "cadence" }: { status: string; kind?: "cadence" | "enrollment" }) {
  const t = useT();
  return (
    <span className={cn("inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1", styles[status] ?? styles.archived)} data-testid={`${kind}-status`}>
      {t((kind === "cadence" ? `cadences.cadence.status.${status}` : `cadences.enrollment.badge.${status}`) as MessageKey)}
    </span>
  );
}
