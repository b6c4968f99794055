import { Form, Link, useNavigation } from "@remix-run/react";
import { type MessageKey, useLocale, useT } from "~/lib/i18n";
import { Button } from "../ui/button";
import { Alert, Card } from "../ui/card";
import { FieldErrors, InputField } from "../ui/field";
import { useErrorText } from "../use-field-errors";

type Upload = { id: string; sizeBytes: number; encoding: string | null; delimiter: string | null; headers: string[]; totalRows: number };
type Mapping = {
  preview: string[][];
  guesses: string[];
  customFields: Array<{ key: string; label: string }>;
  tags: Array<{ id: string; name: string; color: string }>;
  earlier: { id: string; createdAt: string } | null;
};
type Values = { columns: string[]; onExisting: string; tagIds: string[]; newTag: string };

const BUILT_IN: Array<{ value: string; label: MessageKey }> = [
  { value: "ignore", label: "imports.target.ignore" },
  { value: "name", label: "imports.target.name" },
  { value: "firstName", label: "imports.target.firstName" },
  { value: "lastName", label: "imports.target.lastName" },
  { value: "phone", label: "imports.target.phone" },
  { value: "email", label: "imports.target.email" },
  { value: "tags", label: "imports.target.tags" },
];

const DELIMITER_NAMES: Record<string, MessageKey> = { ",": "imports.delimiter.comma", ";": "imports.delimiter.semicolon", "\t": "imports.delimiter.tab" };

/** Step 2: where each column goes, what to do with phones already in the CRM, and which tags to add. Plain selects: works without JavaScript. */
export function ImportMappingForm({ upload, mapping, fieldErrors, values }: { upload: Upload; mapping: Mapping; fieldErrors?: Record<string, string[]>; values?: Values }) {
  const t = useT();
  const locale = useLocale();
  const errorText = useErrorText();
  const navigation = useNavigation();
  const columnName = (index: number) => upload.headers[index] || t("imports.mapping.unnamedColumn", { n: index + 1 });
  const selected = (index: number) => values?.columns[index] ?? mapping.guesses[index] ?? "ignore";
  const checkedTags = new Set(values?.tagIds ?? []);
  const number = new Intl.NumberFormat(locale);
  const size =
    upload.sizeBytes < 1024 * 1024
      ? `${new Intl.NumberFormat(locale).format(Math.max(1, Math.round(upload.sizeBytes / 1024)))} KB`
      : `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(upload.sizeBytes / 1024 / 1024)} MB`;

  return (
    <Form method="post" className="space-y-6">
      <input type="hidden" name="intent" value="start" />
      <Card className="space-y-3">
        <h2 className="font-medium">{t("imports.mapping.title")}</h2>
        <p className="text-sm text-slate-600" data-testid="import-file-facts">
          {t("imports.mapping.facts", {
            rows: number.format(upload.totalRows),
            size,
            encoding: upload.encoding === "windows-1252" ? "Latin-1 (Windows-1252)" : "UTF-8",
            delimiter: t(DELIMITER_NAMES[upload.delimiter ?? ","] ?? "imports.delimiter.comma"),
          })}
        </p>
        {mapping.earlier ? (
          <Alert kind="info">
            {t("imports.mapping.sameFile", { date: new Intl.DateTimeFormat(locale, { dateStyle: "short", timeStyle: "short" }).format(new Date(mapping.earlier.createdAt)) })}{" "}
            <Link to={`/imports/${mapping.earlier.id}`} className="underline">
              {t("imports.mapping.sameFileLink")}
            </Link>
          </Alert>
        ) : null}
        <FieldErrors id="columns-error" errors={errorText(fieldErrors?.columns)} />
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase text-slate-500">
              <tr>
                <th className="py-2 pr-4">{t("imports.mapping.column")}</th>
                <th className="py-2 pr-4">{t("imports.mapping.examples")}</th>
                <th className="py-2">{t("imports.mapping.target")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {upload.headers.map((_, index) => {
                const errors = errorText(fieldErrors?.[`columns.${index}`]);
                const examples = mapping.preview.map((row) => row[index]?.trim() ?? "").filter(Boolean).slice(0, 3);
                return (
                  <tr key={index}>
                    <td className="py-2 pr-4 align-top font-medium">
                      <label htmlFor={`column-${index}`}>{columnName(index)}</label>
                    </td>
                    <td className="max-w-[18rem] py-2 pr-4 align-top text-slate-600">
                      {examples.length ? examples.map((example, row) => <div key={row} className="truncate">{example}</div>) : <span className="text-slate-400">—</span>}
                    </td>
                    <td className="py-2 align-top">
                      <select
                        id={`column-${index}`}
                        name={`column${index}`}
                        defaultValue={selected(index)}
                        aria-invalid={errors?.length ? true : undefined}
                        aria-describedby={errors?.length ? `column-${index}-error` : undefined}
                        className="block w-full min-w-[12rem] rounded-md border-0 bg-white px-3 py-2 text-sm shadow-sm ring-1 ring-inset ring-slate-300"
                      >
                        {BUILT_IN.map((option) => (
                          <option key={option.value} value={option.value}>
                            {t(option.label)}
                          </option>
                        ))}
                        {mapping.customFields.length ? (
                          <optgroup label={t("imports.target.customFields")}>
                            {mapping.customFields.map((field) => (
                              <option key={field.key} value={`custom:${field.key}`}>
                                {field.label}
                              </option>
                            ))}
                          </optgroup>
                        ) : null}
                        <option value="newField">{t("imports.target.newField")}</option>
                      </select>
                      <FieldErrors id={`column-${index}-error`} errors={errors} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <p className="text-xs text-slate-500">{t("imports.mapping.phoneHint")}</p>
      </Card>

      <Card className="space-y-2">
        <h2 className="font-medium">{t("imports.mapping.preview")}</h2>
        <div className="overflow-x-auto">
          <table className="w-full text-left text-xs" data-testid="import-preview">
            <thead className="text-slate-500">
              <tr>
                {upload.headers.map((_, index) => (
                  <th key={index} className="whitespace-nowrap py-1 pr-3">
                    {columnName(index)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {mapping.preview.map((row, rowIndex) => (
                <tr key={rowIndex}>
                  {upload.headers.map((_, index) => (
                    <td key={index} className="max-w-[14rem] truncate whitespace-pre-line py-1 pr-3">
                      {row[index] ?? ""}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>

      <Card className="space-y-4">
        <fieldset className="space-y-2">
          <legend className="font-medium">{t("imports.mapping.existing")}</legend>
          {(["update", "skip"] as const).map((choice) => (
            <label key={choice} className="flex items-start gap-2 text-sm">
              <input type="radio" name="onExisting" value={choice} defaultChecked={(values?.onExisting || "update") === choice} className="mt-0.5" />
              <span>{t(`imports.mapping.existing.${choice}`)}</span>
            </label>
          ))}
          <FieldErrors id="onExisting-error" errors={errorText(fieldErrors?.onExisting)} />
        </fieldset>

        <fieldset className="space-y-2">
          <legend className="font-medium">{t("imports.mapping.tags")}</legend>
          <p className="text-xs text-slate-500">{t("imports.mapping.tagsHint")}</p>
          {mapping.tags.length ? (
            <div className="flex flex-wrap gap-3">
              {mapping.tags.map((tag) => (
                <label key={tag.id} className="inline-flex items-center gap-1.5 text-sm">
                  <input type="checkbox" name="tagId" value={tag.id} defaultChecked={checkedTags.has(tag.id)} />
                  <span aria-hidden="true" className="h-2.5 w-2.5 rounded-full" style={{ backgroundColor: tag.color }} />
                  {tag.name}
                </label>
              ))}
            </div>
          ) : null}
          <FieldErrors id="tagIds-error" errors={errorText(fieldErrors?.tagIds)} />
          <div className="max-w-sm">
            <InputField id="import-new-tag" name="newTag" maxLength={50} defaultValue={values?.newTag} label={t("imports.mapping.newTag")} errors={errorText(fieldErrors?.newTag)} />
          </div>
        </fieldset>
      </Card>

      <Button type="submit" disabled={navigation.state === "submitting"}>
        {t("imports.mapping.submit")}
      </Button>
    </Form>
  );
}
