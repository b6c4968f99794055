import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/lib/db.server";
import { negotiateLocale } from "~/lib/i18n";
import { requireOrg } from "~/modules/auth/guards.server";
import { errorsFilename, importErrorsCsv } from "~/modules/imports/error-report.server";
import { findVisibleImport, parseImportId } from "~/modules/imports/import-page.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { org, user } = await requireOrg(request);
  const db = getDb();
  const upload = await findVisibleImport(db, org.id, parseImportId(params.importId));
  const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
  return new Response(importErrorsCsv(db, org.id, upload, locale), {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": errorsFilename(upload.filename), "Cache-Control": "private, no-store" },
  });
}
