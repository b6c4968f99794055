import { Form } from "@remix-run/react";
import { useT } from "~/lib/i18n";
import { Button } from "../ui/button";
import { FieldErrors } from "../ui/field";

export type TemplateOption = { id: string; name: string; language: string; category: string };
export type SelectedTemplate = TemplateOption & { bodyText: string; variables: string[] };

type Props = { templates: TemplateOption[]; selected: SelectedTemplate | null; windowOpen: boolean; errors?: string[] | null };

/** Approved WhatsApp templates: choosing one is a GET (works without JavaScript), sending it a POST with its variables. */
export function TemplatePicker({ templates, selected, windowOpen, errors }: Props) {
  const t = useT();
  return (
    <details open={!windowOpen || Boolean(selected)} className="border-t border-slate-200 bg-white px-3 py-2 text-sm" data-testid="template-picker">
      <summary className="cursor-pointer font-medium text-slate-700">{t("inbox.templates")}</summary>
      {templates.length === 0 ? (
        <p className="mt-2 text-slate-600">{t("inbox.noTemplates")}</p>
      ) : (
        <Form method="get" className="mt-2 flex flex-wrap items-center gap-2">
          <label htmlFor="template-choice" className="sr-only">
            {t("inbox.templates")}
          </label>
          <select id="template-choice" name="template" defaultValue={selected?.id ?? ""} className="min-w-0 flex-1 rounded-md border-0 py-1.5 pl-2 pr-7 text-sm ring-1 ring-slate-300">
            {templates.map((template) => (
              <option key={template.id} value={template.id}>
                {template.name} ({template.language}, {template.category})
              </option>
            ))}
          </select>
          <Button type="submit" size="sm" variant="secondary">
            {t("inbox.chooseTemplate")}
          </Button>
        </Form>
      )}
      {selected ? (
        <Form method="post" className="mt-3 space-y-2">
          <input type="hidden" name="intent" value="template" />
          <input type="hidden" name="templateId" value={selected.id} />
          <p className="whitespace-pre-wrap rounded bg-slate-50 p-2 text-slate-700">{selected.bodyText}</p>
          {selected.variables.map((variable, index) => (
            <div key={variable} className="space-y-1">
              <label htmlFor={`var${index + 1}`} className="block text-xs font-medium text-slate-700">{`{{${variable}}}`}</label>
              <input id={`var${index + 1}`} name={`var${index + 1}`} required maxLength={1024} className="block w-full rounded-md border-0 px-3 py-1.5 text-sm ring-1 ring-inset ring-slate-300" />
            </div>
          ))}
          <FieldErrors id="template-error" errors={errors} />
          <Button type="submit" size="sm">
            {t("inbox.sendTemplate")}
          </Button>
        </Form>
      ) : null}
    </details>
  );
}
