import { Link } from "@remix-run/react";
import { useRef } from "react";
import { useLocale, useT } from "~/lib/i18n";
import { useHydrated } from "../use-hydrated";
import { TagChip, type TagChipTag } from "./tag-chip";

export type ContactRow = {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  optedOut: boolean;
  createdAt: string;
  tags: Array<TagChipTag & { id: string }>;
};

type Props = {
  contacts: ContactRow[];
  /** Adds a checkbox per row that belongs to this (separate) bulk-action form. */
  bulkFormId?: string;
  timezone: string;
  empty: string;
};

/** The contacts table shared by the list and a segment's page. */
export function ContactTable({ contacts, bulkFormId, timezone, empty }: Props) {
  const t = useT();
  const locale = useLocale();
  const hydrated = useHydrated();
  const table = useRef<HTMLTableElement>(null);
  const date = new Intl.DateTimeFormat(locale, { dateStyle: "short", timeZone: timezone });
  if (contacts.length === 0) return <p className="py-6 text-center text-sm text-slate-600">{empty}</p>;

  const toggleAll = (checked: boolean) => {
    table.current?.querySelectorAll<HTMLInputElement>('input[name="contactIds"]').forEach((box) => (box.checked = checked));
  };

  return (
    <div className="-mx-4 overflow-x-auto sm:mx-0">
      <table ref={table} className="w-full min-w-[40rem] text-left text-sm" data-testid="contacts-table">
        <thead className="text-xs uppercase text-slate-500">
          <tr>
            {bulkFormId ? (
              <th className="w-8 py-2 pl-4 sm:pl-0">
                {hydrated ? <input type="checkbox" aria-label={t("contacts.selectAll")} onChange={(event) => toggleAll(event.currentTarget.checked)} /> : <span className="sr-only">{t("contacts.select")}</span>}
              </th>
            ) : null}
            <th className="py-2 pr-4">{t("contacts.name")}</th>
            <th className="py-2 pr-4">{t("contacts.phone")}</th>
            <th className="py-2 pr-4">{t("contacts.email")}</th>
            <th className="py-2 pr-4">{t("contacts.tags")}</th>
            <th className="py-2 pr-4">{t("common.created")}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {contacts.map((contact) => {
            const label = contact.name || contact.phone || contact.email || t("contacts.noName");
            return (
              <tr key={contact.id} data-testid="contact-row">
                {bulkFormId ? (
                  <td className="py-2 pl-4 sm:pl-0">
                    <input type="checkbox" name="contactIds" value={contact.id} form={bulkFormId} aria-label={t("contacts.selectOne", { name: label })} />
                  </td>
                ) : null}
                <td className="py-2 pr-4">
                  <Link to={`/contacts/${contact.id}`} className="font-medium text-slate-900 underline-offset-2 hover:underline">
                    {label}
                  </Link>
                  {contact.optedOut ? <span className="ml-2 rounded bg-red-50 px-1.5 py-0.5 text-xs font-medium text-red-800 ring-1 ring-red-200">{t("contacts.optedOut")}</span> : null}
                </td>
                <td className="whitespace-nowrap py-2 pr-4 tabular-nums text-slate-700">{contact.phone ?? "—"}</td>
                <td className="max-w-[14rem] truncate py-2 pr-4 text-slate-700">{contact.email ?? "—"}</td>
                <td className="py-2 pr-4">
                  <span className="flex flex-wrap gap-1">
                    {contact.tags.map((tag) => (
                      <TagChip key={tag.id} tag={tag} />
                    ))}
                  </span>
                </td>
                <td className="whitespace-nowrap py-2 pr-4 text-slate-600">{date.format(new Date(contact.createdAt))}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
