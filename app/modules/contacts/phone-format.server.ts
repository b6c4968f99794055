import { parsePhoneNumberFromString } from "libphonenumber-js/max";

/**
 * For display: numbers of the organization's own country in national format ("(11) 98765-4321"),
 * others internationally ("+1 415 555 2671"); anything unparsable is shown as stored.
 */
export function formatPhone(e164: string | null, orgCountry?: string): string | null {
  if (!e164) return null;
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return e164;
  return orgCountry && parsed.country === orgCountry.toUpperCase() ? parsed.formatNational() : parsed.formatInternational();
}
