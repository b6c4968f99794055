import { NavLink, Outlet } from "@remix-run/react";
import { cn } from "~/components/ui/cn";
import { PageHeader } from "~/components/ui/card";
import { type MessageKey, useT } from "~/lib/i18n";

const SECTIONS: Array<{ to: string; label: MessageKey }> = [
  { to: "organization", label: "settings.organization" },
  { to: "team", label: "settings.team" },
  { to: "api-keys", label: "settings.apiKeys" },
  { to: "channels", label: "settings.channels" },
  { to: "webhooks", label: "settings.webhooks" },
  { to: "integrations", label: "settings.integrations" },
  { to: "ai", label: "nav.ai" },
  { to: "audit", label: "settings.audit" },
  { to: "profile", label: "settings.profile" },
];

export default function SettingsLayout() {
  const t = useT();
  return (
    <>
      <PageHeader title={t("nav.settings")} />
      <div className="flex flex-col gap-6 lg:flex-row">
        <nav aria-label={t("nav.settings")} className="-mx-1 overflow-x-auto lg:w-52 lg:shrink-0">
          <ul className="flex gap-1 px-1 lg:flex-col">
            {SECTIONS.map((section) => (
              <li key={section.to}>
                <NavLink
                  to={section.to}
                  className={({ isActive }) =>
                    cn("block whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium", isActive ? "bg-white text-brand-800 ring-1 ring-slate-200" : "text-slate-600 hover:bg-slate-100")
                  }
                >
                  {t(section.label)}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="min-w-0 flex-1 space-y-6">
          <Outlet />
        </div>
      </div>
    </>
  );
}
