import { useFetcher, useLocation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { useT } from "~/lib/i18n";
import { Button } from "../ui/button";
import type { ContactRow } from "./contact-table";

type PageData = { contacts: ContactRow[]; nextCursor: string | null };

/**
 * With JavaScript, "load more" appends the next keyset pages to the list: the page's own loader,
 * fetched with ?index&after=…. Starts over whenever the page navigates (new filter, after an action).
 */
export function useLoadMore(firstPage: PageData) {
  const location = useLocation();
  const fetcher = useFetcher<PageData>();
  const fresh = () => ({ key: location.key, rows: [] as ContactRow[], cursor: firstPage.nextCursor, loaded: [] as string[] });
  const [state, setState] = useState(fresh);
  // A new navigation (filter, pagination, redirect after an action) starts from the loader's page again.
  if (state.key !== location.key) setState(fresh());
  const requested = useRef<string | null>(null);

  useEffect(() => {
    const data = fetcher.data;
    const asked = requested.current;
    if (fetcher.state !== "idle" || !data || !asked) return;
    requested.current = null;
    setState((previous) =>
      previous.loaded.includes(asked) ? previous : { ...previous, rows: [...previous.rows, ...data.contacts], cursor: data.nextCursor, loaded: [...previous.loaded, asked] },
    );
  }, [fetcher.state, fetcher.data]);

  const load = () => {
    if (!state.cursor) return;
    const params = new URLSearchParams(location.search);
    for (const name of ["after", "before", "index"]) params.delete(name);
    params.set("after", state.cursor);
    requested.current = state.cursor;
    fetcher.load(`${location.pathname}?index&${params}`);
  };

  return { rows: state.rows, canLoad: Boolean(state.cursor), loading: fetcher.state !== "idle", load };
}

export function LoadMoreButton({ loadMore }: { loadMore: ReturnType<typeof useLoadMore> }) {
  const t = useT();
  if (!loadMore.canLoad) return null;
  return (
    <div className="flex justify-center pt-4">
      <Button variant="secondary" size="sm" onClick={loadMore.load} disabled={loadMore.loading}>
        {loadMore.loading ? t("contacts.loading") : t("contacts.loadMore")}
      </Button>
    </div>
  );
}
