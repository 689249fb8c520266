// Buttons that open the deliveries feature's dialogs, shared by each dialog and by the stand-in
// that shows them while the dialog's code loads (lazy.tsx): the same element before and after.
import { RotateCcw } from "lucide-react";
import { Button } from "@/components/ui/button";

export function ReplayFailedTrigger({ variant = "outline", ...props }: React.ComponentProps<typeof Button>) {
  // (A variant passed as undefined, as the stand-in passes an unset one, is the default too.)
  return (
    <Button variant={variant} {...props}>
      <RotateCcw aria-hidden />
      Replay all failed
    </Button>
  );
}
