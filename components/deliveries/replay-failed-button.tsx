"use client";
// "Replay all failed": every failed delivery since a chosen time (last hour, 24 hours, 7 days or
// a date and time of the viewer's choosing), of one endpoint or all, gets one new delivery. The
// dialog shows progress while the request runs and the count when it is done.
import { RotateCcw } from "lucide-react";
import { useId, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { deliveriesCount, SINCE_PRESETS, sinceToIso, type SinceChoice } from "@/components/deliveries/format";
import { useReplayFailed, type Scoping } from "@/components/deliveries/queries";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Spinner } from "@/components/ui/spinner";

export type ReplayFailedButtonProps = {
  /** Only this endpoint's failed deliveries; without it, every endpoint's. */
  endpointId?: string;
  scoping?: Scoping;
  /** Button look; "outline" unless given. */
  variant?: "default" | "outline";
};

export function replayedMessage(n: number): string {
  return n === 0 ? "Replayed 0 deliveries: nothing failed in that time" : `Replayed ${deliveriesCount(n)}`;
}

export function ReplayFailedButton({ endpointId, scoping, variant = "outline" }: ReplayFailedButtonProps) {
  const [open, setOpen] = useState(false);
  const [choice, setChoice] = useState<SinceChoice>("24h");
  const [custom, setCustom] = useState("");
  const [customError, setCustomError] = useState<string | null>(null);
  const replay = useReplayFailed(scoping);
  const selectId = useId();
  const customId = useId();
  const customErrorId = useId();

  function onOpenChange(next: boolean) {
    // The request keeps running if the dialog closes; only a finished one resets the form.
    if (!next && !replay.isPending) {
      replay.reset();
      setCustomError(null);
    }
    setOpen(next);
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const since = sinceToIso(choice, custom);
    if (!since) {
      setCustomError(custom ? "Choose a time in the past." : "Choose a date and time.");
      return;
    }
    setCustomError(null);
    replay.mutate(
      { since, endpointId },
      {
        onSuccess: (r) => toast.success(replayedMessage(r.replayed)),
        onError: (err) => toast.error(`Could not replay: ${err.message}`),
      },
    );
  }

  const done = replay.isSuccess ? replay.data : null;

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button variant={variant}>
          <RotateCcw aria-hidden />
          Replay all failed
        </Button>
      </DialogTrigger>
      <DialogContent className="sm:max-w-md">
        <form onSubmit={submit} className="grid gap-4" noValidate>
          <DialogHeader>
            <DialogTitle>Replay all failed</DialogTitle>
            <DialogDescription>
              Each failed delivery {endpointId ? "to this endpoint " : ""}created since the time you choose gets another
              attempt with the same webhook-id, and shows as pending until it succeeds or fails again.
            </DialogDescription>
          </DialogHeader>

          <div className="grid gap-2">
            <Label htmlFor={selectId}>Failed since</Label>
            <Select
              value={choice}
              onValueChange={(v) => {
                setChoice(v as SinceChoice);
                setCustomError(null);
                replay.reset();
              }}
              disabled={replay.isPending}
            >
              <SelectTrigger id={selectId} className="w-full">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {SINCE_PRESETS.map((p) => (
                  <SelectItem key={p.value} value={p.value}>
                    {p.label}
                  </SelectItem>
                ))}
                <SelectItem value="custom">A date and time…</SelectItem>
              </SelectContent>
            </Select>
          </div>

          {choice === "custom" ? (
            <div className="grid gap-2">
              <Label htmlFor={customId}>Date and time (your time zone)</Label>
              <Input
                id={customId}
                type="datetime-local"
                value={custom}
                onChange={(e) => {
                  setCustom(e.target.value);
                  setCustomError(null);
                  replay.reset();
                }}
                disabled={replay.isPending}
                aria-invalid={customError ? true : undefined}
                aria-describedby={customError ? customErrorId : undefined}
              />
              {customError ? (
                <p id={customErrorId} className="text-sm text-destructive">
                  {customError}
                </p>
              ) : null}
            </div>
          ) : null}

          <div aria-live="polite" className="min-h-0">
            {replay.isPending ? (
              <div className="grid gap-2">
                <p className="flex items-center gap-2 text-sm">
                  <Spinner label="Replaying" />
                  Queuing replays…
                </p>
                {/* The API answers once for the whole batch, so the bar is indeterminate. */}
                <div
                  role="progressbar"
                  aria-label="Replaying failed deliveries"
                  className="relative h-1.5 w-full overflow-hidden rounded-full bg-muted"
                >
                  <span className="absolute inset-y-0 left-0 w-1/3 animate-[replay-progress_1.2s_ease-in-out_infinite] rounded-full bg-primary motion-reduce:animate-none" />
                </div>
              </div>
            ) : done ? (
              <p role="status" className="rounded-md border border-success/30 bg-success/10 px-3 py-2 text-sm">
                {replayedMessage(done.replayed)}.
              </p>
            ) : replay.isError ? (
              <p role="alert" className="text-sm text-destructive">
                {replay.error.message}
              </p>
            ) : null}
          </div>

          <DialogFooter>
            {done ? (
              <Button type="button" onClick={() => onOpenChange(false)}>
                Done
              </Button>
            ) : (
              <>
                <Button type="button" variant="outline" onClick={() => onOpenChange(false)} disabled={replay.isPending}>
                  Cancel
                </Button>
                <Button type="submit" disabled={replay.isPending}>
                  {replay.isPending ? <Spinner label="Replaying" /> : <RotateCcw aria-hidden />}
                  Replay failed deliveries
                </Button>
              </>
            )}
          </DialogFooter>
        </form>
        <style>{`@keyframes replay-progress { 0% { transform: translateX(-100%); } 100% { transform: translateX(300%); } }`}</style>
      </DialogContent>
    </Dialog>
  );
}
