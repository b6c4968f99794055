import { getEnv } from "~/lib/env.server";
import type { OAuthProvider } from "~/components/oauth-buttons";

/** Providers with credentials configured; the sign-in page only offers these. */
export function configuredOAuthProviders(): OAuthProvider[] {
  const env = getEnv();
  const providers: OAuthProvider[] = [];
  if (env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET) providers.push("google");
  if (env.FACEBOOK_CLIENT_ID && env.FACEBOOK_CLIENT_SECRET) providers.push("facebook");
  return providers;
}
