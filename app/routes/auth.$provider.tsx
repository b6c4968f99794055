import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { negotiateLocale, translate } from "~/lib/i18n";
import { startOAuthHandshake } from "~/modules/auth/authenticator.server";
import { notFound } from "~/modules/auth/guards.server";
import { configuredOAuthProviders, isOAuthProvider, oauthProviderName } from "~/modules/auth/oauth-providers.server";
import { safeRedirect } from "~/modules/auth/schemas";

export async function loader({ params }: LoaderFunctionArgs) {
  if (!isOAuthProvider(params.provider)) notFound();
  return redirect("/login");
}

/** The "Continue with …" buttons post here: off to the provider, remembering where to come back to. */
export async function action({ request, params }: ActionFunctionArgs) {
  const provider = params.provider;
  if (!isOAuthProvider(provider)) notFound();
  const form = await request.formData();
  if (!configuredOAuthProviders().includes(provider)) {
    const message = translate(negotiateLocale(null, request.headers.get("Accept-Language")), "auth.oauthNotConfigured", { provider: oauthProviderName(provider) });
    return redirect(`/login?error=${encodeURIComponent(message)}`);
  }
  return startOAuthHandshake(provider, request, safeRedirect(form.get("redirectTo")));
}
