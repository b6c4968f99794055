import { type MessageKey, useT } from "~/lib/i18n";
import { cn } from "../ui/cn";

const COLORS: Record<string, string> = {
  connected: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  pending: "bg-amber-50 text-amber-800 ring-amber-200",
  qr: "bg-sky-50 text-sky-800 ring-sky-200",
  disconnected: "bg-slate-100 text-slate-700 ring-slate-300",
  logged_out: "bg-slate-100 text-slate-700 ring-slate-300",
  error: "bg-red-50 text-red-800 ring-red-200",
};

export function ConnectionStatusBadge({ status }: { status: string }) {
  const t = useT();
  return (
    <span className={cn("inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1", COLORS[status] ?? COLORS.disconnected)} data-testid="connection-status">
      {t(`channels.status.${status}` as MessageKey)}
    </span>
  );
}

export function kindLabelKey(kind: string): MessageKey {
  return `channels.kind.${kind}` as MessageKey;
}

/** A read-only value with a label, selectable for copying (works without JavaScript). */
export function CopyField({ id, label, value }: { id: string; label: string; value: string }) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <input id={id} readOnly value={value} className="w-full rounded-md bg-slate-50 px-3 py-2 font-mono text-xs ring-1 ring-slate-300" />
    </div>
  );
}
