import { Link } from "@remix-run/react";
import { useT } from "~/lib/i18n";

/** Previous/next links of a keyset-paginated list: plain links, so they work without JavaScript. */
export function Pager({ prevHref, nextHref }: { prevHref: string | null; nextHref: string | null }) {
  const t = useT();
  if (!prevHref && !nextHref) return null;
  const linkClass = "rounded-md px-3 py-1.5 text-sm font-medium text-brand-700 ring-1 ring-slate-300 hover:bg-slate-50";
  return (
    <nav aria-label={t("contacts.pagination")} className="flex items-center justify-between gap-2 pt-4">
      {prevHref ? (
        <Link to={prevHref} className={linkClass} rel="prev">
          ← {t("contacts.previous")}
        </Link>
      ) : (
        <span />
      )}
      {nextHref ? (
        <Link to={nextHref} className={linkClass} rel="next">
          {t("contacts.next")} →
        </Link>
      ) : null}
    </nav>
  );
}
