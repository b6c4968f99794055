import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getDb } from "~/lib/db.server";
import { negotiateLocale, translate, type MessageKey } from "~/lib/i18n";
import { redirectWithToast, toastHeaders } from "~/lib/toast.server";
import { finishOAuthHandshake } from "~/modules/auth/authenticator.server";
import { notFound } from "~/modules/auth/guards.server";
import { signInWithOAuth } from "~/modules/auth/oauth.server";
import { configuredOAuthProviders, isOAuthProvider, oauthProviderName } from "~/modules/auth/oauth-providers.server";
import { startSession } from "~/modules/auth/sessions.server";

/** Where the provider sends the browser back: state check, code exchange, profile, then our own session. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const provider = params.provider;
  if (!isOAuthProvider(provider)) notFound();
  const locale = negotiateLocale(null, request.headers.get("Accept-Language"));
  // The message travels in the signed toast cookie, so nobody can craft a link that shows their own text.
  const backToLogin = (key: MessageKey, headers?: HeadersInit) =>
    redirectWithToast("/login", { kind: "error", message: translate(locale, key, { provider: oauthProviderName(provider) }) }, { headers: new Headers(headers) });
  if (!configuredOAuthProviders().includes(provider)) return backToLogin("auth.oauthNotConfigured");

  const handshake = await finishOAuthHandshake(provider, request);
  const spent = { "Set-Cookie": handshake.clearHandshake };
  if (!handshake.ok) {
    context.log.warn({ provider, reason: handshake.error.message }, "OAuth sign-in failed");
    return backToLogin("auth.oauthFailed", spent);
  }
  const db = getDb();
  const result = await signInWithOAuth(db, handshake.profile, { ip: context.clientIp, locale });
  if (!result.ok) return backToLogin(result.code === "unverified_email" ? "auth.oauthUnverified" : "auth.oauthNoVerifiedEmail", spent);

  const { setCookie } = await startSession(db, request, result.user.id, result.orgId, context.clientIp);
  const userLocale = negotiateLocale(result.user.locale, request.headers.get("Accept-Language"));
  const headers = await toastHeaders({ kind: "success", message: translate(userLocale, "auth.welcome", { name: result.user.name }) }, new Headers(spent));
  headers.append("Set-Cookie", setCookie);
  return redirect(handshake.redirectTo, { headers });
}
