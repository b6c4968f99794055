import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AuthLayout } from "~/components/auth-layout";
import { inputProps } from "~/components/conform";
import { OAuthButtons } from "~/components/oauth-buttons";
import { Button } from "~/components/ui/button";
import { Alert } from "~/components/ui/card";
import { InputField } from "~/components/ui/field";
import { useErrorText } from "~/components/use-field-errors";
import { getDb } from "~/lib/db.server";
import { negotiateLocale, translate, useT } from "~/lib/i18n";
import { toastHeaders } from "~/lib/toast.server";
import { getSignedIn } from "~/modules/auth/guards.server";
import { configuredOAuthProviders } from "~/modules/auth/oauth-providers.server";
import { safeRedirect, signUpSchema } from "~/modules/auth/schemas";
import { startSession } from "~/modules/auth/sessions.server";
import { signUp } from "~/modules/auth/sign-up.server";
import { findUsableInvitation } from "~/modules/orgs/invitations.server";

export const meta: MetaFunction = () => [{ title: "Criar conta · Master IA" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  if (await getSignedIn(request)) throw redirect(safeRedirect(url.searchParams.get("redirectTo")));
  const token = url.searchParams.get("invite");
  const invitation = token ? await findUsableInvitation(getDb(), token) : null;
  return json({
    providers: configuredOAuthProviders(),
    invite: invitation && token ? { token, orgName: invitation.orgName, email: invitation.email } : null,
    inviteInvalid: Boolean(token && !invitation),
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: signUpSchema });
  if (submission.status !== "success") return json(submission.reply({ hideFields: ["password"] }), { status: 400 });
  const locale = negotiateLocale(null, request.headers.get("Accept-Language"));
  const db = getDb();
  const result = await signUp(db, { ...submission.value, locale });
  if (!result.ok) {
    const message =
      result.code === "email_taken"
        ? translate(locale, "auth.emailTaken")
        : result.code === "org_required"
          ? translate(locale, "validation.required")
          : result.code === "wrong_email"
            ? translate(locale, "invite.wrongEmail", { email: result.email ?? "" })
            : translate(locale, "invite.invalid");
    const status = result.code === "email_taken" ? 409 : 400;
    return json(submission.reply(result.field === "invite" ? { formErrors: [message], hideFields: ["password"] } : { fieldErrors: { [result.field]: [message] }, hideFields: ["password"] }), { status });
  }
  const { setCookie } = await startSession(db, request, result.user.id, result.orgId, context.clientIp);
  const headers = await toastHeaders({ kind: "success", message: translate(locale, "auth.welcome", { name: result.user.name }) });
  headers.append("Set-Cookie", setCookie);
  return redirect("/dashboard", { headers });
}

export default function SignUpPage() {
  const { providers, invite, inviteInvalid } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = useT();
  const errorText = useErrorText();
  const [form, fields] = useForm({
    lastResult,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    defaultValue: { email: invite?.email ?? undefined },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: signUpSchema }),
  });

  return (
    <AuthLayout
      title={invite ? t("invite.title", { org: invite.orgName }) : t("auth.signUpTitle")}
      footer={
        <>
          {t("auth.haveAccount")}{" "}
          <Link to={invite ? `/login?redirectTo=${encodeURIComponent(`/invite/${invite.token}`)}` : "/login"} className="font-medium text-brand-700 underline">
            {t("auth.signIn")}
          </Link>
        </>
      }
    >
      {invite ? null : <OAuthButtons providers={providers} />}
      <Form method="post" className="space-y-4" {...getFormProps(form)}>
        {inviteInvalid ? <Alert kind="error">{t("invite.invalid")}</Alert> : null}
        {form.errors?.length ? <Alert kind="error">{form.errors.join(" ")}</Alert> : null}
        {invite ? <input type="hidden" name="invite" value={invite.token} /> : null}
        <InputField {...inputProps(fields.name, { type: "text" })} label={t("auth.name")} autoComplete="name" errors={errorText(fields.name.errors)} />
        <InputField {...inputProps(fields.email, { type: "email" })} label={t("auth.email")} autoComplete="email" errors={errorText(fields.email.errors)} />
        <InputField {...inputProps(fields.password, { type: "password" })} label={t("auth.password")} autoComplete="new-password" errors={errorText(fields.password.errors)} />
        {invite ? null : (
          <InputField {...inputProps(fields.orgName, { type: "text" })} required label={t("auth.orgName")} autoComplete="organization" errors={errorText(fields.orgName.errors)} />
        )}
        <Button type="submit" className="w-full" disabled={navigation.state === "submitting"}>
          {t("auth.signUp")}
        </Button>
      </Form>
    </AuthLayout>
  );
}
