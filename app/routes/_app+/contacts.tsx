import { ComingSoon } from "~/components/coming-soon";
import { useT } from "~/lib/i18n";

export default function Page() {
  const t = useT();
  return <ComingSoon title={t("nav.contacts")} />;
}
