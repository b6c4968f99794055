import { Form } from "@remix-run/react";
import { useT } from "~/lib/i18n";
import { Button } from "../ui/button";
import { FieldErrors } from "../ui/field";

type StageView = { id: string; name: string; color: string; leadCount: number };
type Props = {
  stage: StageView;
  first: boolean;
  last: boolean;
  others: StageView[];
  errors: { name?: string[]; color?: string[]; target?: string[] };
};

/** One stage in the pipeline settings: rename and recolor, move up or down, delete with a target for its leads. */
export function StageRow({ stage, first, last, others, errors }: Props) {
  const t = useT();
  const id = `stage-${stage.id}`;
  return (
    <li className="space-y-3 py-4" data-testid="stage-row" data-stage-id={stage.id}>
      <div className="flex flex-wrap items-end gap-2">
        <Form method="post" className="flex min-w-0 flex-1 flex-wrap items-end gap-2">
          <input type="hidden" name="intent" value="updateStage" />
          <input type="hidden" name="stageId" value={stage.id} />
          <div>
            <label htmlFor={`${id}-color`} className="sr-only">
              {t("pipelines.stage.colorOf", { name: stage.name })}
            </label>
            <input id={`${id}-color`} type="color" name="color" defaultValue={stage.color} className="h-9 w-12 rounded-md ring-1 ring-slate-300" />
          </div>
          <div className="min-w-40 flex-1">
            <label htmlFor={`${id}-name`} className="sr-only">
              {t("pipelines.stage.nameOf", { name: stage.name })}
            </label>
            <input
              id={`${id}-name`}
              name="name"
              required
              maxLength={80}
              defaultValue={stage.name}
              aria-invalid={errors.name?.length ? true : undefined}
              aria-describedby={errors.name?.length ? `${id}-name-error` : undefined}
              className="block w-full rounded-md border-0 px-3 py-2 text-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-600"
            />
            <FieldErrors id={`${id}-name-error`} errors={errors.name ?? errors.color} />
          </div>
          <Button type="submit" size="sm" variant="secondary">
            {t("pipelines.save")}
          </Button>
        </Form>
        <Form method="post" className="flex gap-1">
          <input type="hidden" name="intent" value="moveStage" />
          <input type="hidden" name="stageId" value={stage.id} />
          <Button type="submit" name="direction" value="up" size="sm" variant="ghost" disabled={first} aria-label={t("pipelines.stage.moveUp", { name: stage.name })}>
            ↑
          </Button>
          <Button type="submit" name="direction" value="down" size="sm" variant="ghost" disabled={last} aria-label={t("pipelines.stage.moveDown", { name: stage.name })}>
            ↓
          </Button>
        </Form>
      </div>
      <Form method="post" className="flex flex-wrap items-end gap-2 text-sm">
        <input type="hidden" name="intent" value="deleteStage" />
        <input type="hidden" name="stageId" value={stage.id} />
        <span className="text-slate-600">{t("pipelines.stage.leadCount", { count: stage.leadCount })}</span>
        {stage.leadCount > 0 ? (
          <>
            <label htmlFor={`${id}-target`} className="text-slate-600">
              {t("pipelines.stage.moveLeadsTo")}
            </label>
            <select id={`${id}-target`} name="targetStageId" className="rounded-md border-0 py-1 pl-2 pr-8 text-sm ring-1 ring-slate-300">
              {others.map((other) => (
                <option key={other.id} value={other.id}>
                  {other.name}
                </option>
              ))}
            </select>
          </>
        ) : null}
        <Button type="submit" size="sm" variant="danger" disabled={others.length === 0} aria-label={t("pipelines.stage.deleteNamed", { name: stage.name })}>
          {t("pipelines.stage.delete")}
        </Button>
        <FieldErrors id={`${id}-target-error`} errors={errors.target} />
      </Form>
    </li>
  );
}
