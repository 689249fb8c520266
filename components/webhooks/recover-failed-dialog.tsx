"use client";
// "Recover failed messages": pick a window, see how many failed messages it holds (a dry run of
// POST /api/v1/endpoints/{id}/recover), confirm, then follow the job's progress. Each message is
// sent again as another attempt of the same delivery (the same webhook-id).
import { useId, useState } from "react";
import { useRecoveryCount, useRecoveryJob, useStartRecovery } from "@/components/webhooks/filter-recovery-queries";
import { Button } from "@/components/ui/button";
import { RecoverFailedButton } from "@/components/webhooks/triggers";
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Spinner } from "@/components/ui/spinner";
import type { EndpointView } from "@/lib/validations/webhooks";

const WINDOWS = [
  { hours: 1, label: "Last hour" },
  { hours: 24, label: "Last 24 hours" },
  { hours: 3 * 24, label: "Last 3 days" },
  { hours: 7 * 24, label: "Last 7 days" },
  { hours: 30 * 24, label: "Last 30 days" },
] as const;

/** The window, rounded to the minute so that the count's query key holds still while the dialog is open. */
function windowOf(hours: number, openedAt: number) {
  const until = Math.ceil(openedAt / 60_000) * 60_000;
  return { since: new Date(until - hours * 3600_000).toISOString(), until: new Date(until).toISOString() };
}

export function RecoverFailedDialog({ endpoint, defaultOpen = false }: { endpoint: EndpointView; defaultOpen?: boolean }) {
  const [open, setOpen] = useState(defaultOpen);
  const [hours, setHours] = useState<number>(24);
  const [openedAt, setOpenedAt] = useState(() => (defaultOpen ? Date.now() : 0));
  const [jobId, setJobId] = useState<string | null>(null);
  const selectId = useId();
  const w = windowOf(hours, openedAt);
  const count = useRecoveryCount(endpoint.id, w.since, w.until, open && jobId === null);
  const start = useStartRecovery(endpoint.id);
  const job = useRecoveryJob(endpoint.id, jobId);
  const n = count.data?.count ?? 0;
  const j = job.data;
  const finished = j?.status === "completed" || j?.status === "failed";

  function onOpenChange(next: boolean) {
    if (start.isPending) return;
    setOpen(next);
    if (next) setOpenedAt(Date.now());
    else {
      setJobId(null);
      start.reset();
    }
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <RecoverFailedButton />
      </DialogTrigger>
      <DialogContent className="sm:max-w-lg">
        <DialogHeader>
          <DialogTitle>Recover failed messages</DialogTitle>
          <DialogDescription>
            Sends every message to {endpoint.name} that failed in the chosen window again, as another attempt of the same message (the
            same webhook-id, so a receiver that de-duplicates sees a repeat).
          </DialogDescription>
        </DialogHeader>
        {jobId === null ? (
          <div className="grid gap-3">
            <div className="grid gap-2">
              <Label htmlFor={selectId}>Failed since</Label>
              <Select value={String(hours)} onValueChange={(v) => setHours(Number(v))}>
                <SelectTrigger id={selectId} className="w-full">
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  {WINDOWS.map((o) => (
                    <SelectItem key={o.hours} value={String(o.hours)}>
                      {o.label}
                    </SelectItem>
                  ))}
                </SelectContent>
              </Select>
            </div>
            <div aria-live="polite">
              {count.isPending ? (
                <p className="flex items-center gap-2 text-sm text-muted-foreground">
                  <Spinner label="Counting" /> Counting failed messages…
                </p>
              ) : count.error ? (
                <p role="alert" className="text-sm text-destructive">
                  {count.error.message}
                </p>
              ) : (
                <p className="text-sm" role="status">
                  {n === 0 ? "No failed messages in this window: nothing to recover." : `${n} failed message${n === 1 ? "" : "s"} will be sent again.`}
                </p>
              )}
              {start.error ? (
                <p role="alert" className="text-sm text-destructive">
                  {start.error.message}
                </p>
              ) : null}
            </div>
          </div>
        ) : (
          <RecoveryProgress job={j} error={job.error?.message} />
        )}
        <DialogFooter>
          {jobId === null ? (
            <>
              <DialogClose asChild>
                <Button variant="ghost" disabled={start.isPending}>
                  Cancel
                </Button>
              </DialogClose>
              <Button
                disabled={count.isPending || n === 0 || start.isPending}
                aria-busy={start.isPending || undefined}
                onClick={() =>
                  start.mutate(w, {
                    onSuccess: (r) => {
                      if (r.job) setJobId(r.job.id);
                    },
                  })
                }
              >
                {start.isPending ? <Spinner label="Starting" /> : null}
                {n > 0 ? `Recover ${n} message${n === 1 ? "" : "s"}` : "Recover"}
              </Button>
            </>
          ) : (
            <DialogClose asChild>
              <Button variant={finished ? "default" : "outline"}>{finished ? "Done" : "Close (it keeps going)"}</Button>
            </DialogClose>
          )}
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function RecoveryProgress({ job, error }: { job: ReturnType<typeof useRecoveryJob>["data"]; error?: string }) {
  if (error) {
    return (
      <p role="alert" className="text-sm text-destructive">
        {error}
      </p>
    );
  }
  if (!job) return <Spinner label="Starting" />;
  const percent = job.total ? Math.round((job.processed / job.total) * 100) : 100;
  return (
    <div className="grid gap-2" aria-live="polite">
      <div
        role="progressbar"
        aria-label="Recovery progress"
        aria-valuemin={0}
        aria-valuemax={job.total}
        aria-valuenow={job.processed}
        className="h-2 w-full overflow-hidden rounded-full bg-muted"
      >
        <div className="h-full bg-primary transition-[width]" style={{ width: `${percent}%` }} />
      </div>
      <p className="text-sm" role="status">
        {job.status === "completed"
          ? `Done: ${job.recovered} of ${job.total} message${job.total === 1 ? "" : "s"} sent again${job.recovered < job.total ? " (the others were already being retried or replayed)" : ""}.`
          : job.status === "failed"
            ? `Stopped after ${job.processed} of ${job.total}: ${job.error ?? "unknown error"}`
            : `${job.processed} of ${job.total} handled…`}
      </p>
      <p className="font-mono text-xs text-muted-foreground">{job.id}</p>
    </div>
  );
}
