"use client";

import * as React from "react";
import { CheckIcon, CopyIcon } from "lucide-react";
import { toast } from "sonner";

import { cn } from "@/lib/utils";
import { Button } from "@/components/ui/button";

// The Clipboard API exists only in secure contexts; a self-hosted console is often served over
// plain http on a LAN, so fall back to selecting a hidden textarea and execCommand("copy").
// The textarea goes next to the button rather than into <body>: inside a Radix dialog the focus
// trap would pull focus (and the selection) back before the copy happens.
async function copyText(text: string, anchor: HTMLElement | null): Promise<void> {
  if (typeof navigator !== "undefined" && navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return;
    } catch {
      // Permission denied or document not focused: try the fallback.
    }
  }

  const textarea = document.createElement("textarea");
  textarea.value = text;
  textarea.setAttribute("readonly", "");
  textarea.setAttribute("aria-hidden", "true");
  textarea.tabIndex = -1;
  Object.assign(textarea.style, {
    position: "fixed",
    top: "0",
    left: "0",
    width: "1px",
    height: "1px",
    padding: "0",
    border: "0",
    opacity: "0",
    pointerEvents: "none",
  });
  const container = anchor?.parentElement ?? document.body;
  container.appendChild(textarea);
  try {
    textarea.focus({ preventScroll: true });
    textarea.select();
    textarea.setSelectionRange(0, text.length);
    if (!document.execCommand("copy")) throw new Error("execCommand('copy') returned false");
  } finally {
    textarea.remove();
    anchor?.focus({ preventScroll: true });
  }
}

type CopyButtonProps = Omit<React.ComponentProps<typeof Button>, "value" | "onClick" | "children"> & {
  /** The text put on the clipboard. */
  value: string;
  /** Accessible name, e.g. "Copy client secret". */
  label?: string;
};

function CopyButton({
  value,
  label = "Copy to clipboard",
  className,
  variant = "ghost",
  size = "icon-sm",
  ...props
}: CopyButtonProps) {
  const [copied, setCopied] = React.useState(false);
  const buttonRef = React.useRef<HTMLButtonElement>(null);
  const timer = React.useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  React.useEffect(() => () => clearTimeout(timer.current), []);

  async function onClick() {
    try {
      await copyText(value, buttonRef.current);
      setCopied(true);
      clearTimeout(timer.current);
      timer.current = setTimeout(() => setCopied(false), 2000);
      toast.success("Copied");
    } catch {
      toast.error("Could not copy. Select the text and copy it by hand.");
    }
  }

  return (
    <Button
      ref={buttonRef}
      type="button"
      variant={variant}
      size={size}
      aria-label={label}
      title={label}
      data-slot="copy-button"
      data-copied={copied || undefined}
      className={cn("text-muted-foreground hover:text-foreground", className)}
      onClick={onClick}
      {...props}
    >
      {copied ? <CheckIcon className="text-success" /> : <CopyIcon />}
    </Button>
  );
}

export { CopyButton, copyText };
export type { CopyButtonProps };
