import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/lib/db.server";
import { notFound, requireWriter } from "~/modules/auth/guards.server";
import { requireId } from "~/modules/contacts/http.server";
import { exportContactData } from "~/modules/contacts/privacy.server";

/** LGPD data access: everything held about one contact, as a JSON download (audited). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { org, user } = await requireWriter(request);
  const contactId = requireId(params.contactId, "Contact not found");
  const data = await exportContactData(getDb(), org.id, contactId, { type: "user", id: user.id });
  if (!data) notFound("Contact not found");
  return new Response(JSON.stringify(data, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="contato-${contactId}.json"`,
      "Cache-Control": "no-store",
    },
  });
}
