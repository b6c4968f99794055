import { Form, Link } from "@remix-run/react";
import { useT } from "~/lib/i18n";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { FieldErrors } from "../ui/field";
import { useErrorText } from "../use-field-errors";

type Props = { body: string; confirmLabel: string; submitLabel: string; cancelHref: string; errors?: string[]; disabled?: boolean };

/** A destructive action as a plain form: a checkbox to tick (no JS confirm dialog), then the button. */
export function ConfirmForm({ body, confirmLabel, submitLabel, cancelHref, errors, disabled }: Props) {
  const t = useT();
  const errorText = useErrorText();
  return (
    <Card>
      <Form method="post" className="space-y-4">
        <p className="text-sm text-slate-700">{body}</p>
        {disabled ? null : (
          <div>
            <label className="flex items-start gap-2 text-sm font-medium text-slate-800">
              <input type="checkbox" name="confirm" value="yes" className="mt-0.5" aria-describedby={errors?.length ? "confirm-error" : undefined} />
              {confirmLabel}
            </label>
            <FieldErrors id="confirm-error" errors={errorText(errors)} />
          </div>
        )}
        <div className="flex gap-2">
          {disabled ? null : (
            <Button type="submit" variant="danger">
              {submitLabel}
            </Button>
          )}
          <Button asChild variant="ghost">
            <Link to={cancelHref}>{t("common.cancel")}</Link>
          </Button>
        </div>
      </Form>
    </Card>
  );
}
