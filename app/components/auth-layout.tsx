import type { ReactNode } from "react";
import { useT } from "~/lib/i18n";
import { Card } from "./ui/card";

export function AuthLayout({ title, children, footer }: { title: string; children: ReactNode; footer?: ReactNode }) {
  const t = useT();
  return (
    <main className="flex min-h-full flex-col items-center justify-center px-4 py-10">
      <div className="mb-6 flex items-center gap-2">
        <img src="/favicon.svg" alt="" width={36} height={36} />
        <span className="text-xl font-semibold text-slate-900">{t("app.name")}</span>
      </div>
      <Card className="w-full max-w-sm">
        <h1 className="mb-4 text-lg font-semibold">{title}</h1>
        {children}
      </Card>
      {footer ? <div className="mt-4 text-sm text-slate-600">{footer}</div> : null}
    </main>
  );
}
