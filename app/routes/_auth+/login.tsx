import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { AuthLayout } from "~/components/auth-layout";
import { inputProps } from "~/components/conform";
import { OAuthButtons } from "~/components/oauth-buttons";
import { Alert } from "~/components/ui/card";
import { Button } from "~/components/ui/button";
import { InputField } from "~/components/ui/field";
import { useErrorText } from "~/components/use-field-errors";
import { getDb } from "~/lib/db.server";
import { negotiateLocale, translate, useT } from "~/lib/i18n";
import { AuthorizationError, getAuthenticator } from "~/modules/auth/authenticator.server";
import { getSignedIn } from "~/modules/auth/guards.server";
import { configuredOAuthProviders } from "~/modules/auth/oauth-providers.server";
import { safeRedirect, signInSchema } from "~/modules/auth/schemas";
import { startSession } from "~/modules/auth/sessions.server";
import { checkSignInRate, clearSignInFailures } from "~/modules/auth/sign-in.server";
import { listMemberships } from "~/modules/orgs/organizations.server";

export const meta: MetaFunction = () => [{ title: "Entrar · Master IA" }];

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getSignedIn(request)) throw redirect(safeRedirect(new URL(request.url).searchParams.get("redirectTo")));
  return json({ providers: configuredOAuthProviders() });
}

// Document responses take headers from here, so the 429's Retry-After reaches the browser.
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: signInSchema });
  if (submission.status !== "success") return json(submission.reply({ hideFields: ["password"] }), { status: 400 });
  const { email, redirectTo } = submission.value;
  const locale = negotiateLocale(null, request.headers.get("Accept-Language"));

  const rate = await checkSignInRate(context.clientIp, email);
  if (!rate.allowed) {
    const minutes = Math.max(1, Math.ceil(rate.retryAfterSeconds / 60));
    return json(submission.reply({ formErrors: [translate(locale, "auth.rateLimited", { minutes })], hideFields: ["password"] }), {
      status: 429,
      headers: { "Retry-After": String(rate.retryAfterSeconds) },
    });
  }

  formData.set("email", email);
  let user;
  try {
    // The body is already read: hand remix-auth a body-less copy and the parsed form.
    const bodyless = new Request(request.url, { headers: request.headers });
    user = await getAuthenticator().authenticate("password", bodyless, { context: { formData } as never });
  } catch (error) {
    if (error instanceof AuthorizationError) {
      return json(submission.reply({ formErrors: [translate(locale, "auth.invalidCredentials")], hideFields: ["password"] }), { status: 400 });
    }
    throw error;
  }
  await clearSignInFailures(email);
  const db = getDb();
  const [firstMembership] = await listMemberships(db, user.id);
  const { setCookie } = await startSession(db, request, user.id, firstMembership?.org.id ?? null, context.clientIp);
  return redirect(safeRedirect(redirectTo), { headers: { "Set-Cookie": setCookie } });
}

export default function LoginPage() {
  const { providers } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const redirectTo = searchParams.get("redirectTo") ?? undefined;
  const navigation = useNavigation();
  const t = useT();
  const errorText = useErrorText();
  const [form, fields] = useForm({
    lastResult,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: signInSchema }),
  });

  return (
    <AuthLayout
      title={t("auth.signInTitle")}
      footer={
        <>
          {t("auth.noAccount")}{" "}
          <Link to={redirectTo ? `/signup?redirectTo=${encodeURIComponent(redirectTo)}` : "/signup"} className="font-medium text-brand-700 underline">
            {t("auth.signUp")}
          </Link>
        </>
      }
    >
      <OAuthButtons providers={providers} redirectTo={redirectTo} />
      <Form method="post" className="space-y-4" {...getFormProps(form)}>
        {form.errors?.length ? <Alert kind="error">{form.errors.join(" ")}</Alert> : null}
        {redirectTo ? <input type="hidden" name="redirectTo" value={redirectTo} /> : null}
        <InputField {...inputProps(fields.email, { type: "email" })} label={t("auth.email")} autoComplete="email" errors={errorText(fields.email.errors)} />
        <InputField {...inputProps(fields.password, { type: "password" })} label={t("auth.password")} autoComplete="current-password" errors={errorText(fields.password.errors)} />
        <Button type="submit" className="w-full" disabled={navigation.state === "submitting"}>
          {t("auth.signIn")}
        </Button>
      </Form>
    </AuthLayout>
  );
}
