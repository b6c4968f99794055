import { Form } from "@remix-run/react";
import { Button } from "~/components/ui/button";
import { useT } from "~/lib/i18n";

/** Ends an active enrollment by hand: a plain form posting intent=exit (the enrollment's own page needs no id). */
export function ExitEnrollmentButton({ enrollmentId }: { enrollmentId?: string }) {
  const t = useT();
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="exit" />
      {enrollmentId ? <input type="hidden" name="enrollmentId" value={enrollmentId} /> : null}
      <Button type="submit" size="sm" variant="danger">
        {t("cadences.exit.button")}
      </Button>
    </Form>
  );
}
