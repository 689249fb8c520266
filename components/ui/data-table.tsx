"use client";

import * as React from "react";
import {
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type RowData,
  type SortingState,
} from "@tanstack/react-table";

declare module "@tanstack/react-table" {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData extends RowData, TValue> {
    /**
     * Which columns give way when the table is narrow (measured on the table's own width, so a
     * side nav or a dialog counts): 1 (default) always shown; 2 from a 42rem-wide table; 3 from
     * 56rem; 4 from 64rem (wider than the console's content at 1280 px and 1920 px: on the detail
     * page only, unless the table has room). Hidden cells stay out of the accessibility tree too;
     * their value is one click away (the row's detail).
     */
    priority?: 1 | 2 | 3 | 4;
    /** The label of this column's value on a card (below 768 px), when its header is not plain text. */
    cardLabel?: string;
  }
}

const PRIORITY_CLASS = { 1: "", 2: "hidden @2xl/table:table-cell", 3: "hidden @4xl/table:table-cell", 4: "hidden @5xl/table:table-cell" } as const;
const priorityClass = (meta: { priority?: 1 | 2 | 3 | 4 } | undefined) => PRIORITY_CLASS[meta?.priority ?? 1];
// With `cssCards` a card shows every value, so the columns give way only from 768 px.
const CSS_PRIORITY_CLASS = { 1: "", 2: "md:hidden md:@2xl/table:table-cell", 3: "md:hidden md:@4xl/table:table-cell", 4: "md:hidden md:@5xl/table:table-cell" } as const;
const cssPriorityClass = (meta: { priority?: 1 | 2 | 3 | 4 } | undefined) => CSS_PRIORITY_CLASS[meta?.priority ?? 1];

import { cn } from "@/lib/utils";
import { Skeleton } from "@/components/ui/skeleton";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/components/ui/table";

type DataTableProps<TData, TValue> = {
  columns: ColumnDef<TData, TValue>[];
  data: TData[];
  /** Shown in place of the rows when `data` is empty (and not loading). */
  emptyState?: React.ReactNode;
  /** Makes rows clickable and reachable with Tab; Enter or Space activates. */
  onRowClick?: (row: TData) => void;
  /** Stable row ids (e.g. the resource id) instead of indexes. */
  getRowId?: (row: TData, index: number) => string;
  /** Shows skeleton rows while the first page loads. */
  loading?: boolean;
  /** Accessible name of the table, e.g. "Credentials". */
  label?: string;
  /**
   * One markup for both layouts: the table, which CSS alone lays out as cards below 768 px (no
   * matchMedia, no second render), so the server's HTML is right at every width and hydration
   * swaps nothing. Without it, the cards are a list rendered once the page knows its width.
   */
  cssCards?: boolean;
  className?: string;
};

const NARROW = "(max-width: 767.98px)";
const subscribeNarrow = (onChange: () => void) => {
  const mq = window.matchMedia(NARROW);
  mq.addEventListener("change", onChange);
  return () => mq.removeEventListener("change", onChange);
};
/** True below 768 px (false on the server: the table is rendered first, cards once hydrated). */
function useNarrow(): boolean {
  return React.useSyncExternalStore(subscribeNarrow, () => window.matchMedia(NARROW).matches, () => false);
}

/** A column's name on a card: its text header, else meta.cardLabel, else none (the value speaks for itself). */
function cardLabelOf<TData>(column: { columnDef: ColumnDef<TData, unknown> }): string | null {
  const h = column.columnDef.header;
  return typeof h === "string" ? h : (column.columnDef.meta?.cardLabel ?? null);
}

// Clicks and key presses on controls inside a row (buttons, links, menus, and anything a
// portal renders from the row, such as a dialog) must not also trigger the row action.
function isFromInteractiveChild(event: React.SyntheticEvent<HTMLElement>) {
  const target = event.target as HTMLElement;
  if (target === event.currentTarget) return false;
  if (!event.currentTarget.contains(target)) return true;
  return Boolean(
    target.closest(
      "a, button, input, select, textarea, label, [role=button], [role=checkbox], [role=menuitem], [role=switch], [contenteditable=true]",
    ),
  );
}

/** A clickable row's props: reachable with Tab, activated by a click (not on its controls), Enter or Space. */
function rowActivation<TData>(onRowClick: ((row: TData) => void) | undefined, row: TData) {
  if (!onRowClick) return {};
  return {
    tabIndex: 0,
    onClick: (event: React.MouseEvent<HTMLElement>) => {
      if (isFromInteractiveChild(event)) return;
      onRowClick(row);
    },
    onKeyDown: (event: React.KeyboardEvent<HTMLElement>) => {
      if (event.target !== event.currentTarget) return;
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        onRowClick(row);
      }
    },
  };
}

// The wrapper takes the width it is given (an inline-size container): low-priority columns give
// way first, and a table still too wide scrolls inside it instead of stretching the page.
function DataTable<TData, TValue>(props: DataTableProps<TData, TValue>) {
  return props.cssCards ? <CssCardsTable {...props} /> : <SwapDataTable {...props} />;
}

function useTable<TData, TValue>({ columns, data, getRowId }: Pick<DataTableProps<TData, TValue>, "columns" | "data" | "getRowId">) {
  const [sorting, setSorting] = React.useState<SortingState>([]);
  return useReactTable({
    data,
    columns,
    getRowId,
    state: { sorting },
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
  });
}

function SwapDataTable<TData, TValue>({
  columns,
  data,
  emptyState,
  onRowClick,
  getRowId,
  loading = false,
  label,
  className,
}: DataTableProps<TData, TValue>) {
  const table = useTable({ columns, data, getRowId });

  const rows = table.getRowModel().rows;
  const columnCount = table.getVisibleLeafColumns().length || columns.length;
  const leafColumns = table.getVisibleLeafColumns();


  const narrow = useNarrow();
  // Below 768 px each row is a card: its first column as the title, the others labelled beneath.
  // One or the other is rendered (never both), so every row, label and empty state exists once.
  if (narrow) return (
    <div data-slot="data-table-cards" className={cn("w-full min-w-0", className)}>
      {loading && rows.length === 0 ? (
        <div className="grid gap-2" aria-busy="true">
          {Array.from({ length: 3 }, (_, i) => (
            <Skeleton key={i} className="h-20 w-full" />
          ))}
        </div>
      ) : rows.length ? (
        <ul aria-label={label} className="grid gap-2">
          {rows.map((row) => {
            const [first, ...rest] = row.getVisibleCells();
            return (
              <li
                key={row.id}
                {...rowActivation(onRowClick, row.original)}
                className={cn(
                  "grid min-w-0 gap-2 rounded-md border bg-card p-3 text-sm",
                  onRowClick && "cursor-pointer outline-none hover:bg-muted/50 focus-visible:ring-[3px] focus-visible:ring-ring/50",
                )}
              >
                {first ? <div className="min-w-0 font-medium">{flexRender(first.column.columnDef.cell, first.getContext())}</div> : null}
                {rest.length ? (
                  <dl className="grid min-w-0 grid-cols-[minmax(5.5rem,auto)_minmax(0,1fr)] gap-x-3 gap-y-1.5">
                    {rest.map((cell) => {
                      const name = cardLabelOf(cell.column);
                      return (
                        <div key={cell.id} className={cn("contents", !name && "[&>dd]:col-span-2")}>
                          {name ? <dt className="text-xs text-muted-foreground">{name}</dt> : null}
                          <dd className="min-w-0 [&_.truncate]:max-w-full">{flexRender(cell.column.columnDef.cell, cell.getContext())}</dd>
                        </div>
                      );
                    })}
                  </dl>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : (
        <div className="rounded-md border [&>[data-slot=empty-state]]:rounded-none [&>[data-slot=empty-state]]:border-0">
          {emptyState ?? <p className="py-10 text-center text-sm text-muted-foreground">No results.</p>}
        </div>
      )}
    </div>
  );

  return (
    <div data-slot="data-table" className={cn("@container/table w-full min-w-0 rounded-md border", className)}>
      <Table aria-label={label} aria-busy={loading || undefined}>
        <TableHeader>
          {table.getHeaderGroups().map((headerGroup) => (
            <TableRow key={headerGroup.id} className="hover:bg-transparent">
              {headerGroup.headers.map((header) => (
                <TableHead
                  key={header.id}
                  colSpan={header.colSpan}
                  aria-sort={
                    header.column.getIsSorted() === "asc"
                      ? "ascending"
                      : header.column.getIsSorted() === "desc"
                        ? "descending"
                        : undefined
                  }
                  className={cn("px-3", priorityClass(header.column.columnDef.meta))}
                >
                  {header.isPlaceholder
                    ? null
                    : flexRender(header.column.columnDef.header, header.getContext())}
                </TableHead>
              ))}
            </TableRow>
          ))}
        </TableHeader>
        <TableBody>
          {loading && rows.length === 0 ? (
            Array.from({ length: 3 }, (_, i) => (
              <TableRow key={`skeleton-${i}`} className="hover:bg-transparent">
                {Array.from({ length: columnCount }, (_, j) => (
                  <TableCell key={j} className={cn("px-3", priorityClass(leafColumns[j]?.columnDef.meta))}>
                    <Skeleton className="h-4 w-full max-w-32" />
                  </TableCell>
                ))}
              </TableRow>
            ))
          ) : rows.length ? (
            rows.map((row) => (
              <TableRow
                key={row.id}
                data-state={row.getIsSelected() ? "selected" : undefined}
                {...rowActivation(onRowClick, row.original)}
                className={cn(
                  onRowClick &&
                    "cursor-pointer outline-none focus-visible:bg-muted/50 focus-visible:ring-[3px] focus-visible:ring-ring/50 focus-visible:ring-inset",
                )}
              >
                {row.getVisibleCells().map((cell) => (
                  <TableCell key={cell.id} className={cn("px-3", priorityClass(cell.column.columnDef.meta))}>
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </TableCell>
                ))}
              </TableRow>
            ))
          ) : (
            <TableRow className="hover:bg-transparent">
              <TableCell colSpan={columnCount} className="p-0 whitespace-normal [&>[data-slot=empty-state]]:rounded-none [&>[data-slot=empty-state]]:border-0">
                {emptyState ?? (
                  <p className="py-10 text-center text-sm text-muted-foreground">No results.</p>
                )}
              </TableCell>
            </TableRow>
          )}
        </TableBody>
      </Table>
    </div>
  );
}

/**
 * The table laid out by CSS alone: from 768 px a table (columns giving way by priority, as above);
 * below, each row a card like the list's: the first cell as its title, the others beneath with
 * their column's name (generated content, so a cell's text is still its value; the column headers
 * stay in the accessibility tree, visually hidden), on a two-column grid whose label column all of
 * a card's values share (subgrid).
 */
function CssCardsTable<TData, TValue>({
  columns,
  data,
  getRowId,
  label,
  loading = false,
  emptyState,
  onRowClick,
  className,
}: DataTableProps<TData, TValue>) {
  const table = useTable({ columns, data, getRowId });
  const rows = table.getRowModel().rows;
  const leafColumns = table.getVisibleLeafColumns();
  const columnCount = leafColumns.length;
  const card = "max-md:grid max-md:grid-cols-[minmax(5.5rem,auto)_minmax(0,1fr)] max-md:gap-x-3 max-md:gap-y-1.5 max-md:rounded-md max-md:border! max-md:bg-card max-md:p-3";
  return (
    <div data-slot="data-table" data-layout="css-cards" className={cn("@container/table w-full min-w-0 md:rounded-md md:border", className)}>
      <Table aria-label={label} aria-busy={loading || undefined} className="max-md:block">
        <TableHeader className="max-md:sr-only">
          {table.getHeaderGroups().map((headerGroup) => (
            <TableRow key={headerGroup.id} className="hover:bg-transparent">
              {headerGroup.headers.map((header) => (
                <TableHead
                  key={header.id}
                  colSpan={header.colSpan}
                  aria-sort={
                    header.column.getIsSorted() === "asc" ? "ascending" : header.column.getIsSorted() === "desc" ? "descending" : undefined
                  }
                  className={cn("px-3", priorityClass(header.column.columnDef.meta))}
                >
                  {header.isPlaceholder ? null : flexRender(header.column.columnDef.header, header.getContext())}
                </TableHead>
              ))}
            </TableRow>
          ))}
        </TableHeader>
        <TableBody className="max-md:grid max-md:gap-2">
          {loading && rows.length === 0 ? (
            Array.from({ length: 3 }, (_, i) => (
              <TableRow key={`skeleton-${i}`} className="hover:bg-transparent max-md:block max-md:border-0!">
                {Array.from({ length: columnCount }, (_, j) => (
                  <TableCell key={j} className={cn("px-3 max-md:p-0", j === 0 ? "max-md:block" : "max-md:hidden", cssPriorityClass(leafColumns[j]?.columnDef.meta))}>
                    <Skeleton className="h-4 w-full max-w-32 max-md:h-20 max-md:max-w-none" />
                  </TableCell>
                ))}
              </TableRow>
            ))
          ) : rows.length ? (
            rows.map((row) => (
              <TableRow
                key={row.id}
                data-state={row.getIsSelected() ? "selected" : undefined}
                {...rowActivation(onRowClick, row.original)}
                className={cn(
                  card,
                  onRowClick &&
                    "cursor-pointer outline-none focus-visible:bg-muted/50 focus-visible:ring-[3px] focus-visible:ring-ring/50 focus-visible:ring-inset",
                )}
              >
                {row.getVisibleCells().map((cell, i) => {
                  const name = i === 0 ? null : cardLabelOf(cell.column);
                  return (
                    <TableCell
                      key={cell.id}
                      // The card's label is generated content (not the cell's text, which stays its value).
                      data-label={name ?? undefined}
                      className={cn(
                        "px-3 max-md:min-w-0 max-md:p-0 max-md:whitespace-normal",
                        i === 0
                          ? "max-md:col-span-2 max-md:mb-0.5 max-md:font-medium"
                          : "max-md:col-span-2 max-md:grid max-md:grid-cols-subgrid",
                        name && "max-md:before:text-xs max-md:before:text-muted-foreground max-md:before:content-[attr(data-label)]",
                        cssPriorityClass(cell.column.columnDef.meta),
                      )}
                    >
                      {i === 0 ? (
                        flexRender(cell.column.columnDef.cell, cell.getContext())
                      ) : (
                        <div className={cn("min-w-0 max-md:[&_.truncate]:max-w-full", !name && "max-md:col-span-2")}>
                          {flexRender(cell.column.columnDef.cell, cell.getContext())}
                        </div>
                      )}
                    </TableCell>
                  );
                })}
              </TableRow>
            ))
          ) : (
            <TableRow className="hover:bg-transparent max-md:block max-md:rounded-md max-md:border!">
              <TableCell
                colSpan={columnCount}
                className="p-0 whitespace-normal max-md:block [&>[data-slot=empty-state]]:rounded-none [&>[data-slot=empty-state]]:border-0"
              >
                {emptyState ?? <p className="py-10 text-center text-sm text-muted-foreground">No results.</p>}
              </TableCell>
            </TableRow>
          )}
        </TableBody>
      </Table>
    </div>
  );
}

export { DataTable };
export type { DataTableProps };
