import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ImportMappingForm } from "~/components/imports/mapping-form";
import { ImportProgressPanel, ImportReport } from "~/components/imports/report";
import { ImportStatusBadge } from "~/components/imports/status";
import { Card, PageHeader } from "~/components/ui/card";
import { getDb } from "~/lib/db.server";
import { negotiateLocale, translate, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { requireOrg, requireWriter } from "~/modules/auth/guards.server";
import { findVisibleImport, loadImportPage, parseImportId, submitMapping } from "~/modules/imports/import-page.server";
import { discardImport } from "~/modules/imports/imports.server";
import { permissions } from "~/modules/orgs/roles";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { org, role } = await requireOrg(request);
  const page = await loadImportPage(getDb(), org.id, parseImportId(params.importId));
  return json({ ...page, canWrite: permissions.write(role) });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { org, user } = await requireWriter(request);
  const importId = parseImportId(params.importId);
  const db = getDb();
  const upload = await findVisibleImport(db, org.id, importId);
  const form = await request.formData();

  if (form.get("intent") === "discard") {
    if (!(await discardImport(db, org.id, importId, user.id))) return redirect(`/imports/${importId}`);
    const locale = negotiateLocale(user.locale, request.headers.get("Accept-Language"));
    return redirectWithToast("/imports", { kind: "success", message: translate(locale, "imports.discarded") });
  }
  // Submitted twice (double click, back button): the first submit already started it.
  if (upload.status !== "uploaded") return redirect(`/imports/${importId}`);
  const submission = await submitMapping(db, org.id, upload, form);
  if (!submission.ok) return json({ fieldErrors: submission.fieldErrors, values: submission.values }, { status: 400 });
  return redirect(`/imports/${importId}`);
}

export default function ImportPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const { upload } = data;
  const active = upload.status === "queued" || upload.status === "running";
  return (
    <>
      {active ? (
        // Without JavaScript the page reloads itself until the job is done; with it, live events revalidate instead.
        <noscript>
          <meta httpEquiv="refresh" content="2" />
        </noscript>
      ) : null}
      <PageHeader
        title={upload.filename}
        description={t("imports.page.description")}
        actions={
          <div className="flex items-center gap-3">
            <ImportStatusBadge status={upload.status} />
            <Link to="/imports" className="text-sm font-medium text-brand-700 underline">
              {t("imports.list.title")}
            </Link>
          </div>
        }
      />
      {upload.status === "uploaded" && data.mapping ? (
        data.canWrite ? (
          <ImportMappingForm upload={upload} mapping={data.mapping} fieldErrors={actionData?.fieldErrors} values={actionData?.values} />
        ) : (
          <Card>
            <p className="text-sm text-slate-600">{t("imports.page.waitingForMapping")}</p>
          </Card>
        )
      ) : null}
      {active ? <ImportProgressPanel upload={upload} /> : null}
      {upload.status === "completed" || upload.status === "failed" ? <ImportReport upload={upload} report={data.report} /> : null}
      {data.canWrite && upload.status === "uploaded" ? (
        <Form method="post" className="mt-4">
          <input type="hidden" name="intent" value="discard" />
          <button type="submit" className="text-sm font-medium text-red-700 underline">
            {t("imports.page.discard")}
          </button>
        </Form>
      ) : null}
    </>
  );
}
