import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { Button } from "~/components/ui/button";
import { Card, PageHeader } from "~/components/ui/card";
import { InputField } from "~/components/ui/field";
import { getDb } from "~/lib/db.server";
import { type MessageKey, useT } from "~/lib/i18n";
import { requireWriter } from "~/modules/auth/guards.server";
import { MAX_IMPORT_BYTES } from "~/modules/imports/import-file.server";
import { receiveImportUpload } from "~/modules/imports/upload.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireWriter(request);
  return json({ maxBytes: MAX_IMPORT_BYTES });
}

export async function action({ request }: ActionFunctionArgs) {
  const { org, user } = await requireWriter(request);
  const result = await receiveImportUpload(getDb(), request, { orgId: org.id, userId: user.id });
  if (!result.ok) return json({ error: `imports.upload.${result.error}` as MessageKey }, { status: result.error === "tooLarge" ? 413 : 400 });
  return redirect(`/imports/${result.importId}`);
}

export default function NewImportPage() {
  const { maxBytes } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = useT();
  const megabytes = Math.round(maxBytes / 1024 / 1024);
  // With JavaScript, a file over the limit is refused before a single byte is sent.
  const [tooLarge, setTooLarge] = useState(false);
  const error = tooLarge ? t("imports.upload.tooLarge", { mb: megabytes }) : actionData ? t(actionData.error, { mb: megabytes }) : null;
  return (
    <>
      <PageHeader
        title={t("imports.new.title")}
        description={t("imports.new.description")}
        actions={
          <Link to="/imports" className="text-sm font-medium text-brand-700 underline">
            {t("imports.list.title")}
          </Link>
        }
      />
      <Card>
        <Form method="post" encType="multipart/form-data" className="space-y-4">
          <InputField
            id="import-file"
            name="file"
            type="file"
            required
            accept=".csv,.txt,text/csv,text/plain"
            label={t("imports.new.file")}
            hint={t("imports.new.fileHint", { mb: megabytes })}
            errors={error ? [error] : undefined}
            onChange={(event) => setTooLarge((event.currentTarget.files?.[0]?.size ?? 0) > maxBytes)}
          />
          <Button type="submit" disabled={tooLarge || navigation.state === "submitting"}>
            {navigation.state === "submitting" ? t("imports.new.uploading") : t("imports.new.submit")}
          </Button>
        </Form>
      </Card>
    </>
  );
}
