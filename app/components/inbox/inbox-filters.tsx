import { Form, useSubmit } from "@remix-run/react";
import { useT } from "~/lib/i18n";
import { Button } from "../ui/button";

export type InboxFilterValues = { status: string; assignee: string; channel?: string; tag?: string; unread?: string; q?: string };

const selectClass = "w-full rounded-md border-0 bg-white py-1.5 pl-2 pr-7 text-sm ring-1 ring-inset ring-slate-300";

/** A GET form: filters live in the URL, so they work without JavaScript and survive reloads and links. */
export function InboxFilters({
  filter,
  channels,
  tags,
}: {
  filter: InboxFilterValues;
  channels: Array<{ id: string; name: string }>;
  tags: Array<{ id: string; name: string }>;
}) {
  const t = useT();
  const submit = useSubmit();
  return (
    <Form method="get" action="/inbox" className="space-y-2 border-b border-slate-200 p-3" onChange={(event) => {
      // With JavaScript the list follows each change; the button stays for everyone else.
      if ((event.target as HTMLElement).tagName === "SELECT" || (event.target as HTMLInputElement).type === "checkbox") submit(event.currentTarget);
    }} role="search" aria-label={t("inbox.filters")}>
      <div className="flex gap-2">
        <label htmlFor="inbox-q" className="sr-only">
          {t("inbox.search")}
        </label>
        <input id="inbox-q" type="search" name="q" defaultValue={filter.q ?? ""} placeholder={t("inbox.searchPlaceholder")} className={`${selectClass} px-2`} maxLength={100} />
        <Button type="submit" size="sm" variant="secondary">
          {t("inbox.filter")}
        </Button>
      </div>
      <div className="grid grid-cols-2 gap-2">
        <label className="text-xs text-slate-600">
          <span className="sr-only sm:not-sr-only">{t("inbox.filter.status")}</span>
          <select name="status" defaultValue={filter.status} className={selectClass} aria-label={t("inbox.filter.status")}>
            <option value="open">{t("inbox.status.open")}</option>
            <option value="pending">{t("inbox.status.pending")}</option>
            <option value="resolved">{t("inbox.status.resolved")}</option>
            <option value="all">{t("inbox.all")}</option>
          </select>
        </label>
        <label className="text-xs text-slate-600">
          <span className="sr-only sm:not-sr-only">{t("inbox.filter.assignee")}</span>
          <select name="assignee" defaultValue={filter.assignee} className={selectClass} aria-label={t("inbox.filter.assignee")}>
            <option value="all">{t("inbox.all")}</option>
            <option value="mine">{t("inbox.mine")}</option>
            <option value="unassigned">{t("inbox.unassigned")}</option>
          </select>
        </label>
        <label className="text-xs text-slate-600">
          <span className="sr-only sm:not-sr-only">{t("inbox.filter.channel")}</span>
          <select name="channel" defaultValue={filter.channel ?? ""} className={selectClass} aria-label={t("inbox.filter.channel")}>
            <option value="">{t("inbox.allChannels")}</option>
            {channels.map((channel) => (
              <option key={channel.id} value={channel.id}>
                {channel.name}
              </option>
            ))}
          </select>
        </label>
        <label className="text-xs text-slate-600">
          <span className="sr-only sm:not-sr-only">{t("inbox.filter.tag")}</span>
          <select name="tag" defaultValue={filter.tag ?? ""} className={selectClass} aria-label={t("inbox.filter.tag")}>
            <option value="">{t("inbox.allTags")}</option>
            {tags.map((tag) => (
              <option key={tag.id} value={tag.id}>
                {tag.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input type="checkbox" name="unread" value="1" defaultChecked={filter.unread === "1"} className="rounded border-slate-300" />
        {t("inbox.onlyUnread")}
      </label>
    </Form>
  );
}
