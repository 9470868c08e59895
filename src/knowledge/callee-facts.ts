// The shape every table of kernel callees shares: exact names and name patterns, each entry
// with the evidence (the kernel file or document that says so) in our own words. A table file
// holds one topic; this file only says how an entry is written and looked up.

export interface CalleeFact {
  /** Exact callee names. */
  names: readonly string[];
  /** A naming convention of the kernel that covers a whole family. */
  pattern?: RegExp;
  /** Why the entry holds, with the kernel location that shows it. */
  why: string;
}

/** The first entry of `table` that covers callee `name`. */
export function calleeFact<T extends CalleeFact>(table: readonly T[], name: string): T | undefined {
  if (!name) return undefined;
  return table.find((e) => e.names.includes(name)) ?? table.find((e) => e.pattern?.test(name));
}

/** The entry of `table` that lists `name` itself (naming patterns left out). */
export function calleeFactByName<T extends CalleeFact>(table: readonly T[], name: string): T | undefined {
  return name ? table.find((e) => e.names.includes(name)) : undefined;
}
