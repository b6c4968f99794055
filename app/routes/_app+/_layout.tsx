import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";
import { AppShell } from "~/components/app-shell";
import { getDb } from "~/lib/db.server";
import { requireOrg } from "~/modules/auth/guards.server";
import { listMemberships } from "~/modules/orgs/organizations.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, org, role } = await requireOrg(request);
  const memberships = await listMemberships(getDb(), user.id);
  return json({
    user: { id: user.id, name: user.name, email: user.email },
    org: { id: org.id, name: org.name, timezone: org.timezone },
    role,
    organizations: memberships.map((membership) => ({ id: membership.org.id, name: membership.org.name })),
  });
}

export default function AppLayout() {
  const { user, org, organizations } = useLoaderData<typeof loader>();
  return (
    <AppShell user={user} org={org} organizations={organizations}>
      <Outlet />
    </AppShell>
  );
}
