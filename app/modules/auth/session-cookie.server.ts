import { createCookie } from "@remix-run/node";
import { getEnv } from "~/lib/env.server";

export const SESSION_TTL_DAYS = 30;

let cookie: ReturnType<typeof createCookie> | undefined;

/** The cookie holds only a random session id (signed); everything else lives in the sessions table. */
export function sessionCookie() {
  const env = getEnv();
  cookie ??= createCookie("__session", {
    httpOnly: true,
    sameSite: "lax",
    secure: env.NODE_ENV === "production" && env.APP_URL.startsWith("https:"),
    path: "/",
    secrets: [env.SESSION_SECRET],
    maxAge: SESSION_TTL_DAYS * 24 * 60 * 60,
  });
  return cookie;
}
