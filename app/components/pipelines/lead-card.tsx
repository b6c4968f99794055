import { Link } from "@remix-run/react";
import type { CSSProperties, ReactNode } from "react";
import { useT } from "~/lib/i18n";
import { cn } from "../ui/cn";
import { formatMoney, initials } from "./format";
import { MoveLeadForm, type StageOption } from "./move-lead-form";
import { LeadStatusBadge } from "./status-badge";

export type CardLead = { id: string; title: string; valueCents: number; status: string; ownerName: string | null; contactName: string | null };
export type Money = { currency: string; locale: string };

type Props = {
  lead: CardLead;
  money: Money;
  stageId: string;
  /** Writers get the "move to" form; null for viewers. */
  move: { stages: StageOption[]; returnTo: string } | null;
  /** The drag handle, when JavaScript is running. */
  handle?: ReactNode;
  nodeRef?: (node: HTMLElement | null) => void;
  style?: CSSProperties;
  dragging?: boolean;
  overlay?: boolean;
};

export function LeadCard({ lead, money, stageId, move, handle, nodeRef, style, dragging, overlay }: Props) {
  const t = useT();
  return (
    <li
      ref={nodeRef}
      style={style}
      data-testid="lead-card"
      className={cn("list-none rounded-md bg-white p-3 text-sm shadow-sm ring-1 ring-slate-200", dragging && "opacity-40", overlay && "shadow-lg ring-brand-600")}
    >
      <div className="flex items-start gap-2">
        {handle}
        <div className="min-w-0 flex-1">
          <Link to={`/leads/${lead.id}`} className="block truncate font-medium text-slate-900 hover:underline">
            {lead.title}
          </Link>
          {lead.contactName ? <p className="truncate text-xs text-slate-600">{lead.contactName}</p> : null}
          <div className="mt-2 flex items-center justify-between gap-2">
            <span className="font-medium tabular-nums text-slate-800">{formatMoney(lead.valueCents, money.currency, money.locale)}</span>
            <span className="flex items-center gap-1.5">
              <LeadStatusBadge status={lead.status} />
              <span
                className="inline-flex h-6 w-6 items-center justify-center rounded-full bg-slate-100 text-[10px] font-semibold text-slate-700"
                title={lead.ownerName ?? t("pipelines.owner.none")}
                aria-label={`${t("pipelines.lead.owner")}: ${lead.ownerName ?? t("pipelines.owner.none")}`}
              >
                {lead.ownerName ? initials(lead.ownerName) : "–"}
              </span>
            </span>
          </div>
        </div>
      </div>
      {move && !overlay ? (
        <details className="mt-2 text-xs">
          <summary className="cursor-pointer select-none text-slate-600 hover:text-slate-900">{t("pipelines.move.title")}</summary>
          <div className="mt-2">
            <MoveLeadForm leadId={lead.id} currentStageId={stageId} stages={move.stages} returnTo={move.returnTo} />
          </div>
        </details>
      ) : null}
    </li>
  );
}
