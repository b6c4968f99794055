import { useEffect, useState } from "react";

let hydrated = false;

/** False during SSR and the first client render, true afterwards: lets JS-only UI enhance server-rendered fallbacks. */
export function useHydrated(): boolean {
  const [isHydrated, setHydrated] = useState(hydrated);
  useEffect(() => {
    hydrated = true;
    setHydrated(true);
  }, []);
  return isHydrated;
}
