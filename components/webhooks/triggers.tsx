// Buttons that open the webhooks feature's dialogs, shared by each dialog and by the stand-in that
// shows them while the dialog's code loads (lazy.tsx): the same element before and after.
import { FlaskConical, Plus } from "lucide-react";
import { Button } from "@/components/ui/button";

export function CreateEndpointButton(props: React.ComponentProps<typeof Button>) {
  return (
    <Button {...props}>
      <Plus aria-hidden />
      Create endpoint
    </Button>
  );
}

export function SendTestEventButton(props: React.ComponentProps<typeof Button>) {
  return (
    <Button variant="outline" {...props}>
      <FlaskConical aria-hidden />
      Send test event
    </Button>
  );
}
