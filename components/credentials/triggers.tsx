// Buttons that open the credentials feature's dialogs, shared by each dialog and by the stand-in
// that shows them while the dialog's code loads (lazy.tsx): the same element before and after.
import { KeyRound } from "lucide-react";
import { Button } from "@/components/ui/button";

export function CreateCredentialButton(props: React.ComponentProps<typeof Button>) {
  return (
    <Button {...props}>
      <KeyRound aria-hidden />
      Create Credential
    </Button>
  );
}
