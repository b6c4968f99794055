import { Link, Outlet, useLocation, useRouteLoaderData } from "@remix-run/react";
import { cn } from "~/components/ui/cn";
import { type MessageKey, useT } from "~/lib/i18n";

const SECTIONS: Array<{ to: string; label: MessageKey; adminOnly?: boolean }> = [
  { to: "/contacts", label: "contacts.title" },
  { to: "/contacts/segments", label: "contacts.segments.title" },
  { to: "/contacts/tags", label: "contacts.tags.title" },
  { to: "/contacts/fields", label: "contacts.fields.title", adminOnly: true },
];

/** The CRM's contacts section: list, segments, tags and (for admins) custom fields. */
export default function ContactsLayout() {
  const t = useT();
  const { pathname } = useLocation();
  const app = useRouteLoaderData("routes/_app+/_layout") as { role?: string } | undefined;
  const isAdmin = app?.role === "owner" || app?.role === "admin";
  const current = SECTIONS.slice(1).find((section) => pathname.startsWith(section.to))?.to ?? "/contacts";
  return (
    <>
      <nav aria-label={t("contacts.sections")} className="-mx-1 mb-4 overflow-x-auto">
        <ul className="flex gap-1 px-1">
          {SECTIONS.filter((section) => !section.adminOnly || isAdmin).map((section) => (
            <li key={section.to}>
              <Link
                to={section.to}
                aria-current={section.to === current ? "page" : undefined}
                className={cn(
                  "block whitespace-nowrap rounded-md px-3 py-1.5 text-sm font-medium",
                  section.to === current ? "bg-white text-brand-800 ring-1 ring-slate-200" : "text-slate-600 hover:bg-slate-100",
                )}
              >
                {t(section.label)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <Outlet />
    </>
  );
}
