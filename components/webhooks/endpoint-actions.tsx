"use client";
// The endpoint page's confirmations: pause, rotate the signing secret, delete. Each is loaded when
// its button is first clicked (lazy.tsx), so it opens at once (`defaultOpen`).
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { WEBHOOKS_PATH } from "@/components/webhooks/paths";
import {
  DEFAULT_GRACE_SECONDS,
  GRACE_PERIODS,
  useDeleteEndpoint,
  useRotateSecret,
  useUpdateEndpoint,
  type EndpointWithSecret,
  type Scoping,
} from "@/components/webhooks/queries";
import { DeleteEndpointButton, PAUSE_EXPLANATION, PauseEndpointButton, RotateSecretButton } from "@/components/webhooks/triggers";
import type { EndpointView } from "@/lib/validations/webhooks";

type Props = { scoping: Scoping; endpoint: EndpointView; defaultOpen?: boolean };

export function PauseEndpointDialog({ scoping, endpoint: e, defaultOpen }: Props) {
  const update = useUpdateEndpoint(scoping, e.id);
  return (
    <ConfirmDialog
      defaultOpen={defaultOpen}
      trigger={<PauseEndpointButton />}
      title={`Pause ${e.name}?`}
      description={`${PAUSE_EXPLANATION} Deliveries already under way finish first.`}
      confirmLabel="Pause endpoint"
      action={() => update.mutateAsync({ status: "PAUSED" })}
      successMessage={`${e.name} paused`}
    />
  );
}

export function RotateSecretDialog({ scoping, endpoint, defaultOpen, onSecret }: Props & { onSecret: (e: EndpointWithSecret) => void }) {
  const rotate = useRotateSecret(scoping, endpoint.id);
  const [grace, setGrace] = useState<number>(DEFAULT_GRACE_SECONDS);
  const selectId = useId();
  return (
    <ConfirmDialog
      defaultOpen={defaultOpen}
      trigger={<RotateSecretButton />}
      title={`Rotate the signing secret of ${endpoint.name}?`}
      description="You get a new signing secret, shown once. Update your receiver with it; during the grace period deliveries carry signatures made with both secrets, so it can switch without rejecting any."
      confirmLabel="Rotate secret"
      onOpenChange={(open) => {
        if (!open) setGrace(DEFAULT_GRACE_SECONDS);
      }}
      action={() => rotate.mutateAsync(grace)}
      successMessage="New signing secret generated"
      onSuccess={(e) => {
        // The secret is shown once: do not keep it in the mutation's cache as well.
        rotate.reset();
        onSecret(e);
      }}
    >
      <div className="grid gap-2">
        <Label htmlFor={selectId}>Old secret keeps signing</Label>
        <Select value={String(grace)} onValueChange={(v) => setGrace(Number(v))}>
          <SelectTrigger id={selectId} className="w-full">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            {GRACE_PERIODS.map((g) => (
              <SelectItem key={g.seconds} value={String(g.seconds)}>
                {g.label}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
        <p className="text-sm text-muted-foreground">
          {grace === 0
            ? "The old secret stops signing at once; receivers that still check it reject deliveries until updated."
            : "Both secrets sign each delivery during this period."}
        </p>
      </div>
    </ConfirmDialog>
  );
}

export function DeleteEndpointDialog({ scoping, endpoint: e, defaultOpen }: Props) {
  const router = useRouter();
  const remove = useDeleteEndpoint(scoping, e.id);
  return (
    <ConfirmDialog
      defaultOpen={defaultOpen}
      trigger={<DeleteEndpointButton />}
      title={`Delete ${e.name}?`}
      description="The endpoint and its delivery history are deleted, and deliveries not yet sent are dropped. This cannot be undone; to stop deliveries for a while, pause it instead."
      confirmLabel="Delete endpoint"
      destructive
      confirmText={e.name}
      action={() => remove.mutateAsync()}
      successMessage={`Endpoint ${e.name} deleted`}
      onSuccess={() => router.push(WEBHOOKS_PATH)}
    />
  );
}
