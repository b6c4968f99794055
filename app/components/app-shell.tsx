import { Form, NavLink } from "@remix-run/react";
import type { ReactNode } from "react";
import { type MessageKey, useT } from "~/lib/i18n";
import { LiveUpdates } from "./live-updates";
import { cn } from "./ui/cn";
import { useHydrated } from "./use-hydrated";

export const NAV_ITEMS: Array<{ to: string; label: MessageKey; icon: string }> = [
  { to: "/dashboard", label: "nav.dashboard", icon: "M3 12l9-8 9 8M5 10v10h5v-6h4v6h5V10" },
  { to: "/inbox", label: "nav.inbox", icon: "M4 5h16v10h-5l-3 3-3-3H4z" },
  { to: "/contacts", label: "nav.contacts", icon: "M16 19v-1a4 4 0 00-8 0v1M12 11a3 3 0 100-6 3 3 0 000 6z" },
  { to: "/pipelines", label: "nav.pipelines", icon: "M4 5h4v14H4zM10 5h4v9h-4zM16 5h4v5h-4z" },
  { to: "/campaigns", label: "nav.campaigns", icon: "M4 10v4l11 5V5L4 10zM15 9h3v6h-3" },
  { to: "/cadences", label: "nav.cadences", icon: "M5 6h14M5 12h10M5 18h6" },
  { to: "/ai", label: "nav.ai", icon: "M12 3l2 5 5 2-5 2-2 5-2-5-5-2 5-2z" },
  { to: "/voice", label: "nav.voice", icon: "M6 4h3l2 5-2 1a11 11 0 005 5l1-2 5 2v3a2 2 0 01-2 2A16 16 0 014 6a2 2 0 012-2z" },
  { to: "/settings", label: "nav.settings", icon: "M12 15a3 3 0 100-6 3 3 0 000 6zM4 12h2M18 12h2M12 4v2M12 18v2" },
];

function NavIcon({ path }: { path: string }) {
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" className="h-5 w-5 shrink-0" fill="none" stroke="currentColor" strokeWidth={1.7} strokeLinecap="round" strokeLinejoin="round">
      <path d={path} />
    </svg>
  );
}

function NavList({ onNavigate }: { onNavigate?: () => void }) {
  const t = useT();
  return (
    <ul className="space-y-1">
      {NAV_ITEMS.map((item) => (
        <li key={item.to}>
          <NavLink
            to={item.to}
            prefetch="intent"
            onClick={onNavigate}
            className={({ isActive }) =>
              cn("flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium", isActive ? "bg-brand-50 text-brand-800" : "text-slate-700 hover:bg-slate-100")
            }
          >
            <NavIcon path={item.icon} />
            {t(item.label)}
          </NavLink>
        </li>
      ))}
    </ul>
  );
}

type ShellProps = {
  user: { name: string; email: string };
  org: { id: string; name: string };
  organizations: Array<{ id: string; name: string }>;
  children: ReactNode;
};

function OrgSwitcher({ org, organizations }: Pick<ShellProps, "org" | "organizations">) {
  const t = useT();
  return (
    <details className="group relative">
      <summary className="flex cursor-pointer list-none items-center justify-between gap-2 rounded-md px-3 py-2 text-sm font-semibold text-slate-900 ring-1 ring-slate-200 hover:bg-slate-50" aria-label={t("orgs.switch")}>
        <span className="truncate">{org.name}</span>
        <span aria-hidden="true">▾</span>
      </summary>
      <div className="absolute left-0 right-0 z-30 mt-1 rounded-md bg-white p-1 shadow-lg ring-1 ring-slate-200">
        <p className="px-2 py-1 text-xs font-medium uppercase text-slate-500">{t("orgs.switch")}</p>
        {organizations.map((candidate) => (
          <Form method="post" action="/orgs/switch" key={candidate.id}>
            <input type="hidden" name="orgId" value={candidate.id} />
            <button type="submit" className={cn("w-full truncate rounded px-2 py-1.5 text-left text-sm hover:bg-slate-100", candidate.id === org.id && "font-semibold text-brand-800")} aria-current={candidate.id === org.id ? "true" : undefined}>
              {candidate.name}
            </button>
          </Form>
        ))}
        <a href="/orgs/new" className="block rounded px-2 py-1.5 text-sm text-brand-700 hover:bg-slate-100">
          + {t("orgs.new")}
        </a>
      </div>
    </details>
  );
}

function UserBox({ user }: Pick<ShellProps, "user">) {
  const t = useT();
  return (
    <div className="border-t border-slate-200 pt-3 text-sm">
      <p className="truncate font-medium text-slate-900">{user.name}</p>
      <p className="truncate text-xs text-slate-500">{user.email}</p>
      <Form method="post" action="/logout" className="mt-2">
        <button type="submit" className="text-sm font-medium text-slate-700 underline hover:text-slate-900">
          {t("auth.signOut")}
        </button>
      </Form>
    </div>
  );
}

/** Sidebar on wide screens; a top bar with a menu that opens without JavaScript (<details>) on phones. */
export function AppShell({ user, org, organizations, children }: ShellProps) {
  const t = useT();
  const hydrated = useHydrated();
  return (
    <div className="min-h-full md:flex">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        {t("common.skipToContent")}
      </a>
      <aside className="hidden w-64 shrink-0 flex-col gap-4 border-r border-slate-200 bg-white p-4 md:flex md:min-h-screen">
        <div className="flex items-center gap-2 px-1">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span className="flex-1 font-semibold">{t("app.name")}</span>
          {hydrated ? <LiveUpdates /> : null}
        </div>
        <OrgSwitcher org={org} organizations={organizations} />
        <nav aria-label={t("nav.main")} className="flex-1">
          <NavList />
        </nav>
        <UserBox user={user} />
      </aside>
      <header className="sticky top-0 z-20 border-b border-slate-200 bg-white md:hidden">
        <details className="group">
          <summary className="flex h-14 cursor-pointer list-none items-center justify-between gap-2 px-4">
            <span className="flex min-w-0 items-center gap-2">
              <img src="/favicon.svg" alt="" width={24} height={24} />
              <span className="truncate text-sm font-semibold">{org.name}</span>
            </span>
            <span className="rounded-md px-2 py-1 text-sm font-medium ring-1 ring-slate-300">{t("nav.menu")}</span>
          </summary>
          <div className="max-h-[80vh] space-y-3 overflow-y-auto border-t border-slate-200 p-3">
            <nav aria-label={t("nav.main")}>
              <NavList />
            </nav>
            <OrgSwitcher org={org} organizations={organizations} />
            <UserBox user={user} />
          </div>
        </details>
      </header>
      <main id="main" className="min-w-0 flex-1 px-4 py-6 sm:px-6 lg:px-8">
        {children}
      </main>
    </div>
  );
}
