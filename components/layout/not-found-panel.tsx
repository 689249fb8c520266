"use client";
// What a console page shows instead of a bare 404: a not-found message inside the console's
// layout, with the way back to the list; and, for a link to a resource of the other mode (test
// or live), an offer to switch to that mode, like Stripe's.
import { ArrowLeft, SearchX } from "lucide-react";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useTransition } from "react";
import { switchEnvironment } from "@/lib/actions/console";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/spinner";
import { listOf } from "@/components/layout/console-paths";

function BackLink({ href, label }: { href: string; label: string }) {
  return (
    <Link
      href={href}
      className="inline-flex w-fit items-center gap-1.5 rounded-sm text-sm font-medium underline-offset-4 hover:underline focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none"
    >
      <ArrowLeft className="size-4" aria-hidden />
      Back to {label}
    </Link>
  );
}

export function NotFoundPanel() {
  const list = listOf(usePathname());
  return (
    <section aria-labelledby="not-found-title" className="grid justify-items-start gap-3 rounded-lg border border-dashed p-8">
      <SearchX className="size-8 text-muted-foreground" aria-hidden />
      <h1 id="not-found-title" className="text-xl font-semibold">
        Not found
      </h1>
      <p className="max-w-prose text-sm text-muted-foreground">
        Nothing here in this organization and mode. It may have been deleted, or the link is wrong.
      </p>
      <BackLink {...list} />
    </section>
  );
}

/** For a resource that exists, but in the other mode than the one the console is in. */
export function InOtherModePanel({ what, mode }: { what: string; mode: "test" | "live" }) {
  const router = useRouter();
  const list = listOf(usePathname());
  const [pending, start] = useTransition();
  return (
    <section aria-labelledby="other-mode-title" className="grid justify-items-start gap-3 rounded-lg border border-dashed p-8">
      <SearchX className="size-8 text-muted-foreground" aria-hidden />
      <h1 id="other-mode-title" className="text-xl font-semibold">
        This {what} is in {mode} mode
      </h1>
      <p className="max-w-prose text-sm text-muted-foreground">
        You are looking at {mode === "test" ? "live" : "test"} mode, which has its own {what}s. Switch to {mode} mode to see it.
      </p>
      <div className="flex flex-wrap items-center gap-4">
        <Button
          disabled={pending}
          onClick={() =>
            start(async () => {
              await switchEnvironment(mode);
              router.refresh();
            })
          }
        >
          {pending ? <Spinner label="Switching" /> : null}
          Switch to {mode} mode
        </Button>
        <BackLink {...list} />
      </div>
    </section>
  );
}
