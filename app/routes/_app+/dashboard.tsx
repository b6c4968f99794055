import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Card, PageHeader } from "~/components/ui/card";
import { useT } from "~/lib/i18n";
import { requireOrg } from "~/modules/auth/guards.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, org } = await requireOrg(request);
  return json({ userName: user.name, orgName: org.name });
}

export default function DashboardPage() {
  const { userName, orgName } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <PageHeader title={t("dashboard.title")} description={t("dashboard.welcome", { name: userName, org: orgName })} />
      <Card>
        <h2 className="mb-3 font-medium">{t("dashboard.gettingStarted")}</h2>
        <ol className="list-decimal space-y-2 pl-5 text-sm">
          <li>
            <Link to="/settings/team" className="text-brand-700 underline">
              {t("dashboard.step.team")}
            </Link>
          </li>
          <li>
            <Link to="/settings/api-keys" className="text-brand-700 underline">
              {t("dashboard.step.apiKey")}
            </Link>
          </li>
          <li className="text-slate-600">{t("dashboard.step.channels")}</li>
        </ol>
      </Card>
    </>
  );
}
