"use client";
// A section whose content folds away under its heading (Radix Collapsible: a real button with
// aria-expanded, content removed from the tab order while closed). Used for the endpoint page's
// settings, which sit below the deliveries and open on demand.
import { ChevronDown } from "lucide-react";
import { Collapsible as CollapsiblePrimitive } from "radix-ui";
import { useId, useState } from "react";
import { cn } from "@/lib/utils";

export function CollapsibleSection({
  title,
  description,
  defaultOpen = false,
  className,
  children,
}: {
  title: string;
  description?: string;
  defaultOpen?: boolean;
  className?: string;
  children: React.ReactNode;
}) {
  const [open, setOpen] = useState(defaultOpen);
  const id = useId();
  return (
    <CollapsiblePrimitive.Root open={open} onOpenChange={setOpen} asChild>
      <section aria-labelledby={`${id}-heading`} className={cn("grid gap-3", className)}>
        <h2 id={`${id}-heading`} className="text-lg font-semibold">
          <CollapsiblePrimitive.Trigger className="group flex w-full items-center gap-2 rounded-sm text-left focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none">
            <ChevronDown aria-hidden className="size-4 shrink-0 transition-transform group-data-[state=closed]:-rotate-90" />
            {title}
          </CollapsiblePrimitive.Trigger>
        </h2>
        {description ? <p className="-mt-2 pl-6 text-sm text-muted-foreground">{description}</p> : null}
        <CollapsiblePrimitive.Content className="min-w-0">{children}</CollapsiblePrimitive.Content>
      </section>
    </CollapsiblePrimitive.Root>
  );
}
