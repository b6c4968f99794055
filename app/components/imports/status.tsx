import { type MessageKey, useLocale, useT } from "~/lib/i18n";
import { cn } from "../ui/cn";

export type ImportStatusName = "uploading" | "uploaded" | "queued" | "running" | "completed" | "failed";

const styles: Record<ImportStatusName, string> = {
  uploading: "bg-slate-100 text-slate-700",
  uploaded: "bg-sky-100 text-sky-800",
  queued: "bg-amber-100 text-amber-800",
  running: "bg-amber-100 text-amber-800",
  completed: "bg-emerald-100 text-emerald-800",
  failed: "bg-red-100 text-red-800",
};

export function ImportStatusBadge({ status }: { status: ImportStatusName }) {
  const t = useT();
  return (
    <span className={cn("inline-flex rounded-full px-2 py-0.5 text-xs font-medium", styles[status])} data-testid="import-status" data-status={status}>
      {t(`imports.status.${status}` as MessageKey)}
    </span>
  );
}

/** A determinate bar when the total is known; the total is an estimate until the job finishes. */
export function ImportProgress({ processed, total, label }: { processed: number; total: number; label: string }) {
  const number = new Intl.NumberFormat(useLocale());
  const percent = total > 0 ? Math.min(100, Math.round((processed / total) * 100)) : 0;
  return (
    <div>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        className="h-3 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <div className="h-full rounded-full bg-brand-600 transition-[width] duration-500" style={{ width: `${percent}%` }} />
      </div>
      <p className="mt-1 text-sm text-slate-600">
        {number.format(processed)} / {number.format(total)} ({percent}%)
      </p>
    </div>
  );
}
