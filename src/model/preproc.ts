// Line-level preprocessor facts over the visible lines of one image: the #if stack around
// each line, and whether a line sits inside __bpf_kfunc_start_defs()/__bpf_kfunc_end_defs()
// (or a legacy `__diag_push(); __diag_ignore_all("-Wmissing-prototypes", ...)` block).
import {
  DEFS_BLOCK_CLOSERS,
  DEFS_BLOCK_OPENERS,
  LEGACY_DEFS_CLOSER,
  LEGACY_DEFS_OPENER,
  LEGACY_DEFS_WARNING,
} from './defs-block-markers.js';

const OPENER = new RegExp(`^(?:${DEFS_BLOCK_OPENERS.join('|')})\\s*\\(`);
const CLOSER = new RegExp(`^(?:${DEFS_BLOCK_CLOSERS.join('|')})\\s*\\(`);
const LEGACY_OPENER = new RegExp(`^${LEGACY_DEFS_OPENER}\\s*\\(\\s*"${LEGACY_DEFS_WARNING}"`);
const LEGACY_CLOSER = new RegExp(`^${LEGACY_DEFS_CLOSER}\\s*\\(`);

export interface VisibleLine {
  line: number;
  text: string;
}

export interface PreprocFacts {
  /** Conditions enclosing the line, outermost first (`CONFIG_X`, `!CONFIG_Y`, `defined(A) && B`). */
  ifdefsAt(line: number): string[];
  /** true/false when a start or end marker is visible before the line, null when none is. */
  inDefsBlockAt(line: number): boolean | null;
}

/**
 * Conditions tracked per line. Every directive copies the stack (the lines after it share that
 * copy), so deeper nesting (never seen in the kernel) is counted but not recorded: 10k nested
 * `#if`s must not cost 10k x 10k entries.
 */
export const MAX_IF_DEPTH = 64;

export function preprocFacts(lines: VisibleLine[]): PreprocFacts {
  const stacks = new Map<number, string[]>();
  const defs = new Map<number, boolean | null>();
  let stack: string[] = [];
  /** Open conditionals past MAX_IF_DEPTH: their #elif/#else/#endif change nothing recorded. */
  let deeper = 0;
  let block: boolean | null = null;
  let prevLine = -1;
  const push = (cond: string) => {
    if (stack.length < MAX_IF_DEPTH) stack = [...stack, cond];
    else deeper++;
  };
  for (const { line, text } of lines) {
    // A gap (unseen lines) leaves the #if stack unknown: start again from what is visible.
    if (prevLine >= 0 && line !== prevLine + 1) {
      stack = [];
      deeper = 0;
    }
    prevLine = line;
    const t = text.trim();
    let m: RegExpExecArray | null;
    if (t[0] !== '#') {
      // not a directive: the stack stands
    } else if ((m = /^#\s*ifdef\s+(\w+)/.exec(t))) push(m[1]);
    else if ((m = /^#\s*ifndef\s+(\w+)/.exec(t))) push(`!${m[1]}`);
    else if ((m = /^#\s*if\s+(.*)$/.exec(t))) push(normaliseCond(m[1]));
    else if (deeper > 0) {
      if (/^#\s*endif\b/.test(t)) deeper--;
    } else if ((m = /^#\s*elif\s+(.*)$/.exec(t))) stack = [...stack.slice(0, -1), normaliseCond(m[1])];
    else if (/^#\s*else\b/.test(t)) stack = stack.length ? [...stack.slice(0, -1), negate(stack[stack.length - 1])] : stack;
    else if (/^#\s*endif\b/.test(t)) stack = stack.slice(0, -1);
    if (OPENER.test(t)) block = true;
    else if (CLOSER.test(t)) block = false;
    else if (LEGACY_OPENER.test(t)) block = true;
    else if (LEGACY_CLOSER.test(t) && block) block = false;
    stacks.set(line, stack);
    defs.set(line, block);
  }
  return {
    ifdefsAt: (line) => stacks.get(line) ?? [],
    inDefsBlockAt: (line) => defs.get(line) ?? null,
  };
}

export function normaliseCond(c: string): string {
  const t = c.replace(/\/\*.*?\*\//g, '').trim();
  const m = /^(?:defined\s*\(\s*(\w+)\s*\)|IS_ENABLED\s*\(\s*(\w+)\s*\)|IS_BUILTIN\s*\(\s*(\w+)\s*\))$/.exec(t);
  return m ? (m[1] ?? m[2] ?? m[3]) : t.replace(/\s+/g, ' ');
}

function negate(c: string): string {
  return c.startsWith('!') ? c.slice(1) : `!${c}`;
}
