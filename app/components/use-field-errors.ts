import { type MessageKey, useT } from "~/lib/i18n";

/** Field errors arrive as i18n keys (from the shared zod schemas) or as finished sentences. */
export function useErrorText() {
  const t = useT();
  return (errors: string[] | undefined | null) => errors?.map((error) => (/^[a-z][A-Za-z]*\.[A-Za-z.]+$/.test(error) ? t(error as MessageKey) : error));
}
