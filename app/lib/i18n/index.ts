import { useRouteLoaderData } from "@remix-run/react";
import { en } from "./en";
import { ptBR, type MessageKey } from "./pt-BR";

// Shared by server and browser: pt-BR is the default, English the alternative.
export const LOCALES = ["pt-BR", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "pt-BR";
export type { MessageKey };

const dictionaries: Record<Locale, Record<MessageKey, string>> = { "pt-BR": ptBR, en };

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

export function translate(locale: Locale, key: MessageKey, vars?: Record<string, string | number>): string {
  const template = dictionaries[locale][key] ?? ptBR[key] ?? key;
  return vars ? template.replace(/\{(\w+)\}/g, (match, name: string) => String(vars[name] ?? match)) : template;
}

/** Picks the user's choice, else the browser's Accept-Language, else pt-BR. */
export function negotiateLocale(userLocale: string | null | undefined, acceptLanguage: string | null): Locale {
  if (isLocale(userLocale)) return userLocale;
  for (const part of (acceptLanguage ?? "").split(",")) {
    const tag = part.split(";")[0]?.trim().toLowerCase() ?? "";
    if (tag.startsWith("pt")) return "pt-BR";
    if (tag.startsWith("en")) return "en";
  }
  return DEFAULT_LOCALE;
}

export function useLocale(): Locale {
  const data = useRouteLoaderData("root") as { locale?: Locale } | undefined;
  return data?.locale ?? DEFAULT_LOCALE;
}

export function useT() {
  const locale = useLocale();
  return (key: MessageKey, vars?: Record<string, string | number>) => translate(locale, key, vars);
}
