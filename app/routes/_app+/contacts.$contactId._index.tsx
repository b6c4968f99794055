import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { TagChip } from "~/components/contacts/tag-chip";
import { Button } from "~/components/ui/button";
import { Alert, Card, PageHeader } from "~/components/ui/card";
import { FieldErrors, InputField, SelectField } from "~/components/ui/field";
import { useErrorText } from "~/components/use-field-errors";
import { getDb } from "~/lib/db.server";
import { type MessageKey, translate, useLocale, useT } from "~/lib/i18n";
import { redirectWithToast } from "~/lib/toast.server";
import { notFound, requireOrg, requireWriter } from "~/modules/auth/guards.server";
import { listContactLeads } from "~/modules/contacts/contact-leads.server";
import { contactDetailActionSchema, OPT_OUT_SOURCES } from "~/modules/contacts/contact-schemas";
import { findContact } from "~/modules/contacts/contacts.server";
import { listCustomFields } from "~/modules/contacts/custom-fields.server";
import { requestLocale, requireId } from "~/modules/contacts/http.server";
import { optInContact, optOutContact } from "~/modules/contacts/opt-out.server";
import { formatPhone } from "~/modules/contacts/phone-format.server";
import { addTagToContact, listTags, removeTagFromContact } from "~/modules/contacts/tags.server";
import { permissions } from "~/modules/orgs/roles";

export const meta: MetaFunction = () => [{ title: "Contato · Master IA" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { org, role } = await requireOrg(request);
  const contactId = requireId(params.contactId, "Contact not found");
  const db = getDb();
  const contact = await findContact(db, org.id, contactId);
  if (!contact) notFound("Contact not found");
  const [leads, fields, tags] = await Promise.all([listContactLeads(db, org.id, contactId), listCustomFields(db, org.id), listTags(db, org.id)]);
  return json({
    contact: { ...contact, phoneDisplay: formatPhone(contact.phone, org.country) },
    leads,
    fields,
    availableTags: tags.filter((tag) => !contact.tags.some((applied) => applied.id === tag.id)),
    canWrite: permissions.write(role),
    org: { currency: org.currency, timezone: org.timezone },
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { org, user } = await requireWriter(request);
  const contactId = requireId(params.contactId, "Contact not found");
  const parsed = contactDetailActionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return json({ errors: z.flattenError(parsed.error).fieldErrors as Record<string, string[] | undefined> }, { status: 400 });
  const db = getDb();
  const actor = { type: "user" as const, id: user.id };
  const command = parsed.data;
  const done =
    command.intent === "addTag"
      ? await addTagToContact(db, org.id, contactId, command.tagId)
      : command.intent === "removeTag"
        ? await removeTagFromContact(db, org.id, contactId, command.tagId)
        : command.intent === "optOut"
          ? await optOutContact(db, org.id, contactId, { reason: command.reason, source: command.source, actor })
          : await optInContact(db, org.id, contactId, actor);
  if (!done) notFound("Contact or tag not found");
  const message = translate(requestLocale(user, request), `contacts.done.${command.intent}` as MessageKey);
  return redirectWithToast(`/contacts/${contactId}`, { kind: "success", message });
}

export default function ContactPage() {
  const { contact, leads, fields, availableTags, canWrite, org } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const errorText = useErrorText();
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: org.timezone });
  const money = new Intl.NumberFormat(locale, { style: "currency", currency: org.currency });
  const erased = Boolean(contact.erasedAt);
  const title = erased ? t("contacts.erased.title") : contact.name || contact.phoneDisplay || contact.email || t("contacts.noName");
  const writable = canWrite && !erased;
  const fieldValue = (key: string, type: string) => {
    const value = contact.attributes[key];
    if (value === undefined || value === null || value === "") return "—";
    if (type === "date" && typeof value === "string") return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${value}T00:00:00Z`));
    if (type === "number" && typeof value === "number") return new Intl.NumberFormat(locale).format(value);
    return String(value);
  };

  return (
    <>
      <PageHeader
        title={title}
        description={erased ? undefined : contact.phoneDisplay}
        actions={
          <div className="flex flex-wrap gap-2">
            {writable ? (
              <Button asChild variant="secondary">
                <Link to={`/contacts/${contact.id}/edit`}>{t("contacts.edit")}</Link>
              </Button>
            ) : null}
            <Button asChild variant="secondary">
              <Link to={`/contacts/${contact.id}/cadences`}>{t("cadences.title")}</Link>
            </Button>
            {canWrite ? (
              <Button asChild variant="secondary">
                <a href={`/contacts/${contact.id}/export.json`} download>
                  {t("contacts.privacy.export")}
                </a>
              </Button>
            ) : null}
            {writable ? (
              <Button asChild variant="danger">
                <Link to={`/contacts/${contact.id}/erase`}>{t("contacts.privacy.erase")}</Link>
              </Button>
            ) : null}
            {canWrite ? (
              <Button asChild variant="danger">
                <Link to={`/contacts/${contact.id}/delete`}>{t("contacts.delete")}</Link>
              </Button>
            ) : null}
          </div>
        }
      />
      {erased ? (
        <div className="mb-6">
          <Alert>{t("contacts.erased.body", { date: dateTime.format(new Date(contact.erasedAt!)) })}</Alert>
        </div>
      ) : null}

      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <Card>
            <h2 className="mb-3 font-medium">{t("contacts.details")}</h2>
            <dl className="grid gap-3 text-sm sm:grid-cols-2">
              <div>
                <dt className="text-slate-500">{t("contacts.phone")}</dt>
                <dd className="tabular-nums" data-testid="contact-phone">{contact.phoneDisplay ?? "—"}</dd>
              </div>
              <div>
                <dt className="text-slate-500">{t("contacts.email")}</dt>
                <dd className="break-all">{contact.email ?? "—"}</dd>
              </div>
              <div>
                <dt className="text-slate-500">{t("common.created")}</dt>
                <dd>{dateTime.format(new Date(contact.createdAt))}</dd>
              </div>
              <div>
                <dt className="text-slate-500">{t("contacts.updated")}</dt>
                <dd>{dateTime.format(new Date(contact.updatedAt))}</dd>
              </div>
              {fields.map((field) => (
                <div key={field.key}>
                  <dt className="text-slate-500">{field.label}</dt>
                  <dd>{fieldValue(field.key, field.type)}</dd>
                </div>
              ))}
            </dl>
          </Card>

          <Card>
            <h2 className="mb-3 font-medium">{t("contacts.leads")}</h2>
            {leads.length === 0 ? (
              <p className="text-sm text-slate-600">{t("contacts.leads.none")}</p>
            ) : (
              <div className="overflow-x-auto">
                <table className="w-full text-left text-sm">
                  <thead className="text-xs uppercase text-slate-500">
                    <tr>
                      <th className="py-2 pr-4">{t("contacts.leads.title")}</th>
                      <th className="py-2 pr-4">{t("contacts.leads.stage")}</th>
                      <th className="py-2 pr-4">{t("contacts.leads.status")}</th>
                      <th className="py-2 text-right">{t("contacts.leads.value")}</th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-slate-100">
                    {leads.map((lead) => (
                      <tr key={lead.id}>
                        <td className="py-2 pr-4 font-medium">
                          <Link to={`/leads/${lead.id}`} className="hover:underline">
                            {lead.title}
                          </Link>
                        </td>
                        <td className="py-2 pr-4 text-slate-700">
                          {lead.pipelineName} · {lead.stageName}
                        </td>
                        <td className="py-2 pr-4">{t(`contacts.leads.status.${lead.status}` as MessageKey)}</td>
                        <td className="py-2 text-right tabular-nums">{money.format(lead.valueCents / 100)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </Card>

          <Card>
            <h2 className="mb-1 font-medium">{t("contacts.timeline")}</h2>
            <p className="text-sm text-slate-600">{t("contacts.timeline.empty")}</p>
          </Card>
        </div>

        <div className="space-y-6">
          <Card>
            <h2 className="mb-3 font-medium">{t("contacts.tags")}</h2>
            {contact.tags.length === 0 ? <p className="mb-3 text-sm text-slate-600">{t("contacts.tags.none")}</p> : null}
            <ul className="mb-3 flex flex-wrap gap-2">
              {contact.tags.map((tag) => (
                <li key={tag.id}>
                  <TagChip tag={tag}>
                    {writable ? (
                      <Form method="post" className="inline">
                        <input type="hidden" name="intent" value="removeTag" />
                        <input type="hidden" name="tagId" value={tag.id} />
                        <button type="submit" className="ml-0.5 rounded-full px-1 leading-none hover:bg-black/10" aria-label={t("contacts.tags.remove", { tag: tag.name })}>
                          ×
                        </button>
                      </Form>
                    ) : null}
                  </TagChip>
                </li>
              ))}
            </ul>
            {writable && availableTags.length ? (
              <Form method="post" className="flex items-end gap-2">
                <input type="hidden" name="intent" value="addTag" />
                <div className="flex-1">
                  <SelectField id="add-tag" name="tagId" label={t("contacts.tags.add")} defaultValue="" errors={errorText(actionData?.errors?.tagId)}>
                    <option value="">—</option>
                    {availableTags.map((tag) => (
                      <option key={tag.id} value={tag.id}>
                        {tag.name}
                      </option>
                    ))}
                  </SelectField>
                </div>
                <Button type="submit" variant="secondary">
                  {t("contacts.tags.addButton")}
                </Button>
              </Form>
            ) : null}
            {writable && availableTags.length === 0 ? (
              <Link to="/contacts/tags" className="text-sm font-medium text-brand-700 underline">
                {t("contacts.tags.manage")}
              </Link>
            ) : null}
          </Card>

          <Card>
            <h2 className="mb-3 font-medium">{t("contacts.optOut")}</h2>
            {contact.optedOut ? (
              <div className="space-y-2 text-sm" data-testid="opt-out-status">
                <p className="font-medium text-red-800">{t("contacts.optOut.isOptedOut")}</p>
                <dl className="space-y-1 text-slate-700">
                  {contact.optedOutAt ? (
                    <div>
                      <dt className="inline text-slate-500">{t("contacts.optOut.when")}: </dt>
                      <dd className="inline">{dateTime.format(new Date(contact.optedOutAt))}</dd>
                    </div>
                  ) : null}
                  {contact.optOutSource ? (
                    <div>
                      <dt className="inline text-slate-500">{t("contacts.optOut.source")}: </dt>
                      <dd className="inline">{t(`contacts.optOut.source.${contact.optOutSource}` as MessageKey)}</dd>
                    </div>
                  ) : null}
                  {contact.optOutReason ? (
                    <div>
                      <dt className="inline text-slate-500">{t("contacts.optOut.reason")}: </dt>
                      <dd className="inline">{contact.optOutReason}</dd>
                    </div>
                  ) : null}
                </dl>
                {writable ? (
                  <Form method="post">
                    <input type="hidden" name="intent" value="optIn" />
                    <Button type="submit" size="sm" variant="secondary">
                      {t("contacts.optOut.clear")}
                    </Button>
                  </Form>
                ) : null}
              </div>
            ) : (
              <div className="space-y-3 text-sm" data-testid="opt-out-status">
                <p className="text-slate-700">{t("contacts.optOut.isSubscribed")}</p>
                {writable ? (
                  <Form method="post" className="space-y-3">
                    <input type="hidden" name="intent" value="optOut" />
                    <InputField id="opt-out-reason" name="reason" maxLength={300} label={t("contacts.optOut.reasonOptional")} errors={errorText(actionData?.errors?.reason)} />
                    <SelectField id="opt-out-source" name="source" defaultValue="manual" label={t("contacts.optOut.source")}>
                      {OPT_OUT_SOURCES.map((source) => (
                        <option key={source} value={source}>
                          {t(`contacts.optOut.source.${source}` as MessageKey)}
                        </option>
                      ))}
                    </SelectField>
                    <FieldErrors id="opt-out-source-error" errors={errorText(actionData?.errors?.source)} />
                    <Button type="submit" size="sm" variant="danger">
                      {t("contacts.optOut.set")}
                    </Button>
                  </Form>
                ) : null}
              </div>
            )}
          </Card>
        </div>
      </div>
    </>
  );
}
