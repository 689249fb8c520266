// Buttons that open the webhooks feature's dialogs, shared by each dialog and by the stand-in that
// shows them while the dialog's code loads (lazy.tsx): the same element before and after.
import { FlaskConical, LifeBuoy, Pause, Plus, RefreshCw, Trash2 } from "lucide-react";
import { Button } from "@/components/ui/button";

type ButtonProps = React.ComponentProps<typeof Button>;

export function CreateEndpointButton(props: ButtonProps) {
  return (
    <Button {...props}>
      <Plus aria-hidden />
      Create endpoint
    </Button>
  );
}

export function SendTestEventButton(props: ButtonProps) {
  return (
    <Button variant="outline" {...props}>
      <FlaskConical aria-hidden />
      Send test event
    </Button>
  );
}

export function RecoverFailedButton(props: ButtonProps) {
  return (
    <Button variant="outline" {...props}>
      <LifeBuoy aria-hidden />
      Recover failed messages
    </Button>
  );
}

export function PauseEndpointButton(props: ButtonProps) {
  return (
    <Button variant="outline" {...props}>
      <Pause aria-hidden />
      Pause
    </Button>
  );
}

export function RotateSecretButton(props: ButtonProps) {
  return (
    <Button variant="outline" {...props}>
      <RefreshCw aria-hidden />
      Rotate secret
    </Button>
  );
}

export function DeleteEndpointButton(props: ButtonProps) {
  return (
    <Button variant="destructive" {...props}>
      <Trash2 aria-hidden />
      Delete
    </Button>
  );
}

/** What pausing does, said by the Pause confirmation and by the notice on a paused endpoint. */
export const PAUSE_EXPLANATION = "While paused, deliveries are held, not dropped, and are sent in order when you resume.";
