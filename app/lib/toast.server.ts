import { createCookie, redirect } from "@remix-run/node";
import { getEnv } from "./env.server";

export type Toast = { kind: "success" | "error" | "info"; message: string };

let cookie: ReturnType<typeof createCookie> | undefined;
function toastCookie() {
  cookie ??= createCookie("__toast", { httpOnly: true, sameSite: "lax", path: "/", secrets: [getEnv().SESSION_SECRET], maxAge: 60 });
  return cookie;
}

export async function toastHeaders(toast: Toast, headers = new Headers()): Promise<Headers> {
  headers.append("Set-Cookie", await toastCookie().serialize(toast));
  return headers;
}

export async function redirectWithToast(url: string, toast: Toast, init: { headers?: Headers } = {}) {
  return redirect(url, { headers: await toastHeaders(toast, init.headers) });
}

/** Reads the one-time toast and returns the header that clears it. */
export async function popToast(request: Request): Promise<{ toast: Toast | null; setCookie: string | null }> {
  const value = await toastCookie().parse(request.headers.get("Cookie"));
  if (!value || typeof value.message !== "string") return { toast: null, setCookie: null };
  return { toast: value as Toast, setCookie: await toastCookie().serialize("", { maxAge: 0, expires: new Date(0) }) };
}
