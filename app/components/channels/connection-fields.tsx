import { useLocale, useT } from "~/lib/i18n";
import { InputField } from "../ui/field";
import { useErrorText } from "../use-field-errors";

/** The adapter's ConfigField, as the loader sends it. */
export type FormField = { name: string; label: { "pt-BR": string; en: string }; secret: boolean; required: boolean; placeholder?: string };

type Props = {
  fields: FormField[];
  name: string;
  values?: Record<string, unknown>;
  errors?: Record<string, string[] | undefined>;
  /** Editing: secret inputs start blank and keep the stored value when left blank. */
  editing?: boolean;
};

/** The connection's name plus the adapter's own fields; secrets are never sent back to the browser. */
export function ConnectionFields({ fields, name, values = {}, errors = {}, editing = false }: Props) {
  const t = useT();
  const locale = useLocale();
  const errorText = useErrorText();
  return (
    <div className="space-y-4">
      <InputField id="connection-name" name="name" required maxLength={80} defaultValue={name} label={t("channels.name")} errors={errorText(errors.name)} />
      {fields.map((field) => (
        <InputField
          key={field.name}
          id={`field-${field.name}`}
          name={field.name}
          type={field.secret ? "password" : "text"}
          autoComplete="off"
          required={field.required && !(editing && field.secret)}
          placeholder={field.placeholder}
          defaultValue={field.secret ? "" : String(values[field.name] ?? "")}
          label={field.label[locale]}
          hint={editing && field.secret ? t("channels.secretKeep") : undefined}
          errors={errorText(errors[field.name])}
        />
      ))}
    </div>
  );
}
