import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { useCountText } from "~/components/contacts/use-count-text";
import { TagChip } from "~/components/contacts/tag-chip";
import { Button } from "~/components/ui/button";
import { Card, PageHeader } from "~/components/ui/card";
import { FieldErrors, InputField } from "~/components/ui/field";
import { useErrorText } from "~/components/use-field-errors";
import { getDb } from "~/lib/db.server";
import { type MessageKey, translate, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { notFound, requireOrg, requireWriter } from "~/modules/auth/guards.server";
import { tagActionSchema } from "~/modules/contacts/contact-schemas";
import { requestLocale } from "~/modules/contacts/http.server";
import { createTag, deleteTag, listTagsWithCounts, updateTag } from "~/modules/contacts/tags.server";
import { permissions } from "~/modules/orgs/roles";

export const meta: MetaFunction = () => [{ title: "Tags · Master IA" }];

type Errors = Record<string, string[] | undefined>;

export async function loader({ request }: LoaderFunctionArgs) {
  const { org, role } = await requireOrg(request);
  return json({ tags: await listTagsWithCounts(getDb(), org.id), canWrite: permissions.write(role) });
}

export async function action({ request }: ActionFunctionArgs) {
  const { org, user } = await requireWriter(request);
  const formData = await request.formData();
  const parsed = tagActionSchema.safeParse(Object.fromEntries(formData));
  const tagId = typeof formData.get("tagId") === "string" ? String(formData.get("tagId")) : null;
  if (!parsed.success) return json({ errors: z.flattenError(parsed.error).fieldErrors as Errors, tagId }, { status: 400 });
  const db = getDb();
  const command = parsed.data;
  if (command.intent === "delete") {
    if (!(await deleteTag(db, org.id, command.tagId, { type: "user", id: user.id }))) notFound("Tag not found");
  } else {
    const result = command.intent === "create" ? await createTag(db, org.id, command) : await updateTag(db, org.id, command.tagId, command);
    if (!result.ok && result.reason === "not_found") notFound("Tag not found");
    if (!result.ok) return json({ errors: { name: ["contacts.tags.duplicate"] } as Errors, tagId }, { status: 409 });
  }
  const message = translate(requestLocale(user, request), `contacts.tags.done.${command.intent}` as MessageKey);
  return redirectWithToast("/contacts/tags", { kind: "success", message });
}

export default function TagsPage() {
  const { tags, canWrite } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const countText = useCountText();
  const errorText = useErrorText();
  const errorsFor = (tagId: string | null) => (actionData && actionData.tagId === tagId ? actionData.errors : {});
  const createErrors = errorsFor(null);

  return (
    <>
      <PageHeader title={t("contacts.tags.title")} description={t("contacts.tags.help")} />
      {canWrite ? (
        <Card className="mb-6">
          <h2 className="mb-3 font-medium">{t("contacts.tags.create")}</h2>
          <Form method="post" className="grid gap-4 sm:grid-cols-[1fr_8rem_auto] sm:items-end">
            <input type="hidden" name="intent" value="create" />
            <InputField id="new-tag-name" name="name" required maxLength={40} label={t("contacts.tags.name")} errors={errorText(createErrors.name)} />
            <InputField id="new-tag-color" name="color" type="color" defaultValue="#10b981" label={t("contacts.tags.color")} className="h-10 p-1" errors={errorText(createErrors.color)} />
            <Button type="submit">{t("contacts.tags.create")}</Button>
          </Form>
        </Card>
      ) : null}
      <Card>
        {tags.length === 0 ? (
          <p className="text-sm text-slate-600">{t("contacts.tags.empty")}</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {tags.map((tag) => {
              const errors = errorsFor(tag.id);
              return (
                <li key={tag.id} className="flex flex-wrap items-center justify-between gap-3 py-3" data-testid="tag-row">
                  <div className="flex items-center gap-3">
                    <TagChip tag={tag} />
                    <Link to={`/contacts?tag=${tag.id}`} className="text-sm text-slate-600 underline">
                      {countText("contacts.count", tag.contactCount)}
                    </Link>
                  </div>
                  {canWrite ? (
                    <div className="flex flex-wrap items-start gap-2">
                      <Form method="post" className="flex items-start gap-2">
                        <input type="hidden" name="intent" value="update" />
                        <input type="hidden" name="tagId" value={tag.id} />
                        <div>
                          <label className="sr-only" htmlFor={`tag-name-${tag.id}`}>
                            {t("contacts.tags.name")}
                          </label>
                          <input id={`tag-name-${tag.id}`} name="name" defaultValue={tag.name} required maxLength={40} className="w-40 rounded-md border-0 py-1.5 text-sm ring-1 ring-slate-300" />
                          <FieldErrors id={`tag-name-${tag.id}-error`} errors={errorText(errors.name)} />
                        </div>
                        <label className="sr-only" htmlFor={`tag-color-${tag.id}`}>
                          {t("contacts.tags.color")}
                        </label>
                        <input id={`tag-color-${tag.id}`} name="color" type="color" defaultValue={tag.color} className="h-9 w-12 rounded-md ring-1 ring-slate-300" />
                        <Button type="submit" size="sm" variant="secondary">
                          {t("common.save")}
                        </Button>
                      </Form>
                      <details className="relative">
                        <summary className="inline-flex h-8 cursor-pointer list-none items-center rounded-md px-3 text-sm font-medium text-red-700 ring-1 ring-red-300 hover:bg-red-50">
                          {t("contacts.tags.delete")}
                        </summary>
                        <Form method="post" className="absolute right-0 z-10 mt-1 w-64 space-y-2 rounded-md bg-white p-3 text-sm shadow-lg ring-1 ring-slate-200">
                          <input type="hidden" name="intent" value="delete" />
                          <input type="hidden" name="tagId" value={tag.id} />
                          <p>{t("contacts.tags.deleteConfirm", { count: tag.contactCount })}</p>
                          <Button type="submit" size="sm" variant="danger">
                            {t("contacts.tags.deleteButton", { tag: tag.name })}
                          </Button>
                        </Form>
                      </details>
                    </div>
                  ) : null}
                </li>
              );
            })}
          </ul>
        )}
      </Card>
    </>
  );
}
