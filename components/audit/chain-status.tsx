"use client";
// The hash chain check: every entry hashes its predecessor, so changing, removing or reordering
// any past entry breaks the chain from that point on. The head hash, noted elsewhere, also
// makes removal of the newest entries detectable.
import { CircleAlert, CircleCheck, RefreshCw } from "lucide-react";
import { CheckpointControls } from "@/components/audit/checkpoint-controls";
import { SYSTEM_MONO } from "@/components/audit/format";
import { useAuditVerification } from "@/components/audit/queries";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Skeleton } from "@/components/ui/skeleton";
import { Spinner } from "@/components/ui/spinner";
import { cn } from "@/lib/utils";

const REASONS = {
  hash_mismatch: "its content no longer matches its hash (the entry was changed)",
  prev_mismatch: "it does not link to the entry before it (an entry was removed, inserted or reordered)",
  unkeyed_after_keyed: "it carries an unkeyed hash after keyed entries (the entry was forged or rewritten)",
} as const;

export function ChainStatus({ orgId, canExportCheckpoint = false }: { orgId: string; canExportCheckpoint?: boolean }) {
  const v = useAuditVerification(orgId);
  const recheck = (
    <Button
      variant="outline"
      size="sm"
      onClick={() => void v.refetch()}
      disabled={v.isFetching}
      aria-busy={v.isFetching || undefined}
    >
      {v.isFetching ? <Spinner /> : <RefreshCw aria-hidden />}
      Verify again
    </Button>
  );

  let body: React.ReactNode;
  let broken = false;
  if (v.isPending) {
    body = (
      <div className="grid gap-2" aria-label="Verifying the hash chain">
        <Skeleton className="h-5 w-56" />
        <Skeleton className="h-4 w-80 max-w-full" />
      </div>
    );
  } else if (v.error) {
    broken = true;
    body = (
      <p role="alert" className="flex items-center gap-2 text-sm text-destructive">
        <CircleAlert className="size-4 shrink-0" aria-hidden />
        Could not verify the hash chain: {v.error.message}
      </p>
    );
  } else if (!v.data.ok && v.data.first_broken) {
    broken = true;
    const fb = v.data.first_broken;
    body = (
      <div role="alert" className="grid gap-1">
        <p className="flex items-center gap-2 font-medium text-destructive">
          <CircleAlert className="size-5 shrink-0" aria-hidden />
          Hash chain broken at entry #{fb.seq}
        </p>
        <p className="text-sm">
          Entry #{fb.seq} (<code className={cn(SYSTEM_MONO, "text-xs")}>{fb.id}</code>) fails verification: {REASONS[fb.reason]}{" "}
          <span className={cn(SYSTEM_MONO, "text-xs text-muted-foreground")}>({fb.reason})</span>. The {v.data.count}{" "}
          {v.data.count === 1 ? "entry" : "entries"} before it verify; this entry and everything after it cannot be trusted.
        </p>
      </div>
    );
  } else {
    const { count, head } = v.data;
    body = (
      <div className="grid gap-2">
        <p role="status" className="flex items-center gap-2 font-medium">
          <CircleCheck className="size-5 shrink-0 text-success" aria-hidden />
          {count === 0 ? "No entries yet: nothing to verify" : `Hash chain verified: ${count} ${count === 1 ? "entry" : "entries"}`}
        </p>
        {head ? (
          <>
            <div className="flex min-w-0 items-center gap-2 text-sm">
              <span className="shrink-0 text-muted-foreground">Head (#{head.seq})</span>
              <code className={cn("min-w-0 truncate rounded bg-muted px-1.5 py-0.5 text-xs", SYSTEM_MONO)} title={head.hash}>
                {head.hash}
              </code>
              <CopyButton value={head.hash} label="Copy head hash" />
            </div>
            <p className="text-sm text-muted-foreground">
              Each entry includes the hash of the one before it, so no past entry can be changed, removed or reordered
              without breaking the chain, and hashes are keyed with a secret the database does not hold. Removing the
              newest entries leaves a shorter chain that still verifies: a checkpoint exported now shows that later.
            </p>
          </>
        ) : null}
      </div>
    );
  }

  return (
    <section
      aria-labelledby="chain-heading"
      className={cn(
        "grid gap-3 rounded-lg border p-4",
        broken ? "border-destructive/40 bg-destructive/5" : "bg-card",
      )}
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="chain-heading" className="text-sm font-semibold">
          Chain verification
        </h2>
        {recheck}
      </div>
      {body}
      <CheckpointControls canExport={canExportCheckpoint} />
    </section>
  );
}
