import { Form, useFetcher } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { useT } from "~/lib/i18n";
import { Button } from "../ui/button";
import { useHydrated } from "../use-hydrated";

export type ContactOption = { id: string; name: string; phone: string | null };

export const contactLabel = (contact: ContactOption) => [contact.name || contact.phone || "—", contact.name && contact.phone ? contact.phone : null].filter(Boolean).join(" · ");

/**
 * The contact choices of the lead form. Without JavaScript the search is a GET form that reloads the
 * page with matching contacts; with it, typing fetches matches in place (debounced) and keeps the rest
 * of the form as typed.
 */
export function useContactSearch(initial: ContactOption[]) {
  const fetcher = useFetcher<{ contacts: ContactOption[] }>();
  const [options, setOptions] = useState(initial);
  useEffect(() => setOptions(initial), [initial]);
  useEffect(() => {
    if (fetcher.data) setOptions(fetcher.data.contacts);
  }, [fetcher.data]);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const search = (query: string) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => fetcher.load(`/leads/contact-options?q=${encodeURIComponent(query)}`), 250);
  };
  return { options, search, searching: fetcher.state === "loading" };
}

export function ContactSearchForm({ query, onSearch, keep = {} }: { query: string; onSearch: (query: string) => void; keep?: Record<string, string> }) {
  const t = useT();
  const hydrated = useHydrated();
  return (
    <Form
      method="get"
      role="search"
      className="flex flex-wrap items-end gap-2"
      onSubmit={(event) => {
        if (!hydrated) return;
        event.preventDefault();
        onSearch(String(new FormData(event.currentTarget).get("contactQuery") ?? ""));
      }}
    >
      {Object.entries(keep).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <div className="min-w-48 flex-1">
        <label htmlFor="contact-query" className="block text-sm font-medium text-slate-700">
          {t("pipelines.lead.contactSearch")}
        </label>
        <input
          id="contact-query"
          name="contactQuery"
          type="search"
          defaultValue={query}
          autoComplete="off"
          onChange={(event) => hydrated && onSearch(event.currentTarget.value)}
          placeholder={t("pipelines.lead.contactSearchPlaceholder")}
          className="mt-1 block w-full rounded-md border-0 px-3 py-2 text-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-600"
        />
      </div>
      <Button type="submit" variant="secondary">
        {t("pipelines.lead.contactSearchSubmit")}
      </Button>
    </Form>
  );
}
