import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getDb } from "~/lib/db.server";
import { negotiateLocale, translate } from "~/lib/i18n";
import { toastHeaders } from "~/lib/toast.server";
import { getSignedIn } from "~/modules/auth/guards.server";
import { endAllSessions, endSession } from "~/modules/auth/sessions.server";

export async function loader() {
  return redirect("/login");
}

/** `intent=everywhere` ends every session of this user ("sign out everywhere"); otherwise just this one. */
export async function action({ request }: ActionFunctionArgs) {
  const db = getDb();
  const form = await request.formData();
  const signedIn = await getSignedIn(request);
  const headers = new Headers();
  if (signedIn && form.get("intent") === "everywhere") {
    const count = await endAllSessions(db, signedIn.user.id);
    const locale = negotiateLocale(signedIn.user.locale, request.headers.get("Accept-Language"));
    await toastHeaders({ kind: "success", message: translate(locale, "auth.signedOutEverywhere", { count }) }, headers);
  }
  const { setCookie } = await endSession(db, request);
  headers.append("Set-Cookie", setCookie);
  return redirect("/login", { headers });
}
