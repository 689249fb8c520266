"use client";
// Signed checkpoints of the chain's head: an admin exports one (a JSON file to keep outside
// Gatehouse), and anyone who can read the log checks a saved one against it later. Removing the
// newest entries leaves a chain that still verifies; only a checkpoint taken earlier shows it.
import { useMutation } from "@tanstack/react-query";
import { CircleAlert, CircleCheck, Download, FileCheck } from "lucide-react";
import { useId, useRef } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/spinner";
import { ApiError, fetchApi } from "@/lib/api/fetch-api";
import type { AuditCheckpoint, AuditCheckpointVerificationView } from "@/lib/validations/audit";

const PROBLEMS: Record<NonNullable<AuditCheckpointVerificationView["problem"]>, string> = {
  bad_signature: "The checkpoint's signature is not valid: it was not made by this Gatehouse, or it was edited.",
  other_organization: "The checkpoint belongs to another organization.",
  chain_broken: "The hash chain itself is broken (see above).",
  head_missing: "The entry the checkpoint ends with is gone or different: entries up to the checkpoint were removed or rewritten.",
  count_mismatch: "Entries before the checkpoint's last one were removed.",
};

function download(cp: AuditCheckpoint) {
  const blob = new Blob([JSON.stringify(cp, null, 2) + "\n"], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = `audit-checkpoint-${cp.seq ?? "0"}-${cp.created_at.slice(0, 10)}.json`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function CheckpointControls({ canExport }: { canExport: boolean }) {
  const fileId = useId();
  const input = useRef<HTMLInputElement>(null);
  const exporter = useMutation({
    mutationFn: () => fetchApi<AuditCheckpoint>("/api/v1/audit-events/checkpoint"),
    onSuccess: (cp) => {
      download(cp);
      toast.success(cp.seq ? `Checkpoint of entry #${cp.seq} downloaded` : "Checkpoint of the empty log downloaded");
    },
    onError: (err) => toast.error(err.message),
  });
  const checker = useMutation({
    mutationFn: async (file: File) => {
      let cp: unknown;
      try {
        cp = JSON.parse(await file.text());
      } catch {
        throw new ApiError(0, "That file is not a checkpoint (not JSON).");
      }
      return fetchApi<AuditCheckpointVerificationView>("/api/v1/audit-events/checkpoint/verify", { method: "POST", body: cp });
    },
  });

  return (
    <div className="grid gap-2">
      <div className="flex flex-wrap items-center gap-2">
        {canExport ? (
          <Button variant="outline" size="sm" onClick={() => exporter.mutate()} disabled={exporter.isPending} aria-busy={exporter.isPending || undefined}>
            {exporter.isPending ? <Spinner /> : <Download aria-hidden />}
            Export checkpoint
          </Button>
        ) : null}
        <input
          ref={input}
          id={fileId}
          type="file"
          accept="application/json,.json"
          className="sr-only"
          aria-label="Checkpoint file to check"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) checker.mutate(f);
            e.target.value = "";
          }}
        />
        <Button variant="outline" size="sm" onClick={() => input.current?.click()} disabled={checker.isPending} aria-busy={checker.isPending || undefined}>
          {checker.isPending ? <Spinner /> : <FileCheck aria-hidden />}
          Check a checkpoint
        </Button>
      </div>
      {checker.error ? (
        <p role="alert" className="flex items-center gap-2 text-sm text-destructive">
          <CircleAlert className="size-4 shrink-0" aria-hidden />
          Could not check the checkpoint: {checker.error.message}
        </p>
      ) : checker.data ? (
        checker.data.ok ? (
          <p role="status" className="flex items-center gap-2 text-sm">
            <CircleCheck className="size-4 shrink-0 text-success" aria-hidden />
            Checkpoint holds: every entry up to it is still here
            {checker.data.events_since_checkpoint ? `, and ${checker.data.events_since_checkpoint} were added since` : ""}.
          </p>
        ) : (
          <p role="alert" className="flex items-center gap-2 text-sm text-destructive">
            <CircleAlert className="size-4 shrink-0" aria-hidden />
            Checkpoint does not hold. {checker.data.problem ? PROBLEMS[checker.data.problem] : ""}
          </p>
        )
      ) : (
        <p className="text-sm text-muted-foreground">
          {canExport ? "Export a signed checkpoint and keep it outside Gatehouse (a ticket, an archive). " : ""}
          Checking it later shows whether any entry up to it was removed or rewritten, which the chain alone cannot show for the newest entries.
        </p>
      )}
    </div>
  );
}
