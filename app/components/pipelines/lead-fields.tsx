import type { FieldMetadata } from "@conform-to/react";
import { inputProps } from "../conform";
import { useErrorText } from "../use-field-errors";
import { InputField, SelectField } from "../ui/field";
import { useT } from "~/lib/i18n";
import { type ContactOption, contactLabel } from "./contact-picker";

type Field = FieldMetadata<any>;
type Props = {
  fields: { title: Field; contactId: Field; value: Field; ownerId: Field; notes: Field; stageId?: Field };
  contacts: ContactOption[];
  members: Array<{ id: string; name: string }>;
  stages?: Array<{ id: string; name: string }>;
  currency: string;
};

/** The lead's own fields, shared by the new and edit pages. */
export function LeadFields({ fields, contacts, members, stages, currency }: Props) {
  const t = useT();
  const errorText = useErrorText();
  return (
    <>
      <InputField {...inputProps(fields.title, { type: "text" })} maxLength={200} label={t("pipelines.lead.title")} errors={errorText(fields.title.errors)} />
      <SelectField id={fields.contactId.id} name={fields.contactId.name} defaultValue={fields.contactId.initialValue as string | undefined} label={t("pipelines.lead.contact")} errors={errorText(fields.contactId.errors)}>
        <option value="">{t("pipelines.lead.noContact")}</option>
        {contacts.map((contact) => (
          <option key={contact.id} value={contact.id}>
            {contactLabel(contact)}
          </option>
        ))}
      </SelectField>
      <InputField
        {...inputProps(fields.value, { type: "text" })}
        inputMode="decimal"
        autoComplete="off"
        label={t("pipelines.lead.valueIn", { currency })}
        hint={t("pipelines.lead.valueHint")}
        errors={errorText(fields.value.errors)}
      />
      <SelectField id={fields.ownerId.id} name={fields.ownerId.name} defaultValue={fields.ownerId.initialValue as string | undefined} label={t("pipelines.lead.owner")} errors={errorText(fields.ownerId.errors)}>
        <option value="">{t("pipelines.owner.none")}</option>
        {members.map((member) => (
          <option key={member.id} value={member.id}>
            {member.name}
          </option>
        ))}
      </SelectField>
      {stages && fields.stageId ? (
        <SelectField id={fields.stageId.id} name={fields.stageId.name} defaultValue={fields.stageId.initialValue as string | undefined} label={t("pipelines.lead.stage")} errors={errorText(fields.stageId.errors)}>
          {stages.map((stage) => (
            <option key={stage.id} value={stage.id}>
              {stage.name}
            </option>
          ))}
        </SelectField>
      ) : null}
      <div className="space-y-1">
        <label htmlFor={fields.notes.id} className="block text-sm font-medium text-slate-700">
          {t("pipelines.lead.notes")}
        </label>
        <textarea
          id={fields.notes.id}
          name={fields.notes.name}
          defaultValue={fields.notes.initialValue as string | undefined}
          rows={4}
          maxLength={5000}
          className="block w-full rounded-md border-0 px-3 py-2 text-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-600"
        />
      </div>
    </>
  );
}
