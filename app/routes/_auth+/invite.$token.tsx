import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { AuthLayout } from "~/components/auth-layout";
import { Button } from "~/components/ui/button";
import { Alert } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { type MessageKey, negotiateLocale, translate, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { getSignedIn, requireUser } from "~/modules/auth/guards.server";
import { setSessionOrganization } from "~/modules/auth/sessions.server";
import { acceptInvitation, findUsableInvitation } from "~/modules/orgs/invitations.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const token = params.token ?? "";
  const invitation = await findUsableInvitation(getDb(), token);
  if (!invitation) throw json({ error: { code: "invitation_invalid", message: "This invitation does not exist, has expired or was already used." } }, { status: 404 });
  const signedIn = await getSignedIn(request);
  return json({
    token,
    invitation: { orgName: invitation.orgName, role: invitation.role, inviterName: invitation.inviterName, email: invitation.email },
    signedInAs: signedIn?.user.email ?? null,
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, session } = await requireUser(request);
  const db = getDb();
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  const result = await acceptInvitation(db, params.token ?? "", user);
  if (!result.ok) {
    const message = result.reason === "wrong_email" ? translate(locale, "invite.wrongEmail", { email: result.email ?? "" }) : translate(locale, "invite.invalid");
    return json({ error: message }, { status: result.reason === "wrong_email" ? 403 : 404 });
  }
  await setSessionOrganization(db, session, result.orgId);
  return redirectWithToast("/dashboard", { kind: "success", message: translate(locale, "invite.accepted", { org: result.orgName }) });
}

export default function InvitationPage() {
  const { token, invitation, signedInAs } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const here = `/invite/${token}`;
  return (
    <AuthLayout title={t("invite.title", { org: invitation.orgName })}>
      <p className="mb-4 text-sm text-slate-700">
        {t("invite.body", { inviter: invitation.inviterName ?? "—", org: invitation.orgName, role: t(`team.role.${invitation.role}` as MessageKey) })}
      </p>
      {actionData?.error ? (
        <div className="mb-4">
          <Alert kind="error">{actionData.error}</Alert>
        </div>
      ) : null}
      {signedInAs ? (
        <Form method="post">
          <Button type="submit" className="w-full">
            {t("invite.accept")}
          </Button>
        </Form>
      ) : (
        <div className="space-y-3 text-sm">
          <p>{t("invite.signInToAccept")}</p>
          <div className="flex gap-2">
            <Button asChild className="flex-1">
              <Link to={`/signup?invite=${encodeURIComponent(token)}`}>{t("auth.signUp")}</Link>
            </Button>
            <Button asChild variant="secondary" className="flex-1">
              <Link to={`/login?redirectTo=${encodeURIComponent(here)}`}>{t("auth.signIn")}</Link>
            </Button>
          </div>
        </div>
      )}
    </AuthLayout>
  );
}
