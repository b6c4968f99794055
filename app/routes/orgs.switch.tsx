import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { getDb } from "~/lib/db.server";
import { negotiateLocale, translate } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { notFound, requireUser } from "~/modules/auth/guards.server";
import { setSessionOrganization } from "~/modules/auth/sessions.server";
import { findMembership } from "~/modules/orgs/organizations.server";

export async function loader() {
  return redirect("/dashboard");
}

export async function action({ request }: ActionFunctionArgs) {
  const { user, session } = await requireUser(request);
  const parsed = z.object({ orgId: z.uuid() }).safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) notFound("Organization not found");
  const db = getDb();
  const membership = await findMembership(db, user.id, parsed.data.orgId);
  if (!membership) notFound("Organization not found");
  await setSessionOrganization(db, session, membership.org.id);
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  return redirectWithToast("/dashboard", { kind: "success", message: translate(locale, "orgs.switched", { name: membership.org.name }) });
}
