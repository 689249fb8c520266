import * as React from "react";

import { cn } from "@/lib/utils";
import { CopyButton } from "@/components/ui/copy-button";

type CodeBlockProps = Omit<React.ComponentProps<"div">, "children"> & {
  code: string;
  /** Accessible name of the copy button, e.g. "Copy curl command". */
  label?: string;
};

// Monospace, scrolls sideways rather than wrapping (commands must stay copyable as-is),
// and is focusable so keyboard users can scroll it. Inline-size containment keeps a long
// line from widening the dialog or grid track around it; the block takes the width it is given.
function CodeBlock({ code, label = "Copy code", className, ...props }: CodeBlockProps) {
  return (
    <div
      data-slot="code-block"
      className={cn("relative w-full min-w-0 rounded-md border bg-muted/50 contain-inline-size", className)}
      {...props}
    >
      <pre
        tabIndex={0}
        className="overflow-x-auto rounded-md py-3 pr-12 pl-3 font-mono text-xs leading-relaxed outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50 sm:text-sm"
      >
        <code>{code}</code>
      </pre>
      <CopyButton value={code} label={label} className="absolute top-1.5 right-1.5 bg-muted" />
    </div>
  );
}

export { CodeBlock };
export type { CodeBlockProps };
