import { Link } from "@remix-run/react";
import { useT } from "~/lib/i18n";

export default function InboxIndex() {
  const t = useT();
  return (
    <div className="flex h-full items-center justify-center p-8 text-center">
      <div className="max-w-sm space-y-2">
        <p className="font-medium">{t("inbox.pickConversation")}</p>
        <p className="text-sm text-slate-600">
          {t("inbox.tryTheSandbox")}{" "}
          <Link to="/sandbox" className="font-medium text-brand-700 underline">
            {t("sandbox.title")}
          </Link>
        </p>
      </div>
    </div>
  );
}
