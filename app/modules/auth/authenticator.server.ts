import { createCookieSessionStorage } from "@remix-run/node";
import { Authenticator, AuthorizationError } from "remix-auth";
import { FormStrategy } from "remix-auth-form";
import { getDb } from "~/lib/db.server";
import { getEnv } from "~/lib/env.server";
import { verifyCredentials, type User } from "./users.server";

export { AuthorizationError };

/**
 * remix-auth runs the strategies only. Its session storage is a short-lived cookie that carries OAuth
 * `state` between redirect and callback; the real session is our database row (sessions.server.ts).
 */
function createAuthenticator() {
  const env = getEnv();
  const handshakeStorage = createCookieSessionStorage({
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
  const authenticator = new Authenticator<User>(handshakeStorage, { throwOnError: true });
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
