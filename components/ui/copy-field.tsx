"use client";

import * as React from "react";

import { CopyButton } from "@/components/ui/copy-button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

type CopyFieldProps = {
  label: React.ReactNode;
  value: string;
  /** Accessible name of the copy button, e.g. "Copy client secret". */
  copyLabel: string;
  /** Id of an element that describes the value (set as the input's aria-describedby). */
  describedBy?: string;
};

// A labelled, read-only value with a copy button beside it: secrets shown once, ids, links.
// Focusing the input selects it all, so copying by hand takes one keystroke too.
function CopyField({ label, value, copyLabel, describedBy }: CopyFieldProps) {
  const id = React.useId();
  return (
    <div data-slot="copy-field" className="grid gap-2">
      <Label htmlFor={id}>{label}</Label>
      <div className="flex items-center gap-2">
        <Input
          id={id}
          value={value}
          readOnly
          spellCheck={false}
          autoComplete="off"
          aria-describedby={describedBy}
          className="font-mono text-xs"
          onFocus={(e) => e.currentTarget.select()}
        />
        <CopyButton value={value} label={copyLabel} variant="outline" size="icon" />
      </div>
    </div>
  );
}

export { CopyField };
export type { CopyFieldProps };
