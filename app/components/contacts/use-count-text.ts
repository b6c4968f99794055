import { type MessageKey, useLocale, useT } from "~/lib/i18n";

type CountKey = "contacts.count" | "contacts.countFiltered" | "contacts.segments.matches";

/** "1 contato" / "100.000 contatos": the singular has its own key, the number is formatted for the locale. */
export function useCountText() {
  const t = useT();
  const format = new Intl.NumberFormat(useLocale());
  return (key: CountKey, count: number) => (count === 1 ? t(`${key}.one` as MessageKey) : t(key, { count: format.format(count) }));
}
