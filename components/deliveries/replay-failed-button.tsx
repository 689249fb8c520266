"use client";
// "Replay all failed": every failed delivery since a chosen time (last hour, 24 hours, 7 or 30 days
// or a date and time of the viewer's choosing), of one endpoint or all, gets another attempt.
// Before confirming, the dialog says how many that is, per endpoint; then it shows progress while
// the request runs and the count when it is done. On the deliveries page the list's filters
// (endpoint, time range) are carried over from the URL.
import { useSearchParams } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { deliveriesCount, SINCE_PRESETS, sinceToIso, type SinceChoice } from "@/components/deliveries/format";
import { useReplayFailed, useReplayFailedPreview, type Scoping } from "@/components/deliveries/queries";
import { RotateCcw } from "lucide-react";
import { ReplayFailedTrigger } from "@/components/deliveries/triggers";
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
  /**
   * The deliveries page's endpoints: with it, the list's filters in the URL (`endpoint`, `range`)
   * are the dialog's starting point, and a filtered endpoint is named.
   */
  filterEndpoints?: { id: string; name: string }[];
};

export function replayedMessage(n: number): string {
  return n === 0 ? "Replayed 0 deliveries: nothing failed in that time" : `Replayed ${deliveriesCount(n)}`;
}

const isPreset = (v: string | null): v is Exclude<SinceChoice, "custom"> => SINCE_PRESETS.some((p) => p.value === v);

export function ReplayFailedButton(props: ReplayFailedButtonProps & { defaultOpen?: boolean }) {
  // Only the deliveries page reads its URL's filters (useSearchParams needs no Suspense there).
  return props.filterEndpoints ? <FromUrl {...props} filterEndpoints={props.filterEndpoints} /> : <ReplayFailed {...props} />;
}

function FromUrl(props: ReplayFailedButtonProps & { defaultOpen?: boolean; filterEndpoints: { id: string; name: string }[] }) {
  const params = useSearchParams();
  const endpoint = props.filterEndpoints.find((e) => e.id === params.get("endpoint"));
  const range = params.get("range");
  return <ReplayFailed {...props} endpointId={endpoint?.id} endpointName={endpoint?.name} initialChoice={isPreset(range) ? range : undefined} />;
}

function ReplayFailed({
  endpointId,
  endpointName,
  initialChoice,
  scoping,
  variant = "outline",
  defaultOpen = false,
}: ReplayFailedButtonProps & { endpointName?: string; initialChoice?: SinceChoice; defaultOpen?: boolean }) {
  const [open, setOpen] = useState(defaultOpen);
  const [choice, setChoice] = useState<SinceChoice>(initialChoice ?? "24h");
  const [custom, setCustom] = useState("");
  const [customError, setCustomError] = useState<string | null>(null);
  // Presets count back from when the dialog opened, so the count shown and the replay asked for
  // cover the same deliveries (and the preview's query key stays put while it is open).
  const [openedAt, setOpenedAt] = useState(() => (defaultOpen ? Date.now() : 0));
  const replay = useReplayFailed(scoping);
  const selectId = useId();
  const customId = useId();
  const customErrorId = useId();
  const since = !open ? null : choice === "custom" ? sinceToIso(choice, custom) : sinceToIso(choice, "", openedAt);
  const preview = useReplayFailedPreview(scoping, { since, endpointId }, open && !replay.isPending && !replay.isSuccess);

  function onOpenChange(next: boolean) {
    // The request keeps running if the dialog closes; only a finished one resets the form.
    if (!next && !replay.isPending) {
      replay.reset();
      setCustomError(null);
    }
    if (next && !open) {
      setOpenedAt(Date.now());
      if (!replay.isPending) setChoice(initialChoice ?? "24h");
    }
    setOpen(next);
  }

  function submit(e: FormEvent) {
    e.preventDefault();
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
        <ReplayFailedTrigger variant={variant} />
      </DialogTrigger>
      <DialogContent className="sm:max-w-md">
        <form onSubmit={submit} className="grid gap-4" noValidate>
          <DialogHeader>
            <DialogTitle>Replay all failed</DialogTitle>
            <DialogDescription>
              Each failed delivery {endpointId ? `to ${endpointName ?? "this endpoint"} ` : ""}created since the time you
              choose gets another attempt with the same webhook-id, and shows as pending until it succeeds or fails again.
            </DialogDescription>
          </DialogHeader>
          {endpointName ? (
            <p className="text-sm">
              Endpoint: <span className="font-medium">{endpointName}</span>{" "}
              <span className="text-muted-foreground">(the list&apos;s filter)</span>
            </p>
          ) : null}

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
            {!replay.isPending && !done && !replay.isError && since ? (
              <ReplayPreview total={preview.data?.total} endpoints={preview.data?.endpoints} error={preview.error?.message} showEndpoints={!endpointId} />
            ) : null}
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

function ReplayPreview({
  total,
  endpoints,
  error,
  showEndpoints,
}: {
  total?: number;
  endpoints?: { endpoint_id: string; endpoint_name: string; failed: number }[];
  error?: string;
  showEndpoints: boolean;
}) {
  if (error) return <p className="text-sm text-destructive">Could not count them: {error}</p>;
  if (total === undefined) {
    return (
      <p className="flex items-center gap-2 text-sm text-muted-foreground">
        <Spinner label="Counting" />
        Counting failed deliveries…
      </p>
    );
  }
  if (total === 0) return <p className="text-sm text-muted-foreground">Nothing failed in that time: there is nothing to replay.</p>;
  return (
    <div className="grid gap-2 rounded-md border bg-muted/40 px-3 py-2 text-sm" aria-label="Will be replayed" role="group">
      <p className="font-medium">
        {total} failed {total === 1 ? "delivery" : "deliveries"} will be replayed{showEndpoints && endpoints && endpoints.length > 1 ? ` to ${endpoints.length} endpoints` : ""}.
      </p>
      {showEndpoints && endpoints ? (
        <ul className="grid max-h-40 gap-1 overflow-y-auto" aria-label="Per endpoint">
          {endpoints.map((e) => (
            <li key={e.endpoint_id} className="flex min-w-0 justify-between gap-3">
              <span className="truncate" title={e.endpoint_name}>
                {e.endpoint_name}
              </span>
              <span className="shrink-0 tabular-nums">{e.failed}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
