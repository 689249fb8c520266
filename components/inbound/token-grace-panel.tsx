"use client";
// While an integration token regeneration's grace period runs: the old token (its last four),
// until when it is accepted, its last use and from where, and "End grace period now". Each
// message in the list below says which token it carried.
import { KeyRound } from "lucide-react";
import { useEndTokenGrace, type Scoping } from "@/components/inbound/queries";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { LocalTime } from "@/components/ui/local-time";
import type { InboundWebhookView } from "@/lib/validations/inbound";

export function TokenGracePanel({ scoping, webhook: w, canManage }: { scoping: Scoping; webhook: InboundWebhookView; canManage: boolean }) {
  const end = useEndTokenGrace(scoping, w.id);
  const old = w.previous_token;
  if (!old) return null;
  return (
    <section aria-labelledby="token-grace-title" className="flex flex-wrap items-start justify-between gap-3 rounded-lg border border-warning/40 bg-warning/5 p-4 text-sm">
      <div className="grid gap-1">
        <h3 id="token-grace-title" className="flex items-center gap-2 font-semibold">
          <KeyRound className="size-4" aria-hidden /> Old token still accepted
        </h3>
        <p>
          The token ending in <code className="font-mono text-xs">…{old.last4}</code> works until <LocalTime iso={old.valid_until} format="datetime" />; the
          current one ends in <code className="font-mono text-xs">…{w.token_last4}</code>.
        </p>
        <p className="text-muted-foreground">
          {old.last_used_at ? (
            <>
              Old token last used <LocalTime iso={old.last_used_at} format="relative" />
              {old.last_used_ip ? (
                <>
                  {" "}
                  from <span className="font-mono text-xs">{old.last_used_ip}</span>
                </>
              ) : null}
              .
            </>
          ) : (
            "The old token has not been used since the regeneration: the sender may already have switched."
          )}
        </p>
      </div>
      {canManage ? (
        <ConfirmDialog
          trigger={<Button variant="outline">End grace period now</Button>}
          title="End the grace period now?"
          description={`The old token (…${old.last4}) is refused from now on; senders still using it get 401, listed under Rejected requests.`}
          confirmLabel="End grace period"
          destructive
          action={() => end.mutateAsync()}
          successMessage="Grace period ended: only the current token works"
        />
      ) : null}
    </section>
  );
}
