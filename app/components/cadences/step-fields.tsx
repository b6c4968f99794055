import { InputField, SelectField } from "~/components/ui/field";
import { useErrorText } from "~/components/use-field-errors";
import { type MessageKey, useT } from "~/lib/i18n";
import type { StepView } from "./step-summary";

export type StepOptions = {
  connections: Array<{ id: string; name: string; kind: string }>;
  tags: Array<{ id: string; name: string }>;
  stages: Array<{ id: string; name: string; pipelineName: string }>;
};

const UNITS = ["seconds", "minutes", "hours", "days"] as const;

/** The fields of one kind of step, for the add and edit forms (plain inputs: they work without JavaScript). */
export function StepFields({ kind, idPrefix, current, options, errors }: { kind: string; idPrefix: string; current?: StepView; options: StepOptions; errors?: Record<string, string[]> }) {
  const t = useT();
  const errorText = useErrorText();
  const id = (name: string) => `${idPrefix}-${name}`;
  switch (kind) {
    case "wait": {
      const wait = current?.kind === "wait" ? current : undefined;
      return (
        <div className="grid gap-3 sm:grid-cols-3">
          <SelectField id={id("mode")} name="mode" label={t("cadences.step.waitMode")} defaultValue={wait?.mode ?? "duration"}>
            <option value="duration">{t("cadences.step.waitDuration")}</option>
            <option value="business_hours">{t("cadences.step.waitBusinessHours")}</option>
          </SelectField>
          <InputField id={id("amount")} name="amount" type="number" min={1} label={t("cadences.step.amount")} defaultValue={wait?.mode === "duration" ? wait.amount : 1} errors={errorText(errors?.amount)} />
          <SelectField id={id("unit")} name="unit" label={t("cadences.step.unit")} defaultValue={wait?.mode === "duration" ? wait.unit : "hours"}>
            {UNITS.map((unit) => (
              <option key={unit} value={unit}>
                {t(`cadences.unitName.${unit}` as MessageKey)}
              </option>
            ))}
          </SelectField>
        </div>
      );
    }
    case "send": {
      const send = current?.kind === "send" ? current : undefined;
      return (
        <div className="space-y-3">
          <SelectField id={id("connection")} name="connectionId" label={t("cadences.step.connection")} defaultValue={send?.connectionId ?? ""} required errors={errorText(errors?.connectionId)}>
            <option value="" disabled>
              {t("cadences.step.chooseConnection")}
            </option>
            {options.connections.map((connection) => (
              <option key={connection.id} value={connection.id}>
                {connection.name}
              </option>
            ))}
          </SelectField>
          <div className="space-y-1">
            <label htmlFor={id("text")} className="block text-sm font-medium text-slate-700">
              {t("cadences.step.text")}
            </label>
            <textarea
              id={id("text")}
              name="text"
              rows={3}
              required
              maxLength={4000}
              defaultValue={send?.text ?? ""}
              aria-invalid={errors?.text ? true : undefined}
              className="block w-full rounded-md border-0 px-3 py-2 text-sm ring-1 ring-slate-300"
            />
            <p className="text-xs text-slate-500">{t("cadences.step.textHint")}</p>
            {errors?.text ? (
              <p className="text-sm text-red-700" role="alert">
                {errorText(errors.text)?.join(" ")}
              </p>
            ) : null}
          </div>
        </div>
      );
    }
    case "tag_add":
    case "tag_remove": {
      const tag = current?.kind === "tag_add" || current?.kind === "tag_remove" ? current : undefined;
      return (
        <SelectField id={id("tag")} name="tagId" label={t("cadences.step.tag")} defaultValue={tag?.tagId ?? ""} required errors={errorText(errors?.tagId)}>
          <option value="" disabled>
            {t("cadences.step.chooseTag")}
          </option>
          {options.tags.map((item) => (
            <option key={item.id} value={item.id}>
              {item.name}
            </option>
          ))}
        </SelectField>
      );
    }
    case "move_stage": {
      const move = current?.kind === "move_stage" ? current : undefined;
      return (
        <SelectField id={id("stage")} name="stageId" label={t("cadences.step.stage")} defaultValue={move?.stageId ?? ""} required errors={errorText(errors?.stageId)}>
          <option value="" disabled>
            {t("cadences.step.chooseStage")}
          </option>
          {options.stages.map((stage) => (
            <option key={stage.id} value={stage.id}>
              {stage.pipelineName} › {stage.name}
            </option>
          ))}
        </SelectField>
      );
    }
    default:
      return null;
  }
}
