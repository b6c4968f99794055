import type { ChangeEvent } from "react";
import { type MessageKey, useT } from "~/lib/i18n";
import { FieldErrors } from "../ui/field";
import { useErrorText } from "../use-field-errors";
import { TagChip } from "./tag-chip";

// The inputs of a contact filter (param names as in app/modules/contacts/contact-filter.ts FILTER_PARAM),
// placed inside a GET form on the list or a POST form in the segment builder.

type FieldDefinition = { key: string; label: string; type: "text" | "number" | "date" | "select"; options: string[] };

type Props = {
  /** Current values by param name (repeated params as arrays). */
  values: Record<string, string[]>;
  /** Message keys by param name. */
  errors?: Record<string, string>;
  tags: Array<{ id: string; name: string; color: string }>;
  /** Offered on the list; a segment cannot contain another segment. */
  segments?: Array<{ id: string; name: string }>;
  fields: FieldDefinition[];
  onSearchChange?: (event: ChangeEvent<HTMLInputElement>) => void;
  /** Tucks everything but the search box under "More filters" (opened when one of them is in use). */
  collapsible?: boolean;
};

const OPERATORS: Record<FieldDefinition["type"], string[]> = {
  text: ["eq", "contains", "is_set"],
  number: ["eq", "gt", "lt"],
  date: ["before", "after", "on"],
  select: ["eq", "in"],
};

const controlBase = "block rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-600";
const controlClass = `${controlBase} w-full`;

export function ContactFilterFields({ values, errors = {}, tags, segments, fields, onSearchChange, collapsible }: Props) {
  const t = useT();
  const errorText = useErrorText();
  const first = (name: string) => values[name]?.[0] ?? "";
  const has = (name: string, value: string) => values[name]?.includes(value) ?? false;
  const fieldErrors = (name: string) => errorText(errors[name] ? [errors[name]] : undefined);
  const tagFilterActive = Boolean(values.tag?.length || values.notTag?.length);
  const customActive = fields.some((field) => first(`cf.${field.key}.op`));
  const moreActive = tagFilterActive || customActive || ["segment", "optedOut", "from", "to"].some((name) => first(name)) || Object.keys(errors).some((name) => name !== "q");

  const more = (
    <>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {segments ? (
          <div className="space-y-1">
            <label htmlFor="filter-segment" className="block text-sm font-medium text-slate-700">
              {t("contacts.segment")}
            </label>
            <select id="filter-segment" name="segment" defaultValue={first("segment")} className={controlClass}>
              <option value="">{t("contacts.filter.anySegment")}</option>
              {segments.map((segment) => (
                <option key={segment.id} value={segment.id}>
                  {segment.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div className="space-y-1">
          <label htmlFor="filter-opted-out" className="block text-sm font-medium text-slate-700">
            {t("contacts.optOut")}
          </label>
          <select id="filter-opted-out" name="optedOut" defaultValue={first("optedOut")} className={controlClass}>
            <option value="">{t("contacts.filter.optedOutAny")}</option>
            <option value="no">{t("contacts.filter.optedOutNo")}</option>
            <option value="yes">{t("contacts.filter.optedOutYes")}</option>
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor="filter-from" className="block text-sm font-medium text-slate-700">
            {t("contacts.filter.createdFrom")}
          </label>
          <input id="filter-from" type="date" name="from" defaultValue={first("from")} className={controlClass} />
          <FieldErrors id="filter-from-error" errors={fieldErrors("from")} />
        </div>
        <div className="space-y-1">
          <label htmlFor="filter-to" className="block text-sm font-medium text-slate-700">
            {t("contacts.filter.createdTo")}
          </label>
          <input id="filter-to" type="date" name="to" defaultValue={first("to")} className={controlClass} />
          <FieldErrors id="filter-to-error" errors={fieldErrors("to")} />
        </div>
      </div>

      {tags.length ? (
        <details open={tagFilterActive} className="rounded-md ring-1 ring-slate-200">
          <summary className="cursor-pointer px-3 py-2 text-sm font-medium text-slate-700">{t("contacts.tags")}</summary>
          <div className="space-y-3 px-3 pb-3">
            <fieldset>
              <legend className="text-xs font-medium uppercase text-slate-500">{t("contacts.filter.withTags")}</legend>
              <div className="mt-1 flex flex-wrap gap-2">
                {tags.map((tag) => (
                  <label key={tag.id} className="inline-flex items-center gap-1">
                    <input type="checkbox" name="tag" value={tag.id} defaultChecked={has("tag", tag.id)} />
                    <TagChip tag={tag} />
                  </label>
                ))}
              </div>
              <div className="mt-2 flex gap-4 text-sm">
                <label className="inline-flex items-center gap-1">
                  <input type="radio" name="tagMode" value="any" defaultChecked={first("tagMode") !== "all"} /> {t("contacts.filter.tagAny")}
                </label>
                <label className="inline-flex items-center gap-1">
                  <input type="radio" name="tagMode" value="all" defaultChecked={first("tagMode") === "all"} /> {t("contacts.filter.tagAll")}
                </label>
              </div>
            </fieldset>
            <fieldset>
              <legend className="text-xs font-medium uppercase text-slate-500">{t("contacts.filter.withoutTags")}</legend>
              <div className="mt-1 flex flex-wrap gap-2">
                {tags.map((tag) => (
                  <label key={tag.id} className="inline-flex items-center gap-1">
                    <input type="checkbox" name="notTag" value={tag.id} defaultChecked={has("notTag", tag.id)} aria-label={t("contacts.filter.withoutTag", { tag: tag.name })} />
                    <TagChip tag={tag} />
                  </label>
                ))}
              </div>
            </fieldset>
          </div>
        </details>
      ) : null}

      {fields.length ? (
        <details open={customActive} className="rounded-md ring-1 ring-slate-200">
          <summary className="cursor-pointer px-3 py-2 text-sm font-medium text-slate-700">{t("contacts.fields.title")}</summary>
          <div className="grid gap-3 px-3 pb-3 sm:grid-cols-2">
            {fields.map((field) => {
              const op = `cf.${field.key}.op`;
              const value = `cf.${field.key}.value`;
              return (
                <fieldset key={field.key} className="space-y-1">
                  <legend className="text-sm font-medium text-slate-700">{field.label}</legend>
                  <div className="flex gap-2">
                    <select
                      name={op}
                      defaultValue={first(op)}
                      aria-label={t("contacts.filter.operator", { field: field.label })}
                      className={`${controlBase} w-40 shrink-0 self-start`}
                    >
                      <option value="">{t("contacts.filter.ignore")}</option>
                      {OPERATORS[field.type].map((operator) => (
                        <option key={operator} value={operator}>
                          {t(`contacts.op.${operator}` as MessageKey)}
                        </option>
                      ))}
                    </select>
                    {field.type === "select" ? (
                      <select
                        name={value}
                        multiple
                        size={Math.min(4, Math.max(2, field.options.length))}
                        defaultValue={values[value] ?? []}
                        aria-label={t("contacts.filter.value", { field: field.label })}
                        className={`${controlBase} min-w-0 flex-1`}
                      >
                        {field.options.map((option) => (
                          <option key={option} value={option}>
                            {option}
                          </option>
                        ))}
                      </select>
                    ) : (
                      <input
                        name={value}
                        type={field.type === "date" ? "date" : "text"}
                        inputMode={field.type === "number" ? "decimal" : undefined}
                        defaultValue={first(value)}
                        aria-label={t("contacts.filter.value", { field: field.label })}
                        className={`${controlBase} min-w-0 flex-1 self-start`}
                      />
                    )}
                  </div>
                  <FieldErrors id={`${value}-error`} errors={fieldErrors(value)} />
                </fieldset>
              );
            })}
          </div>
        </details>
      ) : null}
    </>
  );

  return (
    <div className="space-y-4">
      <div className="space-y-1">
        <label htmlFor="contact-search" className="block text-sm font-medium text-slate-700">
          {t("contacts.search")}
        </label>
        <input
          id="contact-search"
          type="search"
          name="q"
          defaultValue={first("q")}
          placeholder={t("contacts.searchPlaceholder")}
          autoComplete="off"
          className={controlClass}
          onChange={onSearchChange}
        />
        <FieldErrors id="contact-search-error" errors={fieldErrors("q")} />
      </div>

      {collapsible ? (
        <details open={moreActive}>
          <summary className="cursor-pointer text-sm font-medium text-brand-700">{t("contacts.filter.more")}</summary>
          <div className="mt-4 space-y-4">{more}</div>
        </details>
      ) : (
        more
      )}
    </div>
  );
}
