import type { Database } from "#db/index.js";
import type { ContactFilter } from "./contact-filter";
import { listContactsPage } from "./contacts.server";
import { formatPhone } from "./phone-format.server";

/** A page of contacts ready for ContactTable, with previous/next links that keep the page's other params. */
export async function loadContactList(db: Database, org: { id: string; country: string }, filter: ContactFilter, url: URL) {
  const page = await listContactsPage(db, org.id, filter, { after: url.searchParams.get("after"), before: url.searchParams.get("before") });
  const href = (name: "after" | "before", cursor: string | null) => {
    if (!cursor) return null;
    const params = new URLSearchParams(url.searchParams);
    params.delete("after");
    params.delete("before");
    params.delete("index");
    params.set(name, cursor);
    return `${url.pathname}?${params}`;
  };
  return {
    contacts: page.contacts.map((contact) => ({ ...contact, phone: formatPhone(contact.phone, org.country) })),
    nextCursor: page.nextCursor,
    nextHref: href("after", page.nextCursor),
    prevHref: href("before", page.prevCursor),
  };
}
