import { getEnv } from "~/lib/env.server";
import type { OAuthProvider } from "~/components/oauth-buttons";

export type { OAuthProvider };

const PROVIDER_NAMES: Record<OAuthProvider, string> = { google: "Google", facebook: "Facebook" };

export function isOAuthProvider(value: unknown): value is OAuthProvider {
  return typeof value === "string" && Object.hasOwn(PROVIDER_NAMES, value);
}

export function oauthProviderName(provider: OAuthProvider): string {
  return PROVIDER_NAMES[provider];
}

/** Providers with credentials configured; the sign-in page only offers these. */
export function configuredOAuthProviders(): OAuthProvider[] {
  const env = getEnv();
  const providers: OAuthProvider[] = [];
  if (env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET) providers.push("google");
  if (env.FACEBOOK_CLIENT_ID && env.FACEBOOK_CLIENT_SECRET) providers.push("facebook");
  return providers;
}
