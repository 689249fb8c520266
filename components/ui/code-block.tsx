import * as React from "react";

import { cn } from "@/lib/utils";
import { CopyButton } from "@/components/ui/copy-button";

type CodeBlockProps = Omit<React.ComponentProps<"div">, "children"> & {
  code: string;
  /** Accessible name of the copy button, e.g. "Copy curl command". */
  label?: string;
  /** What the copy button copies when it differs from what is shown (e.g. a raw body shown pretty). */
  copyValue?: string;
  /** Accessible name of the scrollable code itself, e.g. "Request body", when tests or readers need one. */
  codeLabel?: string;
};

// Monospace, scrolls sideways rather than wrapping (commands must stay copyable as-is),
// and is focusable so keyboard users can scroll it. Inline-size containment keeps a long
// line from widening the dialog or grid track around it; the block takes the width it is given.
// The copy button has a column of its own beside the code, so scrolled text never runs under it;
// a max-height on the block (className) scrolls the code vertically while the button stays put
// (a single-line flex container clamps its line, and so its stretched children, to that height).
function CodeBlock({ code, label = "Copy code", copyValue, codeLabel, className, ...props }: CodeBlockProps) {
  return (
    <div
      data-slot="code-block"
      className={cn("flex w-full min-w-0 rounded-md border bg-muted/50 contain-inline-size", className)}
      {...props}
    >
      <pre
        tabIndex={0}
        aria-label={codeLabel}
        className="min-w-0 flex-1 overflow-auto rounded-l-md px-3 py-3 font-mono text-xs leading-relaxed outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50 sm:text-sm"
      >
        <code>{code}</code>
      </pre>
      <div className="shrink-0 border-l p-1">
        <CopyButton value={copyValue ?? code} label={label} />
      </div>
    </div>
  );
}

export { CodeBlock };
export type { CodeBlockProps };
