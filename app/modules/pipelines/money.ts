// Shared by server and browser: money typed by people, in the organization's locale, to integer cents.

export const MAX_VALUE_CENTS = 1_000_000_000_000_00; // one trillion in the major unit, well inside Number's safe range

export type MoneyParse = { ok: true; cents: number } | { ok: false; error: "pipelines.value.invalid" | "pipelines.value.tooLarge" };

function separators(locale: string) {
  const parts = new Intl.NumberFormat(locale).formatToParts(1234.5);
  const decimal = parts.find((part) => part.type === "decimal")?.value ?? ".";
  return { decimal, group: decimal === "," ? "." : "," };
}

const escape = (char: string) => char.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * "1.234,56" (pt-BR) or "1,234.56" (en) → 123456. Currency symbols and spaces are ignored; an empty
 * value is zero. A lone "other" separator followed by one or two digits ("12.5" in pt-BR) is read as
 * the decimal point, since it cannot be digit grouping.
 */
export function parseMoneyToCents(input: string | undefined, locale: string): MoneyParse {
  const text = (input ?? "").replace(/[\s\u00a0]|R\$|US\$|\$|€|BRL|USD|EUR/gi, "");
  if (text === "") return { ok: true, cents: 0 };
  if (!/^[\d.,]+$/.test(text)) return { ok: false, error: "pipelines.value.invalid" };
  const { decimal, group } = separators(locale);
  const grouped = new RegExp(`^\\d{1,3}(${escape(group)}\\d{3})+$`);

  let whole: string;
  let fraction = "";
  const lastDecimal = text.lastIndexOf(decimal);
  if (lastDecimal >= 0) {
    whole = text.slice(0, lastDecimal);
    fraction = text.slice(lastDecimal + 1);
  } else if (new RegExp(`^\\d+${escape(group)}\\d{1,2}$`).test(text)) {
    [whole, fraction] = text.split(group) as [string, string];
  } else {
    whole = text;
  }
  if (!/^\d{0,2}$/.test(fraction)) return { ok: false, error: "pipelines.value.invalid" };
  if (whole === "") whole = "0";
  if (!/^\d+$/.test(whole)) {
    if (!grouped.test(whole)) return { ok: false, error: "pipelines.value.invalid" };
    whole = whole.split(group).join("");
  }
  if (whole.replace(/^0+/, "").length > 13) return { ok: false, error: "pipelines.value.tooLarge" };
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
  return cents > MAX_VALUE_CENTS ? { ok: false, error: "pipelines.value.tooLarge" } : { ok: true, cents };
}

/** Cents as people type them back into the form: "1.234,56" in pt-BR, "1,234.56" in English. */
export function formatCentsForInput(cents: number, locale: string): string {
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(cents / 100);
}
