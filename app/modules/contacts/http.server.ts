import { z } from "zod";
import { negotiateLocale } from "~/lib/i18n";
import { notFound } from "../auth/guards.server";

// Small pieces every contacts route repeats.

/** A route param that must be a uuid: anything else is simply not found (never a Postgres cast error). */
export function requireId(value: string | undefined, what = "Not found"): string {
  const parsed = z.uuid().safeParse(value);
  if (!parsed.success) notFound(what);
  return parsed.data;
}

export function requestLocale(user: { locale: string | null }, request: Request) {
  return negotiateLocale(user.locale, request.headers.get("Accept-Language"));
}

/** Repeated params or form fields as arrays, to re-fill a form exactly as it was submitted. */
export function paramValues(params: URLSearchParams | FormData): Record<string, string[]> {
  const values: Record<string, string[]> = {};
  for (const [name, value] of params) if (typeof value === "string") (values[name] ??= []).push(value);
  return values;
}

/** Keeps only a same-page query string (`?…`) from a form, for redirecting back to a filtered list. */
export function safeSearch(value: FormDataEntryValue | null): string {
  return typeof value === "string" && value.startsWith("?") && !value.includes("#") ? value : "";
}
