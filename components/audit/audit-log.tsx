"use client";
// The audit log: filters kept in the URL (shareable), a cursor-paged table newest first, a detail
// dialog per entry, and exports with the same filters.
import type { ColumnDef } from "@tanstack/react-table";
import { ChevronRight, Download, FilterX, ScrollText } from "lucide-react";
import dynamic from "next/dynamic";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import {
  ACTION_SUGGESTIONS,
  filtersFromSearchParams,
  filtersToSearchParams,
  hasFilters,
  isoToLocalInput,
  localInputToIso,
  normalizeAction,
  type AuditFilters,
} from "@/components/audit/filters";
import { SYSTEM_MONO } from "@/components/audit/format";
import { formatExact, formatRelative } from "@/components/ui/time-format";
import { auditExportHref, useAuditEvents } from "@/components/audit/queries";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { DataTable } from "@/components/ui/data-table";
import { ACTION_LABELS, actionLabel } from "@/components/audit/action-labels";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Spinner } from "@/components/ui/spinner";
import { ApiError } from "@/lib/api/fetch-api";
import type { AuditEventView } from "@/lib/validations/audit";
import { Truncate } from "@/components/ui/truncate";
import { useHydrated } from "@/components/ui/use-hydrated";
import { cn } from "@/lib/utils";

// An entry's details load with the first one opened: none of it is needed to show the list.
const AuditEventDialog = dynamic(() => import("@/components/audit/audit-event-dialog").then((m) => m.AuditEventDialog), { ssr: false });

const DEBOUNCE_MS = 350;
const ACTION_PATTERN = /^[a-z0-9_.-]+$/;

type Draft = { actor: string; action: string; from: string; to: string; environment: AuditFilters["environment"] };

function draftFrom(f: AuditFilters): Draft {
  return { actor: f.actor, action: f.action, from: isoToLocalInput(f.from), to: isoToLocalInput(f.to), environment: f.environment };
}

function draftErrors(d: Draft): { action?: string; to?: string } {
  const errors: { action?: string; to?: string } = {};
  const action = normalizeAction(d.action);
  if (action && !ACTION_PATTERN.test(action)) {
    errors.action = "Use an action like organization.renamed, or a prefix ending in a dot like member.";
  }
  if (d.from && d.to && new Date(d.from) > new Date(d.to)) errors.to = "To must not be before From.";
  return errors;
}

function filtersFromDraft(d: Draft): AuditFilters {
  return {
    actor: d.actor.trim(),
    action: normalizeAction(d.action),
    from: localInputToIso(d.from),
    to: localInputToIso(d.to, { end: true }),
    environment: d.environment,
  };
}

/** Re-renders every 30 s so "5 minutes ago" stays true. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);
  return now;
}

export function AuditLog({ orgId }: { orgId: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const search = searchParams.toString();
  const applied = useMemo(() => filtersFromSearchParams(new URLSearchParams(search)), [search]);

  const [draft, setDraft] = useState<Draft>(() => draftFrom(applied));
  const errors = draftErrors(draft);
  const written = useRef(filtersToSearchParams(applied).toString());

  // Back/forward or a pasted link changes the URL under us: show what it says.
  useEffect(() => {
    const current = filtersToSearchParams(applied).toString();
    if (current !== written.current) {
      written.current = current;
      setDraft(draftFrom(applied));
    }
  }, [applied]);

  // Typing settles, then the filters go into the URL (which drives the query).
  useEffect(() => {
    if (draftErrors(draft).action || draftErrors(draft).to) return;
    const t = setTimeout(() => {
      const next = filtersToSearchParams(filtersFromDraft(draft)).toString();
      if (next === written.current) return;
      written.current = next;
      router.replace(next ? `${pathname}?${next}` : pathname, { scroll: false });
    }, DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [draft, pathname, router]);

  const events = useAuditEvents(orgId, applied);
  const rows = useMemo(() => events.data?.pages.flatMap((p) => p.data) ?? [], [events.data]);
  const [selected, setSelected] = useState<AuditEventView | null>(null);
  // Mounted from the first opening on (so that closing still animates), not before.
  const [detailsUsed, setDetailsUsed] = useState(false);
  if (selected && !detailsUsed) setDetailsUsed(true);
  const now = useNow();

  const columns = useMemo<ColumnDef<AuditEventView>[]>(
    () => [
      {
        id: "time",
        header: "Time",
        cell: ({ row: { original: e } }) => (
          <time dateTime={e.created_at} title={formatExact(e.created_at)} className="whitespace-nowrap">
            {formatRelative(e.created_at, { now })}
          </time>
        ),
      },
      {
        id: "actor",
        header: "Actor",
        meta: { priority: 2 },
        cell: ({ row: { original: e } }) => (
          <span className="flex items-center gap-2">
            <Truncate value={e.actor.label} className="max-w-40" />
            <Badge variant="outline">{e.actor.type}</Badge>
          </span>
        ),
      },
      {
        id: "action",
        header: "Action",
        cell: ({ row: { original: e } }) => (
          <span className="grid max-w-56">
            <Truncate value={actionLabel(e.action)} />
            <Truncate as="code" value={e.action} className={cn(SYSTEM_MONO, "text-xs text-muted-foreground")} />
          </span>
        ),
      },
      {
        id: "target",
        header: "Target",
        meta: { priority: 2 },
        cell: ({ row: { original: e } }) =>
          e.target ? (
            <span className="grid">
              <span className="max-w-44 truncate" title={e.target.label ?? e.target.id ?? undefined}>
                {e.target.label ?? e.target.id ?? "—"}
              </span>
              <span className="text-xs text-muted-foreground">{e.target.type}</span>
            </span>
          ) : (
            <span className="text-muted-foreground">—</span>
          ),
      },
      {
        id: "environment",
        header: "Environment",
        meta: { priority: 3 },
        cell: ({ row: { original: e } }) =>
          e.environment ? (
            <Badge variant={e.environment === "live" ? "success" : "warning"} className="capitalize">
              {e.environment}
            </Badge>
          ) : (
            // Members, invitations, organization settings: not of one environment, so not tagged.
            <span className="whitespace-nowrap text-muted-foreground">Org-wide</span>
          ),
      },
      {
        id: "ip",
        header: "IP",
        cell: ({ row: { original: e } }) => (
          <span className={cn("block max-w-32 truncate text-xs", SYSTEM_MONO)} title={e.ip ?? undefined}>
            {e.ip ?? "—"}
          </span>
        ),
      },
      {
        id: "details",
        header: () => <span className="sr-only">Details</span>,
        cell: ({ row: { original: e } }) => (
          <div className="flex justify-end">
            <Button
              variant="ghost"
              size="icon-sm"
              onClick={() => setSelected(e)}
              aria-label={`Details of entry #${e.seq}, ${e.action}`}
              title="Details"
            >
              <ChevronRight aria-hidden />
            </Button>
          </div>
        ),
      },
    ],
    [now],
  );

  const filtered = hasFilters(applied);
  const apiError = events.error instanceof ApiError ? events.error : null;
  const fieldError = (field: string) => apiError?.errors?.find((e) => e.field === field)?.message;

  return (
    <div className="grid gap-4">
      <Filters
        draft={draft}
        errors={{ ...errors, action: errors.action ?? fieldError("action"), to: errors.to ?? fieldError("to") }}
        onChange={(patch) => setDraft((d) => ({ ...d, ...patch }))}
        onClear={() => setDraft(draftFrom({ actor: "", action: "", from: "", to: "", environment: "" }))}
        canClear={filtered || Object.values(draft).some((v) => v !== "")}
        exportCsv={auditExportHref(applied, "csv")}
        exportJson={auditExportHref(applied, "json")}
      />

      {events.error && !fieldError("action") && !fieldError("to") ? (
        <div
          role="alert"
          className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-destructive/30 bg-destructive/5 px-4 py-3 text-sm text-destructive"
        >
          Could not load the audit log: {events.error.message}
          <Button variant="outline" size="sm" onClick={() => void events.refetch()}>
            Try again
          </Button>
        </div>
      ) : null}

      <DataTable
        label="Audit log"
        columns={columns}
        data={rows}
        loading={events.isPending && !events.error}
        getRowId={(e) => e.id}
        onRowClick={setSelected}
        emptyState={
          filtered ? (
            <EmptyState
              icon={<FilterX />}
              title="No entries match these filters"
              description="Widen the time range, or clear the filters to see every entry."
              action={
                <Button variant="outline" onClick={() => setDraft(draftFrom({ actor: "", action: "", from: "", to: "", environment: "" }))}>
                  Clear filters
                </Button>
              }
            />
          ) : (
            <EmptyState
              icon={<ScrollText />}
              title="No audit entries yet"
              description="Every change to this organization (members, roles, credentials, webhooks) is recorded here with who made it and from where."
            />
          )
        }
      />

      <div className="flex flex-wrap items-center justify-between gap-2 text-sm text-muted-foreground">
        <span aria-live="polite">
          {rows.length > 0 ? `Showing ${rows.length} ${rows.length === 1 ? "entry" : "entries"}, newest first` : null}
        </span>
        {events.hasNextPage ? (
          <Button
            variant="outline"
            onClick={() => void events.fetchNextPage()}
            disabled={events.isFetchingNextPage}
            aria-busy={events.isFetchingNextPage || undefined}
          >
            {events.isFetchingNextPage ? <Spinner /> : null}
            Load more
          </Button>
        ) : null}
      </div>

      {detailsUsed ? <AuditEventDialog event={selected} onClose={() => setSelected(null)} /> : null}
    </div>
  );
}

/**
 * The Action filter's suggestions: every known action by its name. The list is filled in the
 * browser once the page has hydrated, not sent with the HTML: its ~70 options were ~850 bytes of
 * the compressed page, enough to push the HTML past the ~14.6 KB a new connection delivers in its
 * first round trip (Lighthouse mobile then waits one more simulated round trip, 150 ms, before
 * anything else starts). Before hydration the filter does nothing anyway (it needs the page's script).
 */
function ActionSuggestions({ id }: { id: string }) {
  const hydrated = useHydrated();
  const actions = useMemo(() => (hydrated ? [...new Set([...ACTION_SUGGESTIONS, ...Object.keys(ACTION_LABELS)])] : []), [hydrated]);
  return (
    <datalist id={id}>
      {actions.map((a) => (
        <option key={a} value={a} label={a.endsWith(".") ? `Any ${a.slice(0, -1).replace(/_/g, " ")} action` : actionLabel(a)} />
      ))}
    </datalist>
  );
}

type FiltersProps = {
  draft: Draft;
  errors: { action?: string; to?: string };
  onChange: (patch: Partial<Draft>) => void;
  onClear: () => void;
  canClear: boolean;
  exportCsv: string;
  exportJson: string;
};

function Filters({ draft, errors, onChange, onClear, canClear, exportCsv, exportJson }: FiltersProps) {
  const id = useId();
  return (
    <div role="search" aria-label="Filter the audit log" className="grid gap-3 rounded-lg border p-4">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <div className="grid content-start gap-1.5">
          <Label htmlFor={`${id}-actor`}>Actor</Label>
          <Input
            id={`${id}-actor`}
            type="search"
            value={draft.actor}
            onChange={(e) => onChange({ actor: e.target.value })}
            placeholder="Email or credential"
            autoComplete="off"
          />
        </div>
        <div className="grid content-start gap-1.5">
          <Label htmlFor={`${id}-action`}>Action</Label>
          <Input
            id={`${id}-action`}
            type="search"
            list={`${id}-actions`}
            value={draft.action}
            onChange={(e) => onChange({ action: e.target.value })}
            placeholder="e.g. member."
            autoComplete="off"
            spellCheck={false}
            className={SYSTEM_MONO}
            aria-invalid={errors.action ? true : undefined}
            aria-describedby={errors.action ? `${id}-action-error` : undefined}
          />
          <ActionSuggestions id={`${id}-actions`} />
          {errors.action ? (
            <p id={`${id}-action-error`} className="text-xs text-destructive">
              {errors.action}
            </p>
          ) : null}
        </div>
        <div className="grid content-start gap-1.5">
          <Label htmlFor={`${id}-from`}>From</Label>
          <Input
            id={`${id}-from`}
            type="datetime-local"
            value={draft.from}
            max={draft.to || undefined}
            onChange={(e) => onChange({ from: e.target.value })}
          />
        </div>
        <div className="grid content-start gap-1.5">
          <Label htmlFor={`${id}-to`}>To</Label>
          <Input
            id={`${id}-to`}
            type="datetime-local"
            value={draft.to}
            min={draft.from || undefined}
            onChange={(e) => onChange({ to: e.target.value })}
            aria-invalid={errors.to ? true : undefined}
            aria-describedby={errors.to ? `${id}-to-error` : undefined}
          />
          {errors.to ? (
            <p id={`${id}-to-error`} className="text-xs text-destructive">
              {errors.to}
            </p>
          ) : null}
        </div>
      </div>
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="flex flex-wrap items-end gap-3">
          <div className="grid gap-1.5">
            <Label htmlFor={`${id}-env`}>Environment</Label>
            {/* A native select: three fixed choices need no popover, and Radix's Select was the
                page's one use of its code (~8 KB compressed, and its hydration) on a phone. */}
            <select
              id={`${id}-env`}
              value={draft.environment}
              onChange={(e) => onChange({ environment: e.target.value as Draft["environment"] })}
              className="h-9 w-44 rounded-md border border-input bg-transparent px-3 py-1 text-base shadow-xs md:text-sm outline-none focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/50 dark:bg-input/30 [&>option]:bg-popover [&>option]:text-popover-foreground"
            >
              <option value="">All environments</option>
              <option value="test">Test</option>
              <option value="live">Live</option>
            </select>
          </div>
          {canClear ? (
            <Button variant="ghost" onClick={onClear}>
              <FilterX aria-hidden />
              Clear filters
            </Button>
          ) : null}
        </div>
        <div className="flex flex-wrap gap-2">
          <Button asChild variant="outline">
            <a href={exportCsv} download>
              <Download aria-hidden />
              Export CSV
            </a>
          </Button>
          <Button asChild variant="outline">
            <a href={exportJson} download>
              <Download aria-hidden />
              Export JSON
            </a>
          </Button>
        </div>
      </div>
    </div>
  );
}
