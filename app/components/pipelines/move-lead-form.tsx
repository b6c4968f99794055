import { Form } from "@remix-run/react";
import { useT } from "~/lib/i18n";

export type StageOption = { id: string; name: string };

// Every card renders one of these, so the markup is kept lean: a board page can hold hundreds.
const selectClass = "mt-0.5 block w-full rounded-md border-0 py-1 pl-2 pr-7 text-sm text-slate-900 ring-1 ring-slate-300";

/** "Move to": a stage and top/bottom. The board's JavaScript-free way to move a lead (and the lead page's). */
export function MoveLeadForm({ leadId, currentStageId, stages, returnTo }: { leadId: string; currentStageId: string; stages: StageOption[]; returnTo: string }) {
  const t = useT();
  return (
    <Form method="post" action={`/leads/${leadId}/move`} className="grid grid-cols-[1fr_auto] items-end gap-2 text-xs font-medium text-slate-600" data-testid="move-lead-form">
      <input type="hidden" name="returnTo" value={returnTo} />
      <label className="col-span-2">
        {t("pipelines.move.stage")}
        <select name="toStageId" defaultValue={currentStageId} className={selectClass}>
          {stages.map((stage) => (
            <option key={stage.id} value={stage.id}>
              {stage.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t("pipelines.move.placement")}
        <select name="placement" defaultValue="top" className={selectClass}>
          <option value="top">{t("pipelines.move.top")}</option>
          <option value="bottom">{t("pipelines.move.bottom")}</option>
        </select>
      </label>
      <button type="submit" className="h-8 rounded-md bg-white px-3 text-sm text-slate-800 ring-1 ring-slate-300 hover:bg-slate-50">
        {t("pipelines.move.submit")}
      </button>
    </Form>
  );
}
