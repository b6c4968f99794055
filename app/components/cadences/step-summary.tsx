import { type MessageKey, useT } from "~/lib/i18n";

/** A step as the pages show it, with the names it points at already looked up by the loader. */
export type StepView =
  | { kind: "wait"; mode: "duration"; amount: number; unit: "seconds" | "minutes" | "hours" | "days" }
  | { kind: "wait"; mode: "business_hours" }
  | { kind: "send"; connectionId: string; connectionName: string | null; text: string }
  | { kind: "tag_add" | "tag_remove"; tagId: string; tagName: string | null }
  | { kind: "move_stage"; stageId: string; stageName: string | null }
  | { kind: "invalid"; storedKind: string };

/** One line that says what a step does, in the reader's language. */
export function StepSummary({ step }: { step: StepView }) {
  const t = useT();
  const missing = t("cadences.step.missing");
  switch (step.kind) {
    case "invalid":
      return <span className="text-red-700">{t("cadences.step.invalid")}</span>;
    case "wait":
      if (step.mode === "business_hours") return <span>{t("cadences.step.summary.waitBusinessHours")}</span>;
      return <span>{t("cadences.step.summary.wait", { duration: t(`cadences.unit.${step.unit}` as MessageKey, { count: step.amount }) })}</span>;
    case "send":
      return (
        <span>
          {t("cadences.step.summary.send", { connection: step.connectionName ?? missing })}
          <span className="mt-1 block whitespace-pre-wrap break-words rounded bg-slate-50 px-2 py-1 text-slate-700 [overflow-wrap:anywhere]">{step.text}</span>
        </span>
      );
    case "tag_add":
    case "tag_remove":
      return <span>{t(step.kind === "tag_add" ? "cadences.step.summary.tagAdd" : "cadences.step.summary.tagRemove", { tag: step.tagName ?? missing })}</span>;
    case "move_stage":
      return <span>{t("cadences.step.summary.moveStage", { stage: step.stageName ?? missing })}</span>;
  }
}

export function useStepKindLabel() {
  const t = useT();
  return (kind: string) => t(`cadences.kind.${kind}` as MessageKey);
}
