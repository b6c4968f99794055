import { createCookieSessionStorage, type SessionStorage } from "@remix-run/node";
import { Authenticator, AuthorizationError } from "remix-auth";
import { FormStrategy } from "remix-auth-form";
import { getDb } from "~/lib/db.server";
import { getEnv } from "~/lib/env.server";
import type { OAuthProfile } from "./oauth.server";
import type { OAuthProvider } from "./oauth-providers.server";
import { FacebookSignInStrategy, GoogleSignInStrategy } from "./oauth-strategies.server";
import { safeRedirect } from "./schemas";
import { verifyCredentials, type User } from "./users.server";

export { AuthorizationError };

/**
 * remix-auth runs the strategies only. Its session storage is a short-lived cookie that carries OAuth
 * `state` (and where to go afterwards) between redirect and callback; the real session is our database
 * row (sessions.server.ts).
 */
let handshakeStorage: SessionStorage | undefined;
function getHandshakeStorage(): SessionStorage {
  const env = getEnv();
  handshakeStorage ??= createCookieSessionStorage({
    cookie: {
      name: "__auth_handshake",
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      secrets: [env.SESSION_SECRET],
      secure: env.NODE_ENV === "production" && env.APP_URL.startsWith("https:"),
      maxAge: 10 * 60,
    },
  });
  return handshakeStorage;
}

function createAuthenticator() {
  const authenticator = new Authenticator<User>(getHandshakeStorage(), { throwOnError: true });
  authenticator.use(
    new FormStrategy(async ({ form }) => {
      const user = await verifyCredentials(getDb(), String(form.get("email") ?? "").trim(), String(form.get("password") ?? ""));
      if (!user) throw new AuthorizationError("invalid_credentials");
      return user;
    }),
    "password",
  );
  return authenticator;
}

let authenticator: Authenticator<User> | undefined;
export function getAuthenticator(): Authenticator<User> {
  authenticator ??= createAuthenticator();
  return authenticator;
}

/** OAuth strategies yield the provider's account, not our user: signInWithOAuth decides who that is. */
function createOAuthAuthenticator() {
  const env = getEnv();
  const oauth = new Authenticator<OAuthProfile>(getHandshakeStorage(), { throwOnError: true });
  // The redirect URI must match the one registered with the provider exactly, so it comes from APP_URL.
  const callbackURL = (provider: OAuthProvider) => new URL(`/auth/${provider}/callback`, env.APP_URL).toString();
  if (env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET) {
    oauth.use(
      new GoogleSignInStrategy({ clientID: env.GOOGLE_CLIENT_ID, clientSecret: env.GOOGLE_CLIENT_SECRET, callbackURL: callbackURL("google"), baseUrl: env.GOOGLE_OAUTH_BASE_URL }),
      "google",
    );
  }
  if (env.FACEBOOK_CLIENT_ID && env.FACEBOOK_CLIENT_SECRET) {
    oauth.use(
      new FacebookSignInStrategy({ clientID: env.FACEBOOK_CLIENT_ID, clientSecret: env.FACEBOOK_CLIENT_SECRET, callbackURL: callbackURL("facebook"), baseUrl: env.FACEBOOK_OAUTH_BASE_URL }),
      "facebook",
    );
  }
  return oauth;
}

let oauthAuthenticator: Authenticator<OAuthProfile> | undefined;
function getOAuthAuthenticator(): Authenticator<OAuthProfile> {
  oauthAuthenticator ??= createOAuthAuthenticator();
  return oauthAuthenticator;
}

const REDIRECT_KEY = "oauth:redirectTo";

/** The redirect to the provider, with `state` and the page to return to kept in the handshake cookie. */
export async function startOAuthHandshake(provider: OAuthProvider, request: Request, redirectTo: string): Promise<Response> {
  const storage = getHandshakeStorage();
  const session = await storage.getSession(request.headers.get("Cookie"));
  session.set(REDIRECT_KEY, redirectTo);
  // The strategy reads the handshake session from the request and commits it again with its state added.
  const cookie = (await storage.commitSession(session)).split(";")[0]!;
  try {
    await getOAuthAuthenticator().authenticate(provider, new Request(request.url, { headers: { Cookie: cookie } }));
  } catch (response) {
    if (response instanceof Response) return response;
    throw response;
  }
  throw new Error(`The ${provider} strategy did not redirect to the provider.`);
}

export type OAuthCallback = { clearHandshake: string; redirectTo: string } & ({ ok: true; profile: OAuthProfile } | { ok: false; error: AuthorizationError });

/** Checks state, exchanges the code and fetches the profile; the handshake cookie is spent either way. */
export async function finishOAuthHandshake(provider: OAuthProvider, request: Request): Promise<OAuthCallback> {
  const storage = getHandshakeStorage();
  const session = await storage.getSession(request.headers.get("Cookie"));
  const common = { clearHandshake: await storage.destroySession(session), redirectTo: safeRedirect(session.get(REDIRECT_KEY)) };
  try {
    return { ...common, ok: true, profile: await getOAuthAuthenticator().authenticate(provider, request) };
  } catch (error) {
    if (error instanceof AuthorizationError) return { ...common, ok: false, error };
    throw error;
  }
}
