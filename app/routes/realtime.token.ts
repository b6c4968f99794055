import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { getEnv } from "~/lib/env.server";
import { issueRealtimeToken } from "~/lib/realtime-token.server";
import { getSignedIn } from "~/modules/auth/guards.server";
import { findMembership } from "~/modules/orgs/organizations.server";
import { getDb } from "~/lib/db.server";

/** A one-minute token for the current organization's live events; the socket is opened at `url`. */
export async function loader({ request }: LoaderFunctionArgs) {
  const signedIn = await getSignedIn(request);
  const orgId = signedIn?.session.currentOrgId;
  if (!signedIn || !orgId || !(await findMembership(getDb(), signedIn.user.id, orgId))) {
    return json({ error: { code: "unauthorized", message: "Sign in to receive live updates." } }, { status: 401 });
  }
  const env = getEnv();
  const token = issueRealtimeToken({ userId: signedIn.user.id, orgId }, { secret: env.REALTIME_SECRET });
  return json({ token, url: env.REALTIME_PUBLIC_URL }, { headers: { "Cache-Control": "no-store" } });
}
