import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { getDb } from "~/lib/db.server";
import { type MessageKey, translate } from "~/lib/i18n";
import { notFound, requireWriter } from "~/modules/auth/guards.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { parseFilterParams } from "~/modules/contacts/contact-filter";
import { filterReferencesExist } from "~/modules/contacts/contact-filter.server";
import { contactsCsvStream, type CsvLabels } from "~/modules/contacts/contacts-csv.server";
import { listCustomFields } from "~/modules/contacts/custom-fields.server";
import { requestLocale } from "~/modules/contacts/http.server";

const LABEL_KEYS: Record<keyof CsvLabels, MessageKey> = {
  name: "contacts.name",
  phone: "contacts.phone",
  email: "contacts.email",
  tags: "contacts.tags",
  optedOut: "contacts.optedOut",
  optedOutAt: "contacts.optOut.when",
  optOutReason: "contacts.optOut.reason",
  optOutSource: "contacts.optOut.source",
  createdAt: "common.created",
  id: "contacts.csv.id",
  yes: "contacts.csv.yes",
  no: "contacts.csv.no",
};

/** GET /contacts/export.csv?<list filter params>&delimiter=comma|semicolon */
export async function loader({ request }: LoaderFunctionArgs) {
  const { org, user } = await requireWriter(request);
  const db = getDb();
  const url = new URL(request.url);
  const fields = await listCustomFields(db, org.id);
  const { filter, errors } = parseFilterParams(url.searchParams, fields);
  if (Object.keys(errors).length) return json({ error: { code: "invalid_filter", message: "Invalid filter", details: errors } }, { status: 400 });
  if (!(await filterReferencesExist(db, org.id, filter))) notFound("Tag or segment not found");
  const locale = requestLocale(user, request);
  const labels = Object.fromEntries(Object.entries(LABEL_KEYS).map(([name, key]) => [name, translate(locale, key)])) as CsvLabels;
  const delimiter = url.searchParams.get("delimiter") === "semicolon" ? ";" : ",";
  const stream = await contactsCsvStream(db, org.id, filter, { delimiter, fields, labels, timezone: org.timezone });
  await recordAudit(db, { orgId: org.id, actor: { type: "user", id: user.id }, action: "contacts.exported", metadata: { filter, delimiter } });
  const day = new Date().toISOString().slice(0, 10);
  return new Response(stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="contatos-${day}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
