import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { getDb } from "~/lib/db.server";
import { notFound, requireOrg } from "~/modules/auth/guards.server";
import { parseFilterParams } from "~/modules/contacts/contact-filter";
import { countContacts, filterReferencesExist } from "~/modules/contacts/contact-filter.server";
import { listCustomFields } from "~/modules/contacts/custom-fields.server";

/** GET /contacts/segments/count?<filter params> → { count }: the segment builder's live preview. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { org } = await requireOrg(request);
  const db = getDb();
  const fields = await listCustomFields(db, org.id);
  const { filter, errors } = parseFilterParams(new URL(request.url).searchParams, fields);
  if (Object.keys(errors).length) return json({ errors }, { status: 400 });
  if (!(await filterReferencesExist(db, org.id, filter))) notFound("Tag or segment not found");
  return json({ count: await countContacts(db, org.id, filter) }, { headers: { "Cache-Control": "no-store" } });
}
