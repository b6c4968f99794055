import { Form } from "@remix-run/react";
import { useErrorText } from "~/components/use-field-errors";
import { useT } from "~/lib/i18n";
import { Button } from "../ui/button";
import { InputField } from "../ui/field";

/** Posts the file to the upload route, which answers with this same form and its errors when something is wrong. */
export function KbUploadForm({ kbId, maxMb, errors }: { kbId: string; maxMb: number; errors?: Record<string, string[] | undefined> }) {
  const t = useT();
  const errorText = useErrorText();
  return (
    <Form method="post" action={`/ai/knowledge/${kbId}/upload`} encType="multipart/form-data" className="space-y-3" noValidate>
      <InputField id="kb-file" name="file" type="file" required accept=".txt,.md,.markdown,.csv,.pdf,text/plain,text/markdown,text/csv,application/pdf" label={t("ai.kb.file")} hint={t("ai.kb.fileHint", { mb: maxMb })} errors={errorText(errors?.file)} />
      <InputField id="kb-file-title" name="title" maxLength={300} label={t("ai.kb.docTitleOptional")} errors={errorText(errors?.title)} />
      <Button type="submit">{t("ai.kb.add")}</Button>
    </Form>
  );
}
